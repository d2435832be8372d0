"""The bulletin's prisons needing attention, on literal frames."""

from __future__ import annotations

import polars as pl

from indicators.attention import needing_attention
from indicators.registry import load_registry
from indicators.stats import DECREASING, INCREASING, NO_SIGNIFICANT_CHANGE

HIGH = "ost_coverage"  # high is good
LOW = "overdose_nonfatal_rate"  # low is good


def rows(*items: tuple) -> pl.DataFrame:  # type: ignore[type-arg]
    return pl.DataFrame(
        items,
        schema={
            "prison_code": pl.String,
            "period": pl.String,
            "indicator": pl.String,
            "value": pl.Float64,
            "lower_998": pl.Float64,
            "upper_998": pl.Float64,
            "benchmark": pl.Float64,
            "suppressed": pl.Boolean,
        },
        orient="row",
    )


def trends(*items: tuple) -> pl.DataFrame:  # type: ignore[type-arg]
    return pl.DataFrame(
        items,
        schema={"prison_code": pl.String, "indicator": pl.String, "trend": pl.String},
        orient="row",
    )


def test_worse_at_998_follows_the_polarity_and_a_worsening_trend_too() -> None:
    registry = load_registry()
    assert registry[HIGH].polarity == "high_is_good" and registry[LOW].polarity == "low_is_good"
    table = rows(
        ("A", "2026-Q3", HIGH, 20.0, 10.0, 30.0, 50.0, False),  # worse: its upper limit below
        ("B", "2026-Q3", HIGH, 80.0, 70.0, 90.0, 50.0, False),  # better, not attention
        ("C", "2026-Q3", LOW, 9.0, 6.0, 12.0, 4.0, False),  # low is good, above: worse
        ("D", "2026-Q3", LOW, 1.0, 0.5, 2.0, 4.0, False),  # better
        ("E", "2026-Q3", HIGH, 49.0, 40.0, 60.0, 50.0, False),  # similar, but trend falls
        ("F", "2026-Q3", HIGH, None, None, None, 50.0, True),  # suppressed: never named
        ("A", "2026-Q2", HIGH, 20.0, 10.0, 30.0, 50.0, False),  # another quarter
    )
    marks = trends(
        ("B", HIGH, INCREASING),
        ("D", LOW, DECREASING),
        ("E", HIGH, DECREASING),
        ("F", HIGH, DECREASING),
        ("C", LOW, NO_SIGNIFICANT_CHANGE),
    )
    found = needing_attention(table, marks, "2026-Q3", registry)
    assert found.select("prison_code", "worse_998", "worsening").rows() == [
        ("A", True, False),
        ("C", True, False),
        ("E", False, True),
    ]
