"""What a reader reads off an indicator table: judgements, a prison's profile, its benchmark.

Pages draw these frames; they never group or judge by rules of their own. Every function
takes the table as its reader sees it (suppressed where due), so nothing here can show
more than that table does.
"""

from __future__ import annotations

import polars as pl

from data_contracts.contract import translated
from i18n import N_, _
from indicators import stats
from indicators.aggregates import MIN_BENCHMARK_PRISONS, NATIONAL, group_key_of
from indicators.availability import prison_grid
from indicators.registry import Registry, unit_label

NOT_COMPARED = "not compared"
# What each benchmark is called in captions, titles and export footers.
# (English, marked for the catalogs; the functions below say them in the current language.)
BENCHMARK_WORDS = {
    "national": N_("national value"),
    "region": N_("prison's own region"),
    "peer": N_("prison's peer group"),
}
# What names one group's benchmark in a label: "region North", "peer group remand".
GROUP_WORDS = {"region": N_("region {group}"), "peer": N_("peer group {group}")}
# What one group of a group benchmark is called in a sentence: "one funnel per region".
GROUP_NOUNS = {"region": N_("region"), "peer": N_("peer group")}
# The spread of prisons behind a profile's spine: lowest, quartiles, highest.
SPREAD_QUANTILES = (("q1", 0.25), ("q3", 0.75))


def benchmark_words(benchmark: str) -> str:
    return _(BENCHMARK_WORDS[benchmark])


def is_group_benchmark(benchmark: str) -> bool:
    """Whether each prison has its own benchmark value (its region's or peer group's)."""
    return benchmark in GROUP_NOUNS


def group_noun(benchmark: str) -> str:
    """ "region" or "peer group" for a group benchmark (KeyError for national)."""
    return _(GROUP_NOUNS[benchmark])


def judgement_expr(registry: Registry) -> pl.Expr:
    """better / similar / worse from ``significance`` and the indicator's polarity; higher /
    lower for an indicator that makes no judgement; "not compared" without a comparison."""
    polarity = pl.col("indicator").replace_strict(
        {i.id: i.polarity for i in registry}, default=None, return_dtype=pl.String
    )
    return (
        pl.when(polarity == "no_judgement")
        .then(pl.col("significance"))
        .otherwise(stats.polarity_judgement(pl.col("significance"), polarity))
        .fill_null(NOT_COMPARED)
    )


def with_judgement(table: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    return table.with_columns(judgement_expr(registry).alias("judgement"))


# A funnel label as the side of the benchmark it puts a unit on.
FUNNEL_SIDES = {
    stats.HIGH_001: stats.HIGHER,
    stats.HIGH_025: stats.HIGHER,
    stats.LOW_001: stats.LOWER,
    stats.LOW_025: stats.LOWER,
    stats.NOT_SIGNIFICANT: stats.SIMILAR,
}


def with_funnel_judgement(funnel: pl.DataFrame, indicator: str, registry: Registry) -> pl.DataFrame:
    """Funnel rows with ``judgement`` (better / similar / worse …) from their funnel label."""
    return with_judgement(
        funnel.with_columns(
            pl.lit(indicator).alias("indicator"),
            pl.col("funnel_significance")
            .replace_strict(FUNNEL_SIDES, default=None, return_dtype=pl.String)
            .alias("significance"),
        ),
        registry,
    )


def spread(table: pl.DataFrame, period: str) -> pl.DataFrame:
    """Per indicator, the lowest, quartiles and highest value of the prisons shown that quarter."""
    shown = table.filter(
        (pl.col("level") == "prison")
        & (pl.col("period") == period)
        & ~pl.col("suppressed")
        & pl.col("value").is_not_null()
    )
    return shown.group_by("indicator").agg(
        pl.col("value").min().alias("minimum"),
        *(
            pl.col("value").quantile(q, interpolation="linear").alias(n)
            for n, q in SPREAD_QUANTILES
        ),
        pl.col("value").max().alias("maximum"),
    )


def profile_rows(
    table: pl.DataFrame, register: pl.DataFrame, prison: str, period: str, registry: Registry
) -> pl.DataFrame:
    """One prison's quarter, one row per indicator of the registry (every one, in order).

    Columns: the table's, ``state`` (why a value is absent), ``judgement``, ``label``
    ("title (unit)"), ``minimum``, ``q1``, ``q3``, ``maximum`` (the spread of the prisons
    shown), in registry order. A row without a value keeps its place and says why.
    """
    ids = list(registry.ids)
    rows = prison_grid(table, register, [period], prisons=[prison], indicators=ids)
    labels = {i.id: f"{translated(i, 'title')} ({unit_label(i.unit)})" for i in registry}
    return (
        with_judgement(rows, registry)
        .join(spread(table, period), on="indicator", how="left", maintain_order="left")
        .with_columns(pl.col("indicator").replace_strict(labels).alias("label"))
    )


def benchmark_label(benchmark: str) -> pl.Expr:
    """What each row's benchmark is called: "national value", "region <its region>" or
    "peer group <its group>" (null for a prison without a peer group)."""
    column = group_key_of(benchmark)
    if column is None:
        return pl.lit(benchmark_words("national"))
    before, after = _(GROUP_WORDS[benchmark]).split("{group}", 1)
    return pl.concat_str(pl.lit(before), pl.col(column), pl.lit(after))


def own_benchmark(rows: pl.DataFrame, benchmark: str) -> pl.DataFrame:
    """``rows`` (prison rows) with ``benchmark_label``: the aggregate each row is judged against.

    The table's ``benchmark`` column already holds each row's own value (national, or its
    region's or peer group's); this names it, so a chart can draw one marker per row, or
    one line per group.
    """
    return rows.with_columns(benchmark_label(benchmark).alias("benchmark_label"))


def benchmark_lines(table: pl.DataFrame, rows: pl.DataFrame, benchmark: str) -> pl.DataFrame:
    """The benchmark series ``rows`` (prison rows of one indicator) are judged against.

    National: the national value of each quarter of ``rows``. Region (peer): the value of
    each region (peer group) that ``rows`` has a prison in, one series per group; a peer
    group too small to be a benchmark gives none. Suppressed benchmarks are left out (a
    gap). Columns: period, label, value.
    """
    indicator = rows["indicator"].drop_nulls().unique().to_list()
    quarter = (
        pl.col("indicator").is_in(indicator)
        & pl.col("period").is_in(rows["period"].unique().to_list())
        & ~pl.col("suppressed")
    )
    column = group_key_of(benchmark)
    if column is None:
        chosen = table.filter(quarter & (pl.col("level") == NATIONAL))
    else:
        groups = rows[column].drop_nulls().unique().to_list()
        least = MIN_BENCHMARK_PRISONS.get(benchmark, 0)
        chosen = table.filter(
            quarter
            & (pl.col("level") == benchmark)
            & pl.col(column).is_in(groups)
            & (pl.col("prisons") >= least)
        )
    label = benchmark_label(benchmark).alias("label")
    return chosen.select("period", label, "value").sort("label", "period")


def prisons_in(
    prisons: pl.DataFrame, *, regions: list[str] | None = None, types: list[str] | None = None
) -> pl.DataFrame:
    """The prisons of the chosen regions and prison types (all when none is chosen)."""
    if regions:
        prisons = prisons.filter(pl.col("region").is_in(regions))
    if types:
        prisons = prisons.filter(pl.col("prison_type").is_in(types))
    return prisons


def compare_rows(
    table: pl.DataFrame,
    prisons: pl.DataFrame,
    period: str,
    indicator: str,
    benchmark: str,
    registry: Registry,
) -> pl.DataFrame:
    """Every prison of ``prisons`` (the register's rows) in ``period`` for one indicator, as
    the compare chart draws them: each with its state, judgement, name, type and the name
    of the benchmark it is judged against (Compare, and the bulletins)."""
    grid = prison_grid(
        table, prisons, [period], prisons=prisons["prison_code"].to_list(), indicators=[indicator]
    )
    return own_benchmark(
        with_judgement(grid, registry).join(
            prisons.select("prison_code", "name", "prison_type"), on="prison_code", how="left"
        ),
        benchmark,
    )
