"""From stored values to the indicator table: prison, region and national figures.

The store keeps one value per prison, quarter and data element; the indicators of
`registry.yaml` are ratios of two of them (or of one and the person-years in custody).
This module turns the first into the second for every indicator at once, lazily and
vectorised: the values are pivoted wide once per prison-quarter, each indicator then
becomes one lazy branch (its numerator and denominator columns, their sums per region
and nation, values and intervals from `indicators.stats`), and Polars runs the branches
in parallel. No Python loop touches a row.

The rules (shared/spec/indicators.md §1-§4):

- a value with a missing numerator or denominator, or a denominator of 0, is null,
  never 0, and has no interval;
- region, peer-group and national figures are sums of the numerators and of the
  denominators of the prisons that reported both, never averages of percentages, and say
  how many prisons they cover (`indicators.aggregates`);
- intervals at 95% and 99.8%: Wilson for proportions (per cent, or per 1,000 releases),
  exact Poisson / Byar's for rates; each in the indicator's unit (its multiplier);
- a prison (region, peer group) is `higher`, `lower` or `similar` against the benchmark,
  the national value of the same indicator and quarter (or, on request, its region's or
  its peer group's, §4.1: none from a peer group of fewer than 3 reporting prisons).

The table here is unsuppressed; `indicators.suppression` hides small numbers and
`indicators.table` puts the two together for readers and exports. The helpers at the end
(changes, funnel, recent trends) are pure functions of a table, so they work the same on
a suppressed one: what is hidden there stays hidden in what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from data_contracts.periods import period_index_expr
from indicators import stats, trend

# Levels, benchmarks and aggregates live in indicators.aggregates; the names other modules
# have always imported from here are re-exported (``X as X``).
from indicators.aggregates import BENCHMARKS as BENCHMARKS
from indicators.aggregates import (
    COUNTRY,
    NATIONAL,
    PEER,
    PEER_GROUP,
    PRISON,
    REGION,
    Benchmark,
    aggregate_counts,
    aggregate_levels,
    with_benchmark,
)
from indicators.aggregates import LEVELS as LEVELS
from indicators.aggregates import Level as Level
from indicators.aggregates import reported_both as reported_both
from indicators.inputs import (
    PERSON_YEARS_COLUMN,
    as_period_index,
    prison_quarters,
    register_frame,
)
from indicators.registry import Indicator, Registry, load_registry

# The columns of indicators.md §6, in its order: v1's with international.md §1's `country`
# after `level`, then the two v2 appends.
V1_TABLE_COLUMNS = (
    "level",
    COUNTRY,
    "region",
    "prison_code",
    "period",
    "indicator",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "benchmark",
    "significance",
    "prisons",
    "suppressed",
)
APPENDED_COLUMNS = (PEER_GROUP, "domain")
TABLE_COLUMNS = (*V1_TABLE_COLUMNS, *APPENDED_COLUMNS)
TABLE_SCHEMA = {
    "level": pl.String,
    COUNTRY: pl.String,
    "region": pl.String,
    "prison_code": pl.String,
    "period": pl.String,
    "indicator": pl.String,
    "numerator": pl.Int64,
    "denominator": pl.Float64,
    "value": pl.Float64,
    "lower_95": pl.Float64,
    "upper_95": pl.Float64,
    "lower_998": pl.Float64,
    "upper_998": pl.Float64,
    "benchmark": pl.Float64,
    "significance": pl.String,
    "prisons": pl.Int64,
    "suppressed": pl.Boolean,
    PEER_GROUP: pl.String,
    "domain": pl.String,
}
# The indicator branches (80,000 rows each at most) run fastest on the in-memory engine,
# which also costs less per query on small tables (the pivot streams: indicators.inputs).
ENGINE = "in-memory"
# The columns that name one series of a table: one row per quarter within it (peer_group
# tells one peer group's row from another's; on prison rows it follows the prison).
SERIES_KEYS = ("level", COUNTRY, "region", "prison_code", "indicator", PEER_GROUP)
INTERVALS = (
    ("lower_95", stats.CONFIDENCE_95, "lower"),
    ("upper_95", stats.CONFIDENCE_95, "upper"),
    ("lower_998", stats.CONFIDENCE_998, "lower"),
    ("upper_998", stats.CONFIDENCE_998, "upper"),
)

numerator, denominator = pl.col("numerator"), pl.col("denominator")


# --- Counts, values and intervals ------------------------------------------------------


def prison_counts(quarters: pl.LazyFrame, indicator: Indicator) -> pl.LazyFrame:
    """Each prison-quarter's numerator and denominator (person-years for rates) of one indicator."""
    source = PERSON_YEARS_COLUMN if indicator.is_rate else indicator.denominator
    return quarters.select(
        pl.lit(PRISON).alias("level"),
        COUNTRY,
        "region",
        "prison_code",
        PEER_GROUP,
        "period",
        "period_index",
        pl.lit(indicator.id).alias("indicator"),
        pl.col(indicator.numerator).alias("numerator"),
        pl.col(source).cast(pl.Float64).alias("denominator"),
        pl.lit(1, dtype=pl.Int64).alias("prisons"),
    )


def computable(indicator: Indicator) -> pl.Expr:
    """Whether numerator and denominator give a value: both present, denominator > 0."""
    return stats.counts_are_usable(numerator, denominator, indicator.statistic).fill_null(False)


def interval_limit(indicator: Indicator, confidence: float, side: str) -> pl.Expr:
    """One confidence limit in the indicator's unit: Wilson for %, Poisson / Byar's for rates."""
    if indicator.is_rate:
        limit = stats.poisson_lower if side == "lower" else stats.poisson_upper
        raw = limit(numerator, confidence) / denominator
    else:
        limit = stats.wilson_lower if side == "lower" else stats.wilson_upper
        raw = limit(numerator, denominator, confidence)
    return raw * indicator.multiplier


def with_values_and_intervals(
    counts: pl.LazyFrame, indicator: Indicator, uncomputable: bool = False
) -> pl.LazyFrame:
    """Value and the four interval limits; null wherever the value is not computable.

    `uncomputable`: no row has the counts (see `uncomputable_indicators`), so every value
    and limit is null without evaluating the interval formulas on columns of nulls."""
    if uncomputable:
        nothing = pl.lit(None, dtype=pl.Float64)
        return counts.with_columns(
            nothing.alias("value"), *(nothing.alias(name) for name, _, _ in INTERVALS)
        )
    ok = computable(indicator)
    return counts.with_columns(
        pl.when(ok).then(numerator / denominator * indicator.multiplier).alias("value"),
        *(
            pl.when(ok).then(interval_limit(indicator, confidence, side)).alias(name)
            for name, confidence, side in INTERVALS
        ),
    )


# --- Benchmarks and the table ----------------------------------------------------------


def with_significance(rows: pl.LazyFrame) -> pl.LazyFrame:
    """``significance``: higher, lower or similar as the benchmark is below, above or inside
    the 95% interval; empty where there is no benchmark or no value."""
    return rows.with_columns(
        stats.benchmark_comparison(pl.col("lower_95"), pl.col("upper_95"), pl.col("benchmark"))
        .cast(pl.String)
        .alias("significance")
    )


def in_table_columns(rows: pl.LazyFrame, indicator: Indicator) -> pl.LazyFrame:
    return (
        rows.with_columns(
            pl.lit(False).alias("suppressed"), pl.lit(indicator.domain).alias("domain")
        )
        .select(TABLE_COLUMNS)
        .cast(TABLE_SCHEMA)  # type: ignore[arg-type]
    )


def aggregate_values(
    quarters: pl.LazyFrame, indicator: Indicator, levels: Sequence[str], uncomputable: bool = False
) -> pl.LazyFrame:
    """The aggregate rows of one indicator (nation, regions, peer groups if among ``levels``)
    with values and intervals, no benchmark yet."""
    return with_values_and_intervals(
        aggregate_counts(prison_counts(quarters, indicator), levels), indicator, uncomputable
    )


# Which aggregate each level's rows are compared with, besides prisons (the user's choice).
AGGREGATE_BENCHMARK = {REGION: NATIONAL, PEER: NATIONAL}


def _benchmarked(
    rows: pl.LazyFrame, totals: pl.LazyFrame, level: str, uncomputable: bool
) -> pl.LazyFrame:
    """with_benchmark, or (an uncomputable indicator: every aggregate null) a null benchmark
    without the join."""
    if uncomputable:
        return rows.with_columns(pl.lit(None, dtype=pl.Float64).alias("benchmark"))
    return with_benchmark(rows, totals, level)


def indicator_rows(
    quarters: pl.LazyFrame,
    indicator: Indicator,
    aggregates: pl.DataFrame,
    benchmark: Benchmark,
    levels: Sequence[str],
    uncomputable: bool = False,
    keep: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Every row of one indicator: the nation, its regions, its peer groups (if among
    ``levels``), then prisons, each by quarter; only the levels in ``keep`` if given.

    ``aggregates`` is what ``aggregate_values`` gave, computed once beforehand: every row
    joins to it. Prisons are compared with the national value, or their region's or peer
    group's (none where their peer group has fewer than MIN_PEER_PRISONS reporting
    prisons); regions and peer groups with the national one; national rows are the
    benchmark and are compared with nothing. Prison rows keep the order of ``quarters``
    (quarter, region, prison).
    """
    totals = aggregates.lazy()
    wanted = set(LEVELS if keep is None else keep)
    parts = []
    if NATIONAL in wanted:
        nation = totals.filter(pl.col("level") == NATIONAL).with_columns(
            pl.lit(None, dtype=pl.Float64).alias("benchmark"),
            pl.lit(None, dtype=pl.String).alias("significance"),
        )
        parts.append(in_table_columns(nation.sort("period_index", COUNTRY), indicator))
    for level in (REGION, PEER):
        if level in levels and level in wanted:
            rows = totals.filter(pl.col("level") == level)
            compared = _benchmarked(rows, totals, AGGREGATE_BENCHMARK[level], uncomputable)
            order = ("period_index", COUNTRY, "region" if level == REGION else PEER_GROUP)
            parts.append(in_table_columns(with_significance(compared.sort(*order)), indicator))
    if PRISON in wanted:
        prisons = _benchmarked(
            with_values_and_intervals(prison_counts(quarters, indicator), indicator, uncomputable),
            totals,
            benchmark,
            uncomputable,
        )
        parts.append(in_table_columns(with_significance(prisons), indicator))
    return pl.concat(parts) if parts else empty_table().lazy()


def uncomputable_indicators(quarters: pl.DataFrame, chosen: Sequence[Indicator]) -> set[str]:
    """The indicators whose numerator or denominator no prison-quarter reports (a module no
    prison sends): their every value is null, so their formulas need not run (a third of
    the table's time when most prisons report the core module only)."""
    sources = {
        i.id: (i.numerator, PERSON_YEARS_COLUMN if i.is_rate else i.denominator) for i in chosen
    }
    columns = sorted({c for pair in sources.values() for c in pair if c in quarters.columns})
    nulls = quarters.select(pl.col(columns).null_count()).row(0, named=True) if columns else {}
    none = {c for c in columns if nulls[c] == quarters.height}
    missing = {c for pair in sources.values() for c in pair if c not in quarters.columns}
    return {i for i, pair in sources.items() if any(c in none | missing for c in pair)}


def empty_table() -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMA)


def indicator_values(
    values: pl.DataFrame | pl.LazyFrame,
    register: Any,
    *,
    indicators: Sequence[str] | None = None,
    benchmark: Benchmark = "national",
    peer_rows: bool = False,
    registry: Registry | None = None,
    keep: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The unsuppressed indicator table of every prison, region and the nation.

    ``values`` is what ``store.read.current_values`` returns (prison_code, period,
    period_index, data_element, value); ``register`` gives each prison's region and peer
    group (``indicators.inputs.register_frame``). ``benchmark``: what prison rows are
    compared with, national, region or peer. Peer-group rows (level ``peer``) are in the
    table when ``peer_rows`` or when they are the benchmark. Rows are ordered by
    indicator (registry order), level (national, region, peer, prison), quarter, then
    region, peer group or prison. Columns: TABLE_COLUMNS, with ``suppressed`` all false;
    ``peer_group`` is set on peer rows and on prison rows (the prison's group), ``domain``
    on every row. ``keep``: only the rows of these levels (None: every level computed); a
    table filtered afterwards would copy its millions of prison rows once more.
    """
    levels = aggregate_levels(benchmark, peer_rows)
    chosen = (registry or load_registry()).select(indicators)
    elements = list(dict.fromkeys(e for indicator in chosen for e in indicator.data_elements))
    quarters = prison_quarters(values, register_frame(register), elements)
    if quarters.height == 0 or not chosen:
        return empty_table()
    wide = quarters.lazy()
    empty = uncomputable_indicators(quarters, chosen)
    aggregates = pl.collect_all(
        [aggregate_values(wide, i, levels, i.id in empty) for i in chosen], engine=ENGINE
    )
    branches = [
        indicator_rows(wide, indicator, totals, benchmark, levels, indicator.id in empty, keep)
        for indicator, totals in zip(chosen, aggregates, strict=True)
    ]
    return pl.concat(branches).collect(engine=ENGINE)


# --- Derived views: change, funnel, recent trend ---------------------------------------


def with_period_index(table: pl.DataFrame) -> pl.DataFrame:
    """The table with each row's quarter index, and a peer_group column (null) if it has none:
    a table written before v2, or by hand, still names its series by SERIES_KEYS."""
    peer = [] if PEER_GROUP in table.columns else [pl.lit(None, dtype=pl.String).alias(PEER_GROUP)]
    return table.with_columns(period_index_expr(pl.col("period")).alias("period_index"), *peer)


def changes(table: pl.DataFrame) -> pl.DataFrame:
    """Each row's value and its change on the previous quarter and on the same quarter a year ago.

    Changes are differences of values in the indicator's unit (percentage points for
    percentages); null where either value is null, suppressed, or the quarter is absent.
    """
    keys = [*SERIES_KEYS, "period_index"]
    current = with_period_index(table).select(*SERIES_KEYS, "period", "period_index", "value")

    def earlier(quarters_back: int, name: str) -> pl.DataFrame:
        return current.select(
            *SERIES_KEYS,
            (pl.col("period_index") + quarters_back).alias("period_index"),
            pl.col("value").alias(name),
        )

    joined = current.join(
        earlier(1, "previous_quarter_value"),
        on=keys,
        how="left",
        nulls_equal=True,
        maintain_order="left",
    ).join(
        earlier(4, "year_before_value"),
        on=keys,
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    return joined.select(
        *SERIES_KEYS,
        "period",
        "value",
        "previous_quarter_value",
        (pl.col("value") - pl.col("previous_quarter_value")).alias("change_on_previous_quarter"),
        "year_before_value",
        (pl.col("value") - pl.col("year_before_value")).alias("change_on_year_before"),
    )


def funnel_data(table: pl.DataFrame, indicator: str, period: str, **options: Any) -> pl.DataFrame:
    """The funnel of one indicator and quarter: see ``indicators.funnel.funnel_data``."""
    from indicators.funnel import funnel_data as build  # the funnel module builds on this one

    return build(table, indicator, period, **options)


def recent_trends(
    table: pl.DataFrame,
    *,
    last: str | int | None = None,
    registry: Registry | None = None,
) -> pl.DataFrame:
    """Fingertips' recent-trend marker of every series over the five quarters up to ``last``.

    ``last`` defaults to the table's latest quarter, so a prison that stopped submitting
    gets 'cannot be calculated' rather than a trend that ended years ago. Columns:
    level, region, prison_code, indicator, trend. A suppressed point has no numerator, so
    a series with one gets 'cannot be calculated' too.
    """
    rows = with_period_index(table)
    if rows.height == 0:
        return pl.DataFrame(schema={**{k: pl.String for k in SERIES_KEYS}, trend.TREND: pl.String})
    end = rows["period_index"].max() if last is None else as_period_index(last)
    window = rows.filter(pl.col("period_index").is_between(end - trend.TREND_POINTS + 1, end))
    quarters = pl.DataFrame(
        {"period_index": list(range(end - trend.TREND_POINTS + 1, end + 1))},
        schema={"period_index": pl.Int64},
    )
    grid = rows.select(SERIES_KEYS).unique().join(quarters, how="cross")
    points = grid.join(
        window.select(*SERIES_KEYS, "period_index", "numerator", "denominator"),
        on=[*SERIES_KEYS, "period_index"],
        how="left",
        nulls_equal=True,
    ).with_columns(pl.col("numerator").cast(pl.Float64))
    spec = registry or load_registry()
    trends = []
    for statistic in ("proportion", "rate"):
        ids = [i.id for i in spec if i.statistic == statistic]
        subset = points.filter(pl.col("indicator").is_in(ids))
        if subset.height:
            trends.append(trend.recent_trend(subset, SERIES_KEYS, statistic))  # type: ignore[arg-type]
    return pl.concat(trends).sort(list(SERIES_KEYS), nulls_last=False)


def judgements(table: pl.DataFrame, period: str, registry: Registry | None = None) -> pl.DataFrame:
    """How many prisons are better, similar or worse than their benchmark, per indicator.

    For one quarter's prison rows: better / similar / worse (higher / lower for an
    indicator that makes no judgement), and `not compared` for a suppressed or not
    computable figure. Columns: indicator, judgement, prisons; indicators in registry order.
    """
    from indicators.readings import judgement_expr  # readings builds on this module

    spec = registry or load_registry()
    order = {i.id: n for n, i in enumerate(spec)}
    return (
        table.filter((pl.col("level") == PRISON) & (pl.col("period") == period))
        .with_columns(judgement_expr(spec).alias("judgement"))
        .group_by("indicator", "judgement")
        .agg(pl.len().cast(pl.Int64).alias("prisons"))
        .sort(pl.col("indicator").replace_strict(order), "judgement")
    )
