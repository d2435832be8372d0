"""indicators.pooling: rolling four-quarter sums, and no subtraction leak for suppressed readers."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_frames import PRISONS, deaths, ost, row, values

from indicators.compute import indicator_values
from indicators.pooling import WINDOW_QUARTERS, rolling_pool, window_label
from indicators.suppression import suppress

QUARTERS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2"]


def death_table(counts: dict[str, list[int | None]]) -> pl.DataFrame:
    figures = {
        (code, q): deaths(x, 500)
        for code, xs in counts.items()
        for q, x in zip(QUARTERS, xs, strict=True)
        if x is not None
    }
    return indicator_values(values(figures), PRISONS, indicators=["overdose_death_rate"])


def test_a_window_sums_its_four_quarters_and_says_so() -> None:
    full = death_table({"N-A": [1, 0, 2, 3, 1, 0], "N-B": [0, 0, 1, 0, 0, 0]})
    pooled = rolling_pool(full)
    got = row(pooled, level="prison", prison_code="N-A", period="2025-Q1")
    quarters = full.filter((pl.col("prison_code") == "N-A") & pl.col("period").is_in(QUARTERS[1:5]))
    assert got["numerator"] == 0 + 2 + 3 + 1
    assert got["denominator"] == pytest.approx(quarters["denominator"].sum())
    assert got["value"] == pytest.approx(6 / quarters["denominator"].sum() * 1000)
    assert got["lower_95"] < got["value"] < got["upper_95"]
    assert got["window"] == window_label("2025-Q1") == "rolling four quarters ending 2025-Q1"
    nation = row(pooled, level="national", period="2025-Q1")
    assert nation["numerator"] == 6 + 1
    assert got["benchmark"] == pytest.approx(nation["value"])


def test_a_window_with_a_quarter_missing_is_not_computable() -> None:
    full = death_table({"N-A": [1, 0, None, 3, 1, 0], "N-B": [0, 0, 1, 0, 0, 0]})
    pooled = rolling_pool(full)
    for period in QUARTERS[: WINDOW_QUARTERS - 1]:
        assert row(pooled, level="prison", prison_code="N-B", period=period)["value"] is None
    for period in ("2024-Q4", "2025-Q1", "2025-Q2"):  # each window holds 2024-Q3
        assert row(pooled, level="prison", prison_code="N-A", period=period)["value"] is None
    assert row(pooled, level="prison", prison_code="N-B", period="2024-Q4")["value"] is not None


def test_a_window_holding_a_suppressed_quarter_is_suppressed() -> None:
    # Without the rule, window(Q2) - window(Q1) + Q(2024-Q2) would give 2025-Q2's hidden 2.
    full = indicator_values(
        values(
            {
                (c, q): ost(2 if q == "2025-Q2" and c == "N-A" else 40, 100)
                for c in ("N-A", "N-B", "N-C")
                for q in QUARTERS
            }
        ),
        PRISONS,
        indicators=["ost_coverage"],
    )
    shown = suppress(full)
    assert row(shown, level="prison", prison_code="N-A", period="2025-Q2")["suppressed"]
    pooled = rolling_pool(full, shown=shown)
    assert row(pooled, level="prison", prison_code="N-A", period="2025-Q2")["suppressed"]
    assert row(pooled, level="prison", prison_code="N-A", period="2025-Q1")["numerator"] == 160


figures = st.dictionaries(
    st.tuples(st.sampled_from([p.code for p in PRISONS]), st.sampled_from(QUARTERS)),
    st.tuples(st.integers(0, 12), st.integers(0, 20)),
    min_size=4,
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(figures)
def test_shown_windows_are_sums_of_shown_quarters(cells) -> None:
    """Whatever a reader sees of a window is a sum of figures their quarterly table shows,
    so windows and quarters together give no suppressed figure the quarters alone hide."""
    full = indicator_values(
        values({key: ost(min(x, n), n) for key, (x, n) in cells.items()}),
        PRISONS,
        indicators=["ost_coverage"],
    )
    shown = suppress(full)
    pooled = rolling_pool(full, shown=shown)
    index = {q: i for i, q in enumerate(QUARTERS)}
    keys = ["level", "region", "prison_code"]
    for window in pooled.iter_rows(named=True):
        end = index[window["period"]]
        inside = [QUARTERS[i] for i in range(end - WINDOW_QUARTERS + 1, end + 1) if i >= 0]
        series = shown.filter(
            pl.all_horizontal(
                (pl.col(k).is_null() if window[k] is None else pl.col(k) == window[k]) for k in keys
            )
            & pl.col("period").is_in(inside)
        )
        for column in ("numerator", "denominator"):
            if window[column] is None:
                continue
            assert series.height == WINDOW_QUARTERS
            parts = series[column]
            assert parts.null_count() == 0, (column, window)
            assert window[column] == pytest.approx(parts.sum())
        if window["numerator"] is not None:
            assert not series["suppressed"].any()
