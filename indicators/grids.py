"""The reshaped frames the pages show: counts and matrices made from the core's long frames.

Pages and charts only draw (STYLE.md: a page never does group-bys); the rules of what is
counted, ranked and laid out wide live here, with tests on small literal frames
(tests/indicators/test_grids.py). The completeness grid comes from
store.completeness.completeness_grid (one row per prison and quarter, with ``status``);
the judgement counts from indicators.compute.judgements.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

MISSING, PARTIAL, LATE = "missing", "partial", "late"  # store.completeness's statuses


def status_counts(grid: pl.DataFrame, statuses: Sequence[str]) -> dict[str, int]:
    """How many prison-quarters have each of ``statuses`` (0 for a status none has)."""
    found = dict(grid.group_by("status").agg(pl.len()).iter_rows())
    return {status: int(found.get(status, 0)) for status in statuses}


def rows_with_status(grid: pl.DataFrame, statuses: Sequence[str]) -> pl.DataFrame:
    """The grid's rows whose status is one of ``statuses``, worst first as given, then by
    prison and quarter."""
    order = {s: i for i, s in enumerate(statuses)}
    return (
        grid.filter(pl.col("status").is_in(list(statuses)))
        .with_columns(pl.col("status").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort("_o", "prison_code", "period_index" if "period_index" in grid.columns else "period")
        .drop("_o")
    )


def status_by_quarter(grid: pl.DataFrame) -> pl.DataFrame:
    """period, status, prisons: how many prisons had each status in each quarter (only the
    pairs that occur), in quarter order."""
    return (
        grid.group_by("period", "status")
        .agg(pl.len().cast(pl.Int64).alias("prisons"))
        .sort("period", "status")
    )


def needing_attention(grid: pl.DataFrame, limit: int) -> pl.DataFrame:
    """The grid's rows of the ``limit`` prisons with the most missing, then most partial,
    then most late quarters (ties by code); none when every prison is in order."""
    kinds = (MISSING, PARTIAL, LATE)
    ranked = (
        grid.group_by("prison_code")
        .agg(*((pl.col("status") == k).sum().alias(k) for k in kinds))
        .filter(pl.sum_horizontal(*kinds) > 0)
        .sort([*kinds, "prison_code"], descending=[True, True, True, False])
        .head(limit)
    )
    return grid.join(ranked.select("prison_code"), on="prison_code", how="semi")


def status_matrix(grid: pl.DataFrame) -> pl.DataFrame:
    """prison_code, then one column per quarter (in order) holding that quarter's status:
    the grid laid out as the heatmap draws it, prisons in the grid's order."""
    return grid.pivot(on="period", index="prison_code", values="status", sort_columns=True)


def judgement_table(counts: pl.DataFrame) -> pl.DataFrame:
    """indicator, then one column per judgement with its number of prisons (0 where none):
    indicators.compute.judgements laid out one indicator a row, in its order."""
    return counts.pivot(on="judgement", index="indicator", values="prisons").fill_null(0)


# A funnel's curves are drawn a little beyond its prisons' denominators on both sides.
CURVE_FROM, CURVE_TO = 0.8, 1.2


def funnel_groups(funnel: pl.DataFrame) -> pl.DataFrame:
    """One row per benchmark group of a funnel table (indicators.funnel), in its order:
    group, benchmark, overdispersion (its words), phi, tau2, and the denominators the
    group's curves span (``low``, ``high``: null when the group has no denominator)."""
    return funnel.group_by("group", maintain_order=True).agg(
        pl.col("benchmark").drop_nulls().first(),
        pl.col("overdispersion").first(),
        pl.col("phi").first(),
        pl.col("tau2").first(),
        (pl.col("denominator").min() * CURVE_FROM).alias("low"),
        (pl.col("denominator").max() * CURVE_TO).alias("high"),
    )
