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
- region and national figures are sums of the numerators and of the denominators of the
  prisons that reported both, never averages of percentages, and say how many prisons
  they cover;
- intervals at 95% and 99.8%: Wilson for percentages, exact Poisson / Byar's for rates;
- a prison (or region) is `higher`, `lower` or `similar` against the benchmark, the
  national value of the same indicator and quarter (or, on request, its region's).

The table here is unsuppressed; `indicators.suppression` hides small numbers and
`indicators.table` puts the two together for readers and exports. The helpers at the end
(changes, funnel, recent trends) are pure functions of a table, so they work the same on
a suppressed one: what is hidden there stays hidden in what they return.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import polars as pl

from data_contracts.periods import days_in_quarter_expr, period_index, period_index_expr
from indicators import stats, trend
from indicators.registry import Indicator, Registry, load_registry

TABLE_COLUMNS = (
    "level",
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
TABLE_SCHEMA = {
    "level": pl.String,
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
}
PRISON, REGION, NATIONAL = "prison", "region", "national"
# Top-down: a reader of a whole table meets the nation, then its regions, then prisons.
LEVELS = (NATIONAL, REGION, PRISON)
Level = Literal["prison", "region", "national"]
Benchmark = Literal["national", "region"]
BENCHMARKS: tuple[Benchmark, ...] = ("national", "region")
DAYS_PER_YEAR = 365.25
# Polars 2 runs lazy queries on its streaming engine by default. Measured on 1.44 M values:
# the pivot of the values is fastest streaming, the indicator branches (80,000 rows each
# at most) on the in-memory engine, which also costs less per query on small tables.
PIVOT_ENGINE = "streaming"
ENGINE = "in-memory"
POPULATION = "population_average"
# Combines a dense prison number and a quarter index into one integer group key.
QUARTERS_PER_PRISON_KEY = 1 << 20
PERSON_YEARS_COLUMN = "_person_years"
# The columns that name one series of a table: one row per quarter within it.
SERIES_KEYS = ("level", "region", "prison_code", "indicator")
INTERVALS = (
    ("lower_95", stats.CONFIDENCE_95, "lower"),
    ("upper_95", stats.CONFIDENCE_95, "upper"),
    ("lower_998", stats.CONFIDENCE_998, "lower"),
    ("upper_998", stats.CONFIDENCE_998, "upper"),
)

numerator, denominator = pl.col("numerator"), pl.col("denominator")


# --- Inputs ----------------------------------------------------------------------------


def register_frame(register: Any) -> pl.DataFrame:
    """prison_code -> region from a Register, an iterable of Prison, or a frame that has both."""
    if isinstance(register, pl.DataFrame):
        return register.select(pl.col("prison_code", "region").cast(pl.String))
    prisons: Iterable[Any] = register.prisons.values() if hasattr(register, "prisons") else register
    rows = [(p.code, p.region) for p in prisons]
    return pl.DataFrame(rows, schema={"prison_code": pl.String, "region": pl.String}, orient="row")


def as_period_index(period: str | int) -> int:
    """A quarter given as 'YYYY-Qn' or as its index (data_contracts.periods)."""
    return period if isinstance(period, int) else period_index(period)


def person_years(population: pl.Expr, quarter_index: pl.Expr) -> pl.Expr:
    """Average population x the real calendar days of the quarter / 365.25."""
    return population * days_in_quarter_expr(quarter_index) / DAYS_PER_YEAR


def element_code(elements: Sequence[str]) -> pl.Expr:
    """Each row's data element as its position in ``elements`` (null for any other element)."""
    element = pl.col("data_element")
    return pl.coalesce(
        *(pl.when(element == e).then(pl.lit(i, dtype=pl.Int16)) for i, e in enumerate(elements))
    )


def prison_quarters(
    values: pl.DataFrame | pl.LazyFrame, register: pl.DataFrame, elements: Sequence[str]
) -> pl.DataFrame:
    """One row per prison-quarter with its region, person-years and each needed element.

    The pivot is done once for all indicators, grouping on integers (a dense prison
    number and the quarter index), which is several times faster than grouping on the
    code text. Prisons missing from the register are left out: they belong to no region,
    and the store accepts no submission from them. Rows come sorted by quarter, region
    and prison, the order of the table. population_average is always read: every stored
    prison-quarter has it, so every submitted prison-quarter gets its rows.
    """
    elements = list(dict.fromkeys([POPULATION, *elements]))
    code = pl.col("_element")
    key = pl.col("_prison").cast(pl.Int64) * QUARTERS_PER_PRISON_KEY + pl.col("period_index")
    wide = (
        values.lazy()
        .with_columns(element_code(elements).alias("_element"))
        .filter(code.is_not_null())
        .with_columns(pl.col("prison_code").rank("dense").alias("_prison"))
        .group_by(key.alias("_key"))
        .agg(
            pl.col("prison_code", "period", "period_index").first(),
            # One value per element and prison-quarter: max() picks it, null if absent,
            # and stays on Polars' fast group-by path.
            *(
                pl.when(code == i).then(pl.col("value")).max().alias(e)
                for i, e in enumerate(elements)
            ),
        )
    )
    return (
        wide.join(register.lazy(), on="prison_code", how="inner")
        .with_columns(
            person_years(pl.col(POPULATION), pl.col("period_index")).alias(PERSON_YEARS_COLUMN)
        )
        .drop("_key")
        .sort("period_index", "region", "prison_code")
        .collect(engine=PIVOT_ENGINE)
    )


# --- Counts, values and intervals ------------------------------------------------------


def prison_counts(quarters: pl.LazyFrame, indicator: Indicator) -> pl.LazyFrame:
    """Each prison-quarter's numerator and denominator (person-years for rates) of one indicator."""
    source = PERSON_YEARS_COLUMN if indicator.is_rate else indicator.denominator
    return quarters.select(
        pl.lit(PRISON).alias("level"),
        "region",
        "prison_code",
        "period",
        "period_index",
        pl.lit(indicator.id).alias("indicator"),
        pl.col(indicator.numerator).alias("numerator"),
        pl.col(source).cast(pl.Float64).alias("denominator"),
        pl.lit(1, dtype=pl.Int64).alias("prisons"),
    )


def reported_both() -> pl.Expr:
    """Whether a prison contributes to aggregates: numerator and denominator both reported."""
    return numerator.is_not_null() & denominator.is_not_null()


def aggregate_counts(prisons: pl.LazyFrame) -> pl.LazyFrame:
    """Region and national sums over the prisons that reported both, with how many they are.

    An aggregate that no prison contributes to keeps its row (prisons = 0) with nulls.
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
    regions = (
        prisons.group_by("period_index", "region")
        .agg(*sums)
        .with_columns(
            pl.lit(REGION).alias("level"), pl.lit(None, dtype=pl.String).alias("prison_code")
        )
    )
    nation = (
        prisons.group_by("period_index")
        .agg(*sums)
        .with_columns(
            pl.lit(NATIONAL).alias("level"),
            pl.lit(None, dtype=pl.String).alias("region"),
            pl.lit(None, dtype=pl.String).alias("prison_code"),
        )
    )
    columns = (
        "level",
        "region",
        "prison_code",
        "period",
        "period_index",
        "indicator",
        "numerator",
        "denominator",
        "prisons",
    )
    return pl.concat([nation.select(columns), regions.select(columns)])


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


def with_values_and_intervals(counts: pl.LazyFrame, indicator: Indicator) -> pl.LazyFrame:
    """Value and the four interval limits; null wherever the value is not computable."""
    ok = computable(indicator)
    return counts.with_columns(
        pl.when(ok).then(numerator / denominator * indicator.multiplier).alias("value"),
        *(
            pl.when(ok).then(interval_limit(indicator, confidence, side)).alias(name)
            for name, confidence, side in INTERVALS
        ),
    )


# --- Benchmarks and the table ----------------------------------------------------------


def benchmark_values(aggregates: pl.LazyFrame, level: str) -> pl.LazyFrame:
    """The value of every aggregate of one level, named ``benchmark``, to join rows to."""
    keys = ["period_index"] if level == NATIONAL else ["period_index", "region"]
    return aggregates.filter(pl.col("level") == level).select(
        *keys, pl.col("value").alias("benchmark")
    )


def with_benchmark(rows: pl.LazyFrame, aggregates: pl.LazyFrame, level: str) -> pl.LazyFrame:
    """``rows`` with the value of their quarter's (and region's) aggregate at ``level``."""
    keys = ["period_index"] if level == NATIONAL else ["period_index", "region"]
    return rows.join(
        benchmark_values(aggregates, level), on=keys, how="left", maintain_order="left"
    )


def with_significance(rows: pl.LazyFrame) -> pl.LazyFrame:
    """``significance``: higher, lower or similar as the benchmark is below, above or inside
    the 95% interval; empty where there is no benchmark or no value."""
    return rows.with_columns(
        stats.benchmark_comparison(pl.col("lower_95"), pl.col("upper_95"), pl.col("benchmark"))
        .cast(pl.String)
        .alias("significance")
    )


def in_table_columns(rows: pl.LazyFrame) -> pl.LazyFrame:
    return (
        rows.with_columns(pl.lit(False).alias("suppressed"))
        .select(TABLE_COLUMNS)
        .cast(TABLE_SCHEMA)  # type: ignore[arg-type]
    )


def aggregate_values(quarters: pl.LazyFrame, indicator: Indicator) -> pl.LazyFrame:
    """The national and region rows of one indicator with values and intervals (no benchmark)."""
    return with_values_and_intervals(
        aggregate_counts(prison_counts(quarters, indicator)), indicator
    )


def indicator_rows(
    quarters: pl.LazyFrame, indicator: Indicator, aggregates: pl.DataFrame, benchmark: Benchmark
) -> pl.LazyFrame:
    """Every row of one indicator: the nation, its regions, then prisons, each by quarter.

    ``aggregates`` is what ``aggregate_values`` gave, computed once beforehand: every row
    joins to it. Prisons are compared with the national (or their region's) value,
    regions with the national one; national rows are the benchmark and are compared with
    nothing. Prison rows keep the order of ``quarters`` (quarter, region, prison).
    """
    totals = aggregates.lazy()
    nation = totals.filter(pl.col("level") == NATIONAL).with_columns(
        pl.lit(None, dtype=pl.Float64).alias("benchmark"),
        pl.lit(None, dtype=pl.String).alias("significance"),
    )
    regions = with_benchmark(totals.filter(pl.col("level") == REGION), totals, NATIONAL)
    prisons = with_benchmark(
        with_values_and_intervals(prison_counts(quarters, indicator), indicator),
        totals,
        REGION if benchmark == REGION else NATIONAL,
    )
    return pl.concat(
        [
            in_table_columns(nation.sort("period_index")),
            in_table_columns(with_significance(regions.sort("period_index", "region"))),
            in_table_columns(with_significance(prisons)),
        ],
    )


def empty_table() -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMA)


def indicator_values(
    values: pl.DataFrame | pl.LazyFrame,
    register: Any,
    *,
    indicators: Sequence[str] | None = None,
    benchmark: Benchmark = "national",
    registry: Registry | None = None,
) -> pl.DataFrame:
    """The unsuppressed indicator table of every prison, region and the nation.

    ``values`` is what ``store.read.current_values`` returns (prison_code, period,
    period_index, data_element, value); ``register`` gives each prison's region. Rows are
    ordered by indicator (registry order), level (national, region, prison), quarter,
    region and prison. Columns: TABLE_COLUMNS, with ``suppressed`` all false.
    """
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark must be one of {BENCHMARKS}, not {benchmark!r}")
    chosen = (registry or load_registry()).select(indicators)
    elements = list(dict.fromkeys(e for indicator in chosen for e in indicator.data_elements))
    quarters = prison_quarters(values, register_frame(register), elements)
    if quarters.height == 0 or not chosen:
        return empty_table()
    wide = quarters.lazy()
    aggregates = pl.collect_all(
        [aggregate_values(wide, indicator) for indicator in chosen], engine=ENGINE
    )
    branches = [
        indicator_rows(wide, indicator, totals, benchmark)
        for indicator, totals in zip(chosen, aggregates, strict=True)
    ]
    return pl.concat(branches).collect(engine=ENGINE)


# --- Derived views: change, funnel, recent trend ---------------------------------------


def with_period_index(table: pl.DataFrame) -> pl.DataFrame:
    return table.with_columns(period_index_expr(pl.col("period")).alias("period_index"))


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
