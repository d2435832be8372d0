"""indicators.grids: the counts and wide layouts the pages show, on small literal frames."""

from __future__ import annotations

import polars as pl

from indicators.grids import (
    funnel_groups,
    judgement_table,
    needing_attention,
    status_by_quarter,
    status_counts,
    status_matrix,
)
from store.completeness import STATUSES

GRID = pl.DataFrame(
    {
        "prison_code": ["B", "B", "A", "A", "C", "C", "D", "D"],
        "period": ["2026-Q1", "2026-Q2"] * 4,
        "status": [
            *("late", "missing"),  # B
            *("on time", "late"),  # A
            *("on time", "on time"),  # C
            *("missing", "missing"),  # D
        ],
    }
)


def test_status_counts_name_every_status_with_zero_for_none() -> None:
    counts = status_counts(GRID, STATUSES)
    assert list(counts) == list(STATUSES)
    assert counts["missing"] == 3 and counts["late"] == 2 and counts["on time"] == 3
    assert sum(counts.values()) == GRID.height
    assert status_counts(GRID.clear(), STATUSES) == dict.fromkeys(STATUSES, 0)


def test_status_by_quarter_counts_prisons_per_quarter_and_status() -> None:
    counts = status_by_quarter(GRID)
    assert counts.rows() == [
        ("2026-Q1", "late", 1),
        ("2026-Q1", "missing", 1),
        ("2026-Q1", "on time", 2),
        ("2026-Q2", "late", 1),
        ("2026-Q2", "missing", 2),
        ("2026-Q2", "on time", 1),
    ]


def test_needing_attention_ranks_missing_then_late_then_code() -> None:
    worst = needing_attention(GRID, limit=2)
    assert worst["prison_code"].unique(maintain_order=True).to_list() == ["B", "D"]
    # D and B have two and one missing; A (one late) comes third; C is in order
    assert needing_attention(GRID, limit=10)["prison_code"].unique().sort().to_list() == [
        "A",
        "B",
        "D",
    ]
    in_order = GRID.filter(pl.col("prison_code") == "C")
    assert needing_attention(in_order, limit=10).height == 0


def test_status_matrix_is_one_row_per_prison_and_a_column_per_quarter() -> None:
    wide = status_matrix(GRID.sort("period", descending=True))
    assert wide.columns == ["prison_code", "2026-Q1", "2026-Q2"]
    assert wide.row(0) == ("B", "late", "missing")
    assert wide.height == GRID["prison_code"].n_unique()


def test_judgement_table_fills_absent_judgements_with_zero() -> None:
    counts = pl.DataFrame(
        {
            "indicator": ["ost", "ost", "hcv"],
            "judgement": ["better", "worse", "similar"],
            "prisons": [3, 1, 4],
        }
    )
    wide = judgement_table(counts)
    assert wide.columns == ["indicator", "better", "worse", "similar"]
    assert wide.rows() == [("ost", 3, 1, 0), ("hcv", 0, 0, 4)]


def test_funnel_groups_give_each_group_its_benchmark_estimate_and_span() -> None:
    from indicators.grids import CURVE_FROM, CURVE_TO

    funnel = pl.DataFrame(
        {
            "group": ["North", "North", "South", "East"],
            "benchmark": [None, 0.4, 0.5, None],
            "overdispersion": ["phi 1.20", "phi 1.20", "phi 1", "phi 1"],
            "phi": [1.2, 1.2, 1.0, 1.0],
            "tau2": [None, None, None, None],
            "denominator": [100.0, 50.0, 80.0, None],
        },
        schema_overrides={"tau2": pl.Float64},
    )
    groups = funnel_groups(funnel)
    assert groups["group"].to_list() == ["North", "South", "East"]
    north = groups.row(0, named=True)
    assert north["benchmark"] == 0.4 and north["overdispersion"] == "phi 1.20"
    assert north["low"] == 50.0 * CURVE_FROM and north["high"] == 100.0 * CURVE_TO
    east = groups.row(2, named=True)
    assert east["benchmark"] is None and east["low"] is None


def test_rows_with_status_worst_first() -> None:
    from indicators.grids import rows_with_status

    grid = pl.DataFrame(
        {
            "prison_code": ["B", "A", "A", "C"],
            "period": ["2026-Q1", "2026-Q2", "2026-Q1", "2026-Q1"],
            "status": ["partial", "missing", "partial", "on time"],
        }
    )
    got = rows_with_status(grid, ("partial", "missing")).select("prison_code", "period").rows()
    assert got == [("A", "2026-Q1"), ("B", "2026-Q1"), ("A", "2026-Q2")]
    assert rows_with_status(grid, ("late",)).height == 0
