"""What the charts draw: benchmarks as judged, gaps as gaps, every absence with its symbol."""

from __future__ import annotations

from types import SimpleNamespace

import polars as pl

from dashboard import charts
from dashboard.chart_style import STATE_SYMBOLS
from dashboard.profile_charts import spine_chart
from dashboard.time_charts import runs, trend_chart
from indicators.availability import NOT_IN_SERVICE, NOT_REPORTED, SHOWN, STATES, SUPPRESSED

META = SimpleNamespace(
    title="OST coverage", unit="%", polarity="high_is_good", statistic="proportion"
)


def compare_rows() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "prison_code": ["A", "B", "C", "D"],
            "region": ["N", "N", "S", "S"],
            "value": [40.0, 60.0, None, None],
            "lower_95": [30.0, 50.0, None, None],
            "upper_95": [50.0, 70.0, None, None],
            "numerator": [40, 60, None, None],
            "denominator": [100.0, 100.0, None, None],
            "benchmark": [45.0, 45.0, 70.0, 70.0],
            "benchmark_label": ["region N", "region N", "region S", "region S"],
            "significance": ["similar", "higher", None, None],
            "judgement": ["similar", "better", "not compared", "not compared"],
            "state": [SHOWN, SHOWN, SUPPRESSED, NOT_IN_SERVICE],
        }
    )


def test_a_regional_benchmark_is_a_tick_on_each_prisons_own_line() -> None:
    fig = charts.compare_chart(compare_rows(), META, "own region's value", per_row_benchmark=True)
    [ticks] = [t for t in fig.data if t.name == "own region's value"]
    assert list(zip(ticks.y, ticks.x, strict=True)) == [
        ("C", 70.0),
        ("D", 70.0),
        ("A", 45.0),
        ("B", 45.0),
    ]
    assert not fig.layout.shapes, "no single line pretends to be everyone's benchmark"


def test_a_national_benchmark_is_one_line() -> None:
    fig = charts.compare_chart(compare_rows(), META, "national value")
    assert len(fig.layout.shapes) == 1


def test_each_kind_of_absence_has_its_own_symbol_and_legend_word() -> None:
    fig = charts.compare_chart(compare_rows(), META, "national value", highlight={"A"})
    by_name = {t.name: t for t in fig.data}
    assert by_name[STATES[SUPPRESSED].word].marker.symbol == STATE_SYMBOLS[SUPPRESSED]
    assert by_name[STATES[NOT_IN_SERVICE].word].marker.symbol == STATE_SYMBOLS[NOT_IN_SERVICE]
    assert list(by_name["your prison"].y) == ["A"]
    assert "<b>A</b>" in fig.layout.yaxis.ticktext
    assert len(set(STATE_SYMBOLS.values())) == len(STATE_SYMBOLS)


def test_runs_split_at_every_quarter_without_a_value() -> None:
    assert runs([SHOWN, SHOWN, SUPPRESSED, SHOWN, NOT_REPORTED, SHOWN, SHOWN]) == [
        (0, 1),
        (3, 3),
        (5, 6),
    ]


def test_trend_bands_never_bridge_a_gap() -> None:
    periods = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    states = [SHOWN, SHOWN, SUPPRESSED, SHOWN, SHOWN]
    grid = pl.DataFrame(
        {
            "prison_code": ["A"] * 5,
            "period": periods,
            "state": states,
            "value": [50.0, 52.0, None, 55.0, 54.0],
            "lower_95": [40.0, 42.0, None, 45.0, 44.0],
            "upper_95": [60.0, 62.0, None, 65.0, 64.0],
        }
    )
    bench = pl.DataFrame({"period": periods, "label": ["national value"] * 5, "value": [50.0] * 5})
    fig = trend_chart(grid, bench, META, {}, title="t")
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [sorted(set(b.x)) for b in bands] == [periods[:2], periods[3:]]
    [line] = [t for t in fig.data if t.name and t.name.startswith("A (")]
    assert list(line.y) == [50.0, 52.0, None, 55.0, 54.0] and line.connectgaps is False
    [mark] = [t for t in fig.data if t.name == STATES[SUPPRESSED].word]
    assert list(mark.x) == ["2025-Q3"], "the gap is marked with why it is absent"


def test_the_spine_keeps_every_indicator_and_says_why_one_has_no_value() -> None:
    rows = pl.DataFrame(
        {
            "label": ["OST (%)", "Deaths (per 1,000 person-years)"],
            "state": [SHOWN, SUPPRESSED],
            "value": [50.0, None],
            "benchmark": [40.0, 1.0],
            "minimum": [10.0, 0.0],
            "q1": [30.0, 0.5],
            "q3": [60.0, 1.5],
            "maximum": [80.0, 3.0],
            "judgement": ["similar", "not compared"],
        }
    )
    fig = spine_chart(rows, "t")
    labels = list(fig.layout.yaxis.categoryarray)
    assert labels == ["Deaths (per 1,000 person-years) — suppressed", "OST (%)"]
    [absent] = [t for t in fig.data if t.name == STATES[SUPPRESSED].word]
    assert list(absent.y) == ["Deaths (per 1,000 person-years) — suppressed"]
