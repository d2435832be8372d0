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
