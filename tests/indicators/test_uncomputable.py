"""Indicators no prison-quarter can compute (a module nobody reports) skip their formulas,
and the table is the same to the last cell as when every formula runs."""

from __future__ import annotations

import polars as pl
import pytest

from indicators import compute
from indicators.registry import load_registry
from tests.indicators.test_table_linked import PRISONS, _values

REGISTRY = load_registry()


def test_the_uncomputable_are_those_missing_a_count() -> None:
    values = _values()
    reported = set(values["data_element"])
    quarters = compute.prison_quarters(
        values,
        compute.register_frame(PRISONS),
        list(dict.fromkeys(e for i in REGISTRY for e in i.data_elements)),
    )
    empty = compute.uncomputable_indicators(quarters, list(REGISTRY))
    for ind in REGISTRY:
        counts = {ind.numerator, "population_average" if ind.is_rate else ind.denominator}
        assert (ind.id in empty) == (not counts <= reported), ind.id


@pytest.mark.parametrize("benchmark", ["national", "region", "peer"])
def test_skipping_their_formulas_changes_nothing(monkeypatch, benchmark) -> None:
    values = _values()
    fast = compute.indicator_values(values, PRISONS, benchmark=benchmark)
    monkeypatch.setattr(compute, "uncomputable_indicators", lambda quarters, chosen: set())
    full = compute.indicator_values(values, PRISONS, benchmark=benchmark)
    assert fast.equals(full)
    assert fast.filter(pl.col("indicator") == "hiv_positivity")["value"].null_count() == (
        fast.filter(pl.col("indicator") == "hiv_positivity").height
    )


@pytest.mark.parametrize("keep", [["prison"], ["national", "region"], ["peer"], []])
def test_keeping_levels_is_filtering_afterwards(keep) -> None:
    """Built with only the levels asked for, the table is the full one filtered."""
    values = _values()
    kept = compute.indicator_values(values, PRISONS, benchmark="peer", keep=keep)
    full = compute.indicator_values(values, PRISONS, benchmark="peer")
    assert kept.equals(full.filter(pl.col("level").is_in(keep)))
    assert set(kept["level"]) == set(keep) & set(full["level"])
