"""The effective-dated register (governance.md §5) in the engine and in its layout: a region's
past quarters are computed with the prisons that belonged to it then."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from data_contracts.periods import period_index
from indicators.compute import indicator_values
from store.register_history import FROM_THE_START, entry_for, lay_out, segments_frame

FIGURES = {"population_average": 400.0, "oud_identified": 100.0, "ost_received": 50.0}


def _values(quarters: list[str]) -> pl.DataFrame:
    rows = [
        (code, q, period_index(q), e, v)
        for code in ("A", "B")
        for q in quarters
        for e, v in FIGURES.items()
    ]
    return pl.DataFrame(
        rows,
        schema=["prison_code", "period", "period_index", "data_element", "value"],
        orient="row",
    )


def _row(code: str, region: str, since: str | None, n: int) -> dict:  # type: ignore[type-arg]
    return {
        "id": n,
        "code": code,
        "effective_from_index": None if since is None else period_index(since),
        "name": code,
        "region": region,
        "prison_type": None,
        "opened": None,
        "closed": None,
        "modules": "",
        "peer_group": None,
        "country": "XN",
        "recorded_at": datetime(2026, 1, 1, tzinfo=UTC),
    }


def test_a_move_applies_from_its_quarter_and_a_later_correction_replaces_from_its_own() -> None:
    runs = lay_out(
        [
            _row("A", "North", "2020-Q1", 1),  # a first entry applies from the start
            _row("A", "South", "2025-Q1", 2),
            _row("B", "North", None, 3),
            _row("A", "East", "2024-Q3", 4),  # recorded last: from 2024-Q3 on, East
        ]
    )
    assert [(s, p.region) for s, p in runs["A"]] == [
        (FROM_THE_START, "North"),
        (period_index("2024-Q3"), "East"),
    ]
    assert entry_for(runs["A"], period_index("2024-Q2")).region == "North"
    assert entry_for(runs["A"], period_index("2025-Q2")).region == "East"
    assert [p.region for _, p in runs["B"]] == ["North"]


def test_region_rows_use_the_register_of_each_quarter() -> None:
    runs = lay_out([_row("A", "North", None, 1), _row("B", "North", None, 2)])
    runs_moved = lay_out(
        [_row("A", "North", None, 1), _row("B", "North", None, 2), _row("B", "South", "2025-Q1", 3)]
    )
    values = _values(["2024-Q4", "2025-Q1"])
    table = indicator_values(values, segments_frame(runs_moved), indicators=["ost_coverage"])
    regions = table.filter(pl.col("level") == "region")
    got = {(r["region"], r["period"]): r["prisons"] for r in regions.iter_rows(named=True)}
    assert got[("North", "2024-Q4")] == 2 and got[("North", "2025-Q1")] == 1
    assert got[("South", "2025-Q1")] == 1 and ("South", "2024-Q4") not in got
    prisons = table.filter(pl.col("level") == "prison", pl.col("prison_code") == "B")
    assert dict(prisons.select("period", "region").iter_rows()) == {
        "2024-Q4": "North",
        "2025-Q1": "South",
    }
    # an undated register (one row per prison) gives the same as runs that never change
    plain = pl.DataFrame(
        {"prison_code": ["A", "B"], "country": ["XN", "XN"], "region": ["North", "North"]}
    )
    same = indicator_values(values, segments_frame(runs), indicators=["ost_coverage"])
    assert same.equals(indicator_values(values, plain, indicators=["ost_coverage"]))
