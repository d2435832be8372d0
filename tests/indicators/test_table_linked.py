"""A table narrowed to some indicators is suppressed with those tied to them first: asking
for one share alone must hide what the full table hides (a part given away by its total)."""

from __future__ import annotations

import polars as pl
import pytest

from data_contracts.register import Prison
from indicators.table import PeerSuppressionRefused, indicator_table

PRISONS = [Prison(f"X-{i}", f"P{i}", "North", "mixed") for i in range(3)]
PARTS = {"X-0": (3, 40, 37), "X-1": (20, 30, 10), "X-2": (25, 25, 10)}


def _values() -> pl.DataFrame:
    rows = []
    for code, (bup, meth, other) in PARTS.items():
        figures = {
            "population_average": 400.0,
            "oud_identified": 200.0,
            "ost_received": float(bup + meth + other),
            "ost_buprenorphine": float(bup),
            "ost_methadone": float(meth),
            "ost_other_agonist": float(other),
        }
        rows += [(code, "2025-Q3", e, v) for e, v in figures.items()]
    frame = pl.DataFrame(
        rows, schema=["prison_code", "period", "data_element", "value"], orient="row"
    )
    return frame.with_columns(
        period_index=pl.col("period").map_elements(
            lambda p: int(p[:4]) * 4 + int(p[-1]) - 1, return_dtype=pl.Int64
        )
    )


def test_one_share_asked_alone_hides_what_the_full_table_hides() -> None:
    values = _values()
    full = indicator_table(values, PRISONS, suppress=True)
    alone = indicator_table(values, PRISONS, suppress=True, indicators=["ost_methadone_share"])
    assert set(alone["indicator"]) == {"ost_methadone_share"}
    wanted = full.filter(pl.col("indicator") == "ost_methadone_share")
    assert alone.sort("prison_code").equals(wanted.sort("prison_code"))


def test_suppressed_tables_with_peer_rows_are_refused() -> None:
    with pytest.raises(PeerSuppressionRefused):
        indicator_table(_values(), PRISONS, suppress=True, benchmark="peer")
    with pytest.raises(PeerSuppressionRefused):
        indicator_table(_values(), PRISONS, suppress=True, level="peer")
    assert indicator_table(_values(), PRISONS, level="peer").height > 0


class _Reader:
    """Sees `own` prisons (None: every prison) and the aggregates if `aggregates`."""

    def __init__(self, own: set[str] | None, aggregates: bool) -> None:
        self.own, self.aggregates = own, aggregates

    def sees_unsuppressed(self, prison_code: str | None) -> bool:
        if prison_code is None:
            return self.aggregates
        return self.own is None or prison_code in self.own


def test_the_peer_benchmark_is_offered_only_to_readers_of_unsuppressed_figures() -> None:
    from indicators.aggregates import BENCHMARKS, PEER
    from indicators.suppression_peer import benchmarks_for

    assert benchmarks_for(_Reader(None, True)) == BENCHMARKS
    director = benchmarks_for(_Reader({"X-0"}, False))
    assert PEER not in director and set(director) == set(BENCHMARKS) - {PEER}


def test_suppressed_for_refuses_peer_rows_and_the_peer_benchmark() -> None:
    """What the dashboard calls: a director's table with peer figures is never made."""
    from indicators.compute import indicator_values
    from indicators.suppression import suppressed_for

    values = _values()
    director = _Reader({"X-0"}, False)
    peer = indicator_values(values, PRISONS, benchmark="peer")
    with pytest.raises(PeerSuppressionRefused):
        suppressed_for(peer, director, benchmark="peer")
    with pytest.raises(PeerSuppressionRefused):
        suppressed_for(indicator_values(values, PRISONS, peer_rows=True), director)
    with pytest.raises(PeerSuppressionRefused):
        suppressed_for(peer, _Reader(None, True), everything=True, benchmark="peer")
    assert suppressed_for(peer, _Reader(None, True), benchmark="peer").equals(peer)
    national = indicator_values(values, PRISONS)
    assert suppressed_for(national, director).height == national.height  # not refused
