"""indicators.changes: Newcombe's interval, the exact test of two rates, labelled changes."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from indicator_frames import PRISONS, deaths, ost, row, values
from scipy.stats import binomtest

from indicators.changes import (
    CHANGE_LABELS,
    CHANGE_TESTS,
    DECREASE,
    INCREASE,
    newcombe_interval,
    rate_ratio_interval,
    significant_changes,
)
from indicators.compute import indicator_values
from indicators.stats import NO_SIGNIFICANT_CHANGE
from indicators.suppression import suppress

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (95%).
NEWCOMBE_METHOD_10 = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
]


def _limits(interval, frame: pl.DataFrame) -> tuple[list[float | None], list[float | None]]:
    lower, upper = interval
    got = frame.select(lower.alias("l"), upper.alias("u"))
    return got["l"].to_list(), got["u"].to_list()


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_METHOD_10)
def test_newcombe_reproduces_the_published_method_10(counts, expected) -> None:
    frame = pl.DataFrame([counts], schema=["x1", "n1", "x2", "n2"], orient="row").cast(pl.Float64)
    lower, upper = _limits(newcombe_interval(*(pl.col(c) for c in frame.columns)), frame)
    assert (round(lower[0], 4), round(upper[0], 4)) == expected


def test_newcombe_is_null_when_a_proportion_is_not_computable() -> None:
    frame = pl.DataFrame(
        {"x1": [5.0, None], "n1": [10.0, 10.0], "x2": [3.0, 3.0], "n2": [0.0, 10.0]}
    )
    lower, upper = _limits(newcombe_interval(*(pl.col(c) for c in frame.columns)), frame)
    assert lower == [None, None] and upper == [None, None]


def rate_frame(rows: list[tuple[float, float, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["x1", "t1", "x2", "t2"], orient="row", infer_schema_length=None
    )


def test_rate_ratio_reproduces_r_poisson_test() -> None:
    # R's ?poisson.test example: 11 events in 800 against 6 + 8 + 7 in 1083 + 1050 + 878
    # person-years; R prints the lower limit 0.8584264 and p = 0.07967.
    frame = rate_frame([(11, 800, 21, 3011)])
    lower, upper = _limits(rate_ratio_interval(*(pl.col(c) for c in frame.columns)), frame)
    assert lower[0] == pytest.approx(0.8584264, abs=1e-7)
    test = binomtest(11, 32, 800 / 3811)
    assert test.pvalue == pytest.approx(0.07967, abs=1e-5)
    share = test.proportion_ci(confidence_level=0.95, method="exact").high
    assert upper[0] == pytest.approx(share / (1 - share) * 3011 / 800)


def test_rate_ratio_at_the_edges() -> None:
    frame = rate_frame([(0, 100, 4, 100), (4, 100, 0, 100), (0, 100, 0, 100), (3, 0, 1, 100)])
    lower, upper = _limits(rate_ratio_interval(*(pl.col(c) for c in frame.columns)), frame)
    assert lower[0] == 0.0 and upper[0] == pytest.approx(
        (1 - 0.025 ** (1 / 4)) / 0.025 ** (1 / 4)  # x1 = 0: upper share is 1 - (a/2)^(1/N)
    )
    assert upper[1] == float("inf")
    assert lower[2] is None and upper[2] is None  # no events: nothing to compare
    assert lower[3] is None


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 60),
    st.integers(0, 60),
    st.floats(50, 5_000),
    st.floats(50, 5_000),
)
def test_rate_ratio_matches_scipys_exact_binomial_interval(x1, x2, t1, t2) -> None:
    frame = rate_frame([(x1, t1, x2, t2)])
    lower, upper = _limits(rate_ratio_interval(*(pl.col(c) for c in frame.columns)), frame)
    if x1 + x2 == 0:
        assert lower == [None] and upper == [None]
        return
    ci = binomtest(x1, x1 + x2, t1 / (t1 + t2)).proportion_ci(method="exact")

    def ratio(share: float) -> float:
        return float("inf") if share >= 1 else share / (1 - share) * t2 / t1

    assert lower[0] == pytest.approx(ratio(ci.low), rel=1e-9)
    assert upper[0] == pytest.approx(ratio(ci.high), rel=1e-9)


# --- Changes of a table ---------------------------------------------------------------


def test_the_tests_are_named_for_the_page() -> None:
    assert "Newcombe" in CHANGE_TESTS and "exact conditional" in CHANGE_TESTS


def test_changes_of_proportions_are_labelled() -> None:
    figures = {
        ("N-A", "2024-Q1"): ost(40, 100),
        ("N-A", "2024-Q4"): ost(48, 80),
        ("N-A", "2025-Q1"): ost(56, 70),
        ("N-B", "2024-Q4"): ost(50, 100),
        ("N-B", "2025-Q1"): ost(52, 100),
    }
    table = indicator_values(values(figures), PRISONS, indicators=["ost_coverage"])
    got = significant_changes(table)
    a = row(got, level="prison", prison_code="N-A", period="2025-Q1")
    assert a["previous_quarter_change"] == INCREASE  # 56/70 vs 48/80: 0.052 to 0.334
    assert a["year_before_change"] == INCREASE
    b = row(got, level="prison", prison_code="N-B", period="2025-Q1")
    assert b["previous_quarter_change"] == NO_SIGNIFICANT_CHANGE
    assert b["year_before_change"] is None  # no 2024-Q1
    assert (
        row(got, level="prison", prison_code="N-A", period="2024-Q4")["previous_quarter_change"]
        is None
    )  # 2024-Q3 absent
    assert set(got["previous_quarter_change"].drop_nulls()) <= set(CHANGE_LABELS)


def test_changes_of_rates_use_the_exact_test() -> None:
    figures = {("N-A", "2024-Q4"): deaths(30, 800), ("N-A", "2025-Q1"): deaths(3, 800)}
    table = indicator_values(values(figures), PRISONS, indicators=["overdose_death_rate"])
    got = row(significant_changes(table), level="prison", prison_code="N-A", period="2025-Q1")
    assert got["previous_quarter_change"] == DECREASE
    years = table.filter(pl.col("level") == "prison")["denominator"].to_list()
    assert binomtest(3, 33, years[1] / sum(years)).pvalue < 0.05


def test_a_suppressed_quarter_has_no_change() -> None:
    figures = {
        (p, q): ost(x, 100)
        for q, xs in (("2024-Q4", (3, 50, 60)), ("2025-Q1", (40, 55, 61)))
        for p, x in zip(("N-A", "N-B", "N-C"), xs, strict=True)
    }
    shown = suppress(indicator_values(values(figures), PRISONS, indicators=["ost_coverage"]))
    got = significant_changes(shown)
    hidden = shown.filter(pl.col("suppressed") & (pl.col("period") == "2024-Q4"))
    assert hidden.height >= 1
    for code in hidden["prison_code"].drop_nulls():
        assert (
            row(got, level="prison", prison_code=code, period="2025-Q1")["previous_quarter_change"]
            is None
        )
