"""Aggregates and benchmarks: the nation, its regions and the peer groups of the register.

An aggregate row sums the numerators and the denominators of the prisons that reported
both, for one indicator and quarter (indicators.md §2), and says how many prisons it
covers; it never averages prison values. Each aggregate level is one entry of
``GROUP_KEYS`` (the columns that name the aggregate a prison row belongs to), so the
nation (``country``: one per country), the regions and the peer groups of each country
(``region``, ``peer_group``: the
register's peer_group, or the prison type where that is empty; §4.1) are summed, and
joined to as benchmarks, by the same code.

A benchmark is the value of a row's aggregate at the chosen level for the same quarter.
A peer group of fewer than ``MIN_PEER_PRISONS`` reporting prisons gives no benchmark: its
prisons then have no benchmark and no significance. A prison without a peer group has no
peer benchmark either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import polars as pl

PRISON, REGION, PEER, NATIONAL = "prison", "region", "peer", "national"
# Top-down: a reader of a whole table meets the nation, then its regions, the peer groups,
# then the prisons.
LEVELS = (NATIONAL, REGION, PEER, PRISON)
Level = Literal["prison", "region", "peer", "national"]
Benchmark = Literal["national", "region", "peer"]
BENCHMARKS: tuple[Benchmark, ...] = ("national", "region", "peer")
PEER_GROUP = "peer_group"
COUNTRY = "country"
# The columns that name the aggregate of each level a prison row belongs to: every
# aggregate is within one country (international.md §1: they never mix countries).
GROUP_KEYS: dict[str, tuple[str, ...]] = {
    NATIONAL: (COUNTRY,),
    REGION: (COUNTRY, "region"),
    PEER: (COUNTRY, PEER_GROUP),
}
# The aggregate levels the default table holds; peer rows are added where asked for, or
# where they are the benchmark.
DEFAULT_AGGREGATES = (NATIONAL, REGION)
# indicators.md §4.1: a peer group of fewer reporting prisons gives no benchmark.
MIN_PEER_PRISONS = 3
MIN_BENCHMARK_PRISONS = {PEER: MIN_PEER_PRISONS}
AGGREGATE_COLUMNS = (
    "level",
    COUNTRY,
    "region",
    "prison_code",
    PEER_GROUP,
    "period",
    "period_index",
    "indicator",
    "numerator",
    "denominator",
    "prisons",
)

numerator, denominator = pl.col("numerator"), pl.col("denominator")


def check_benchmark(benchmark: str) -> None:
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark must be one of {', '.join(BENCHMARKS)}, not {benchmark!r}")


def aggregate_levels(benchmark: str, peer_rows: bool = False) -> tuple[str, ...]:
    """The aggregate levels a table needs: the default ones, and peer groups where they are
    asked for or are the prisons' benchmark."""
    check_benchmark(benchmark)
    return (*DEFAULT_AGGREGATES, PEER) if peer_rows or benchmark == PEER else DEFAULT_AGGREGATES


def reported_both() -> pl.Expr:
    """Whether a prison contributes to aggregates: numerator and denominator both reported."""
    return numerator.is_not_null() & denominator.is_not_null()


def aggregate_counts(
    prisons: pl.LazyFrame, levels: Sequence[str] = DEFAULT_AGGREGATES
) -> pl.LazyFrame:
    """The sums of each aggregate level over the prisons that reported both, with how many
    they are. An aggregate that no prison contributes to keeps its row (prisons = 0) with
    nulls; prisons without a peer group belong to no peer aggregate.

    ``prisons`` has the columns of the prison rows (AGGREGATE_COLUMNS); the result has
    them too, with the level's key columns set and the others null.
    """
    both = reported_both()
    covered = both.sum().cast(pl.Int64)
    # when/then inside sum() keeps Polars on its fast group-by path; filter() would not.
    sums = (
        pl.when(covered > 0).then(pl.when(both).then(numerator).sum()).alias("numerator"),
        pl.when(covered > 0).then(pl.when(both).then(denominator).sum()).alias("denominator"),
        covered.alias("prisons"),
        pl.col("period", "indicator").first(),
    )
    parts = []
    for level in levels:
        keys = GROUP_KEYS[level]
        members = prisons
        for key in keys:
            members = members.filter(pl.col(key).is_not_null())
        empty = [c for c in (COUNTRY, "region", "prison_code", PEER_GROUP) if c not in keys]
        parts.append(
            members.group_by("period_index", *keys)
            .agg(*sums)
            .with_columns(
                pl.lit(level).alias("level"),
                *(pl.lit(None, dtype=pl.String).alias(c) for c in empty),
            )
            .select(AGGREGATE_COLUMNS)
        )
    return pl.concat(parts)


def benchmark_values(
    aggregates: pl.LazyFrame, level: str, keys: Sequence[str] = ("period_index",)
) -> pl.LazyFrame:
    """The value of every aggregate of one level, named ``benchmark``, to join rows to on
    ``keys`` and the level's group columns; null where too few prisons give it."""
    value = pl.col("value")
    least = MIN_BENCHMARK_PRISONS.get(level)
    if least is not None:
        value = pl.when(pl.col("prisons") >= least).then(value)
    return aggregates.filter(pl.col("level") == level).select(
        *keys, *GROUP_KEYS[level], value.alias("benchmark")
    )


def with_benchmark(
    rows: pl.LazyFrame,
    aggregates: pl.LazyFrame,
    level: str,
    keys: Sequence[str] = ("period_index",),
) -> pl.LazyFrame:
    """``rows`` with the value of their ``keys``' (quarter's) aggregate at ``level``, matched
    by the level's group column (region, peer group; none for the nation)."""
    return rows.join(
        benchmark_values(aggregates, level, keys),
        on=[*keys, *GROUP_KEYS[level]],
        how="left",
        maintain_order="left",
    )


def group_key_of(level: str) -> str | None:
    """The column naming a prison's aggregate at ``level`` within its country (region,
    peer group; None for the nation: the country itself)."""
    keys = [k for k in GROUP_KEYS[level] if k != COUNTRY]
    return keys[0] if keys else None
