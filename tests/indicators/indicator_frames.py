"""Literal inputs for the indicator tests: a small register and values frames written by hand.

A values frame has the shape `store.read.current_values` returns; `values()` builds one
from `{(prison, period): {element: value}}` so that each test states only the figures
it is about.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from data_contracts.periods import period_index
from data_contracts.register import Prison
from store.read import VALUES_SCHEMA

# Two regions: North with three prisons, South with two.
PRISONS = [
    Prison("N-A", "North A", "North"),
    Prison("N-B", "North B", "North"),
    Prison("N-C", "North C", "North"),
    Prison("S-A", "South A", "South"),
    Prison("S-B", "South B", "South"),
]
REGION_OF = {p.code: p.region for p in PRISONS}

Figures = Mapping[str, float | None]


def values(figures: Mapping[tuple[str, str], Figures]) -> pl.DataFrame:
    """A values frame: one row per prison, quarter and element named (None: not reported)."""
    rows = [
        (prison, period, period_index(period), element, value)
        for (prison, period), elements in figures.items()
        for element, value in elements.items()
    ]
    return pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row")


def ost(received: float | None, identified: float | None) -> dict[str, float | None]:
    """The two elements of ost_coverage, plus a population so the prison-quarter exists."""
    return {"population_average": 100.0, "ost_received": received, "oud_identified": identified}


def deaths(count: float | None, population: float | None) -> dict[str, float | None]:
    return {"overdose_deaths": count, "population_average": population}


def row(table: pl.DataFrame, **keys: str | None) -> dict:
    """The one row of ``table`` matching ``keys`` (None matches null), as a dict."""
    condition = pl.lit(True)
    for column, wanted in keys.items():
        condition &= pl.col(column).is_null() if wanted is None else pl.col(column) == wanted
    found = table.filter(condition)
    assert found.height == 1, f"{found.height} rows match {keys}"
    return found.row(0, named=True)


def random_prisons(draw) -> list[Prison]:  # type: ignore[no-untyped-def]
    """For hypothesis strategies (draw = st.DrawFn): 1-2 countries of 1-3 regions of 1-4
    prisons each; the regions of both countries have the same names (R0, R1, ...), which
    must never merge them."""
    from hypothesis import strategies as st

    return [
        Prison(f"P{c}{r}{i}", f"P{c}{r}{i}", f"R{r}", country=RANDOM_COUNTRIES[c])
        for c in range(draw(st.integers(1, len(RANDOM_COUNTRIES))))
        for r in range(draw(st.integers(1, 3)))
        for i in range(draw(st.integers(1, 4)))
    ]


RANDOM_COUNTRIES = ("XA", "XB")
