"""The international level (international.md §1): the sum over the countries shown.

One row per indicator and quarter sums the numerators and denominators of the national
rows that have both (each of them already the sum over its country's reporting prisons,
indicators.md §2), so it is the pooled figure of every prison of those countries, never
an average of national values. Its ``prisons`` column holds the number of countries it
covers (the spec's ``countries`` in ``prisons``' place; the command line names the column
``countries`` when it prints international rows alone), and its ``country`` is empty.

Suppression: the international row is one more equation, the sum of the national rows.
It is suppressed whole when its own numerator (or, for a percentage, denominator) is 1 to
threshold - 1 (primary), or when exactly one of its national rows hides its numerator,
or exactly one hides its denominator, from the reader: the international figure minus
the published national ones would then *be* that hidden figure (the 0-or-at-least-2 rule
of `indicators.suppression`). It is in no other equation, so nothing else changes.
"""

from __future__ import annotations

import polars as pl

from indicators.aggregates import COUNTRY, NATIONAL
from indicators.compute import TABLE_COLUMNS, TABLE_SCHEMA, with_values_and_intervals
from indicators.registry import Registry, load_registry
from indicators.suppression import SUPPRESSION_THRESHOLD, is_small

INTERNATIONAL = "international"
KEYS = ("indicator", "period")
_HIDDEN = ("numerator", "value", "lower_95", "upper_95", "lower_998", "upper_998")


def international_rows(
    national: pl.DataFrame,
    shown: pl.DataFrame | None = None,
    *,
    threshold: int = SUPPRESSION_THRESHOLD,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The international rows over the national rows of ``national`` (unsuppressed, of
    the countries shown), in TABLE_COLUMNS; ``shown``: the same national rows as the
    reader sees them (suppressed), to suppress the international rows by; None: shown
    unsuppressed."""
    registry = registry or load_registry()
    rows = national.filter(pl.col("level") == NATIONAL)
    both = pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    counted = both.sum().cast(pl.Int64)
    sums = rows.group_by(*KEYS, maintain_order=True).agg(
        pl.when(counted > 0).then(pl.col("numerator").filter(both).sum()).alias("numerator"),
        pl.when(counted > 0).then(pl.col("denominator").filter(both).sum()).alias("denominator"),
        counted.alias("prisons"),
        pl.col("domain").first(),
    )
    parts = []
    for indicator in registry.indicators:
        counts = sums.filter(pl.col("indicator") == indicator.id)
        if counts.height == 0:
            continue
        valued = with_values_and_intervals(counts.lazy(), indicator).collect()
        if shown is not None:
            valued = _suppressed(valued, rows, shown, threshold, indicator.is_rate)
        parts.append(valued)
    if not parts:
        return pl.DataFrame(schema=TABLE_SCHEMA)
    return (
        pl.concat(parts, how="diagonal_relaxed")
        .with_columns(
            pl.lit(INTERNATIONAL).alias("level"),
            pl.lit(None, dtype=pl.Float64).alias("benchmark"),
            pl.lit(None, dtype=pl.String).alias("significance"),
            *(pl.lit(None, dtype=pl.String).alias(c) for c in _EMPTY),
            *([] if shown is not None else [pl.lit(False).alias("suppressed")]),
        )
        .select(TABLE_COLUMNS)
        .cast(TABLE_SCHEMA)  # type: ignore[arg-type]
    )


_EMPTY = (COUNTRY, "region", "prison_code", "peer_group")


def _suppressed(
    valued: pl.DataFrame,
    national: pl.DataFrame,
    shown: pl.DataFrame,
    threshold: int,
    is_rate: bool,
) -> pl.DataFrame:
    """``valued`` (one indicator's international rows) with ``suppressed`` set and the
    figures of suppressed rows emptied (see the module docstring)."""
    keys = [*KEYS, COUNTRY]
    seen = shown.filter(pl.col("level") == NATIONAL).select(
        *keys, pl.col("numerator").alias("n_shown"), pl.col("denominator").alias("d_shown")
    )
    hidden = (
        national.filter(pl.col("indicator") == valued["indicator"][0])
        .join(seen, on=keys, how="left")
        .group_by(*KEYS)
        .agg(
            (pl.col("numerator").is_not_null() & pl.col("n_shown").is_null())
            .sum()
            .alias("numerators_hidden"),
            (pl.col("denominator").is_not_null() & pl.col("d_shown").is_null())
            .sum()
            .alias("denominators_hidden"),
        )
    )
    small = is_small(pl.col("numerator"), threshold)
    if not is_rate:
        small = small | is_small(pl.col("denominator"), threshold)
    suppressed = (
        small
        | (pl.col("numerators_hidden") == 1).fill_null(False)
        | (pl.col("denominators_hidden") == 1).fill_null(False)
    )
    return (
        valued.join(hidden, on=list(KEYS), how="left")
        .with_columns(suppressed.alias("suppressed"))
        .with_columns(
            *(
                pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(c)).alias(c)
                for c in (*_HIDDEN, "denominator")
            )
        )
        .drop("numerators_hidden", "denominators_hidden")
    )
