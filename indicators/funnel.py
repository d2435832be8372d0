"""The funnel of one indicator and quarter: every prison against its benchmark group.

A funnel plot (Spiegelhalter 2005) compares prisons with one benchmark; which benchmark
is the user's choice (indicators.md §4.2: never silently the national one). With
``national`` the whole country is one group; with ``region`` (or ``peer``) each region
(peer group) is its own funnel: its benchmark (the group's sum / sum), the control limits
at each prison's denominator and each label are computed within the group, and so is the
overdispersion estimate. The groups are those of ``indicators.aggregates.GROUP_KEYS``: a
prison without a peer group, or in a peer group of fewer than MIN_PEER_PRISONS reporting
prisons, has no peer benchmark, no limits and no label.

A reader who sees figures suppressed gets the funnel through ``funnel_as_shown``: what
their table hides stays hidden, a group whose benchmark is suppressed in their table has
no benchmark, limits or labels, and overdispersion is estimated from the prisons they
see (phi and tau^2 are sums over prisons: estimated over hidden ones they would be one
more published equation about them).
"""

from __future__ import annotations

import polars as pl

from indicators import funnel_stats
from indicators.aggregates import (
    BENCHMARKS,
    COUNTRY,
    MIN_BENCHMARK_PRISONS,
    NATIONAL,
    PEER,
    PEER_GROUP,
    PRISON,
    REGION,
    Benchmark,
    group_key_of,
    reported_both,
)
from indicators.compute import INTERVALS, computable, denominator
from indicators.compute import numerator as numerator_col
from indicators.registry import Indicator, Registry, load_registry
from indicators.stats import OVERDISPERSIONS, Overdispersion, Side
from indicators.suppression import Reader

FunnelBenchmark = Benchmark
# The level of the table's rows that hold each benchmark group's published aggregate.
GROUP_LEVELS = {"national": NATIONAL, "region": REGION, "peer": PEER}
# The table column whose value names each prison's benchmark group (None: one group).
GROUP_COLUMNS: dict[str, str | None] = {b: group_key_of(GROUP_LEVELS[b]) for b in BENCHMARKS}
GROUP = "group"
NATIONAL_GROUP = "national"
FUNNEL_LIMITS = tuple((f"{name}_limit", confidence, side) for name, confidence, side in INTERVALS)
LIMIT_COLUMNS = tuple(name for name, _, _ in FUNNEL_LIMITS)
FUNNEL_COLUMNS = (
    "prison_code",
    "region",
    PEER_GROUP,
    GROUP,
    "numerator",
    "denominator",
    "value",
    "benchmark",
    *LIMIT_COLUMNS,
    "funnel_significance",
    "overdispersion",
    "phi",
    "tau2",
)
# The other option's parameter is null; it then changes nothing (phi 1, tau^2 0).
PHI_USED = pl.col("phi").fill_null(1.0)
TAU2_USED = pl.col("tau2").fill_null(0.0)
PHI_DIGITS = 2
TAU2_SIGNIFICANT_DIGITS = 3


def group_expr(benchmark: str, several_countries: bool = False) -> pl.Expr:
    """Each row's benchmark group: 'national', or the value of the group column; with
    `several_countries`, within its country (international.md §1: a group never mixes
    countries), named by the country code first ('BE', 'BE Flanders')."""
    if benchmark not in GROUP_COLUMNS:
        raise ValueError(f"benchmark must be one of {', '.join(GROUP_COLUMNS)}, not {benchmark!r}")
    column = GROUP_COLUMNS[benchmark]
    if not several_countries:
        return pl.lit(NATIONAL_GROUP) if column is None else pl.col(column)
    if column is None:
        return pl.col(COUNTRY)
    return pl.concat_str(pl.col(COUNTRY), pl.lit(" "), pl.col(column))


def _several_countries(rows: pl.DataFrame) -> bool:
    return COUNTRY in rows.columns and rows[COUNTRY].drop_nulls().n_unique() > 1


def funnel_limit(
    indicator: Indicator,
    benchmark: pl.Expr,
    confidence: float,
    side: Side,
    *,
    overdispersion: Overdispersion = "none",
    phi: float | pl.Expr | None = None,
    tau2: float | pl.Expr | None = None,
) -> pl.Expr:
    """The control limit at each row's ``denominator`` around a benchmark (raw ratio), in the
    indicator's unit. With overdispersion, the wider of the exact and the widened limit."""
    if indicator.is_rate:
        limit = funnel_stats.funnel_rate_limit(denominator, benchmark, confidence, side)
    else:
        limit = funnel_stats.funnel_proportion_limit(denominator, benchmark, confidence, side)
    if overdispersion != "none":
        widened = funnel_stats.overdispersed_funnel_limit(
            denominator,
            benchmark,
            confidence,
            side,
            indicator.statistic,
            phi=1.0 if phi is None else phi,
            tau2=0.0 if tau2 is None else tau2,
        )
        limit = funnel_stats.widest(limit, widened, side)
    return limit * indicator.multiplier


def describe_overdispersion(
    overdispersion: Overdispersion, phi: float | None, tau2: float | None
) -> str:
    """What §7's ``overdispersion`` column says: 'none', 'multiplicative phi=2.31', …

    The value is the one the limits used: phi never below 1, and where it cannot be
    estimated (every prison at a benchmark of 0%, say) 1 and a tau^2 of 0, no widening.
    """
    if overdispersion == "multiplicative":
        return f"multiplicative phi={max(phi or 1.0, 1.0):.{PHI_DIGITS}f}"
    if overdispersion == "additive":
        return f"additive tau2={tau2 or 0.0:.{TAU2_SIGNIFICANT_DIGITS}g}"
    return overdispersion


def _spread(
    spec: Indicator, overdispersion: Overdispersion, visible: pl.Expr
) -> tuple[pl.Expr, pl.Expr]:
    """phi and tau^2 of each group, estimated over its visible prisons against its benchmark."""
    seen = pl.when(visible).then(numerator_col)
    benchmark = funnel_stats.funnel_benchmark(numerator_col, denominator)
    none = pl.lit(None, dtype=pl.Float64)
    spread = funnel_stats.overdispersion_spread(
        seen, denominator, spec.statistic, overdispersion, benchmark=benchmark
    )
    phi = spread.get("phi", none)
    tau2 = spread.get("tau2", none)
    return phi.over(GROUP), tau2.over(GROUP)


def funnel_data(
    table: pl.DataFrame,
    indicator: str,
    period: str,
    *,
    shown: pl.DataFrame | None = None,
    registry: Registry | None = None,
    benchmark: FunnelBenchmark = "national",
    overdispersion: Overdispersion = "none",
) -> pl.DataFrame:
    """The prisons of one indicator and quarter for a funnel plot (Spiegelhalter 2005).

    Columns FUNNEL_COLUMNS: prison_code, region, peer_group, group (the benchmark group:
    'national', the region or the peer group), numerator, denominator, value, benchmark
    (the group's sum / sum), the 95% and 99.8% control limits at each prison's
    denominator (``lower_95_limit`` … ``upper_998_limit``, in the indicator's unit),
    ``funnel_significance`` (PHEindicatormethods' label), ``overdispersion`` (the option
    and its value, e.g. 'multiplicative phi=2.31') and the group's ``phi`` / ``tau2`` (raw
    scale, null unless that option), which ``funnel_curve`` takes to draw the same limits.

    Give the unsuppressed ``table``: benchmarks and labels are computed over every prison.
    For a reader who sees figures suppressed, pass their table as ``shown``.
    """
    if overdispersion not in OVERDISPERSIONS:
        raise ValueError(
            f"overdispersion must be one of {', '.join(OVERDISPERSIONS)}, not {overdispersion!r}"
        )
    spec = (registry or load_registry())[indicator]
    rows = table.filter(
        (pl.col("level") == PRISON)
        & (pl.col("indicator") == indicator)
        & (pl.col("period") == period)
    )
    several = _several_countries(rows)
    rows = rows.with_columns(group_expr(benchmark, several).alias(GROUP))
    visible = _visible_prisons(rows, shown, indicator, period)
    phi, tau2 = _spread(spec, overdispersion, pl.col("_visible"))
    compared = has_benchmark(benchmark)
    ratio = pl.when(compared).then(funnel_stats.funnel_benchmark(numerator_col, denominator))
    funnel = (
        rows.join(visible, on="prison_code", how="left")
        .with_columns(pl.col("_visible").fill_null(False))
        .with_columns(
            _ratio=ratio.over(GROUP),
            phi=pl.when(compared).then(phi),
            tau2=pl.when(compared).then(tau2),
        )
        .with_columns(
            pl.when(computable(spec))
            .then(numerator_col / denominator * spec.multiplier)
            .alias("value"),
            (pl.col("_ratio") * spec.multiplier).alias("benchmark"),
            *(
                funnel_limit(
                    spec,
                    pl.col("_ratio"),
                    confidence,
                    side,  # type: ignore[arg-type]
                    overdispersion=overdispersion,
                    phi=PHI_USED,
                    tau2=TAU2_USED,
                ).alias(name)
                for name, confidence, side in FUNNEL_LIMITS
            ),
            funnel_stats.funnel_significance(
                numerator_col,
                denominator,
                spec.statistic,
                overdispersion,
                benchmark=pl.col("_ratio"),
                phi=PHI_USED,
                tau2=TAU2_USED,
            )
            .over(GROUP)
            .alias("funnel_significance"),
            pl.struct("phi", "tau2")
            .map_elements(
                lambda s: describe_overdispersion(overdispersion, s["phi"], s["tau2"]),
                return_dtype=pl.String,
            )
            .alias("overdispersion"),
        )
        .with_columns(
            # A prison with no benchmark is compared with nothing: no label, and the option
            # without a phi or tau^2 estimated against nothing.
            pl.when(pl.col("_ratio").is_not_null()).then(pl.col("funnel_significance")),
            pl.when(pl.col("_ratio").is_not_null())
            .then(pl.col("overdispersion"))
            .otherwise(pl.lit(overdispersion)),
        )
        .sort("prison_code")
    )
    if shown is not None:
        funnel = funnel_as_shown(
            funnel, shown, indicator, period, benchmark=benchmark, several_countries=several
        )
    return funnel.select(FUNNEL_COLUMNS)


def has_benchmark(benchmark: str) -> pl.Expr:
    """Whether a prison row has a benchmark group: a national funnel always; a region or
    peer funnel where the row has a group, of at least the level's least number of
    prisons that reported both (indicators.md §4.1: 3 for a peer group)."""
    column = GROUP_COLUMNS[benchmark]
    if column is None:
        return pl.lit(True)
    grouped = pl.col(column).is_not_null()
    least = MIN_BENCHMARK_PRISONS.get(GROUP_LEVELS[benchmark])
    if least is None:
        return grouped
    return grouped & (reported_both().sum().over(GROUP) >= least)


def _visible_prisons(
    rows: pl.DataFrame, shown: pl.DataFrame | None, indicator: str, period: str
) -> pl.DataFrame:
    """prison_code and ``_visible``: whether the reader sees the prison's figures."""
    if shown is None:
        return rows.select("prison_code", pl.lit(True).alias("_visible"))
    return shown.filter(
        (pl.col("level") == PRISON)
        & (pl.col("indicator") == indicator)
        & (pl.col("period") == period)
    ).select("prison_code", (~pl.col("suppressed")).alias("_visible"))


def funnel_as_shown(
    funnel: pl.DataFrame,
    shown: pl.DataFrame,
    indicator: str,
    period: str,
    *,
    benchmark: FunnelBenchmark = "national",
    several_countries: bool = False,
) -> pl.DataFrame:
    """A funnel with what a reader's (suppressed) table hides hidden here too (its groups
    named as funnel_data named them: `several_countries`).

    A prison suppressed (or absent) there keeps only the denominator that table shows,
    and no label; a group whose aggregate is suppressed there loses its benchmark, its
    limits, its labels and its phi / tau^2 (which would reveal the benchmark).
    """
    quarter = shown.filter((pl.col("indicator") == indicator) & (pl.col("period") == period))
    groups = quarter.filter(pl.col("level") == GROUP_LEVELS[benchmark]).select(
        group_expr(benchmark, several_countries).alias(GROUP),
        pl.col("suppressed").alias("_group_hidden"),
    )
    visible = quarter.filter(pl.col("level") == PRISON).select(
        "prison_code",
        pl.col("suppressed").alias("_hidden"),
        pl.col("denominator").alias("_shown_denominator"),
    )
    hidden = pl.col("_hidden").fill_null(True)
    group_hidden = pl.col("_group_hidden").fill_null(True)
    kind = pl.col("overdispersion").str.split(" ").list.first()
    return (
        funnel.drop("_visible", "_ratio", strict=False)
        .join(visible, on="prison_code", how="left")
        .join(groups, on=GROUP, how="left")
        .with_columns(
            *(pl.when(~hidden).then(pl.col(c)).alias(c) for c in ("numerator", "value")),
            pl.col("_shown_denominator").alias("denominator"),
            pl.when(~hidden & ~group_hidden)
            .then(pl.col("funnel_significance"))
            .alias("funnel_significance"),
            *(
                pl.when(~group_hidden & pl.col("_shown_denominator").is_not_null())
                .then(pl.col(c))
                .alias(c)
                for c in LIMIT_COLUMNS
            ),
            *(
                pl.when(~group_hidden).then(pl.col(c)).alias(c)
                for c in ("benchmark", "phi", "tau2")
            ),
            pl.when(group_hidden).then(kind).otherwise(pl.col("overdispersion")),
        )
        .drop("_hidden", "_shown_denominator", "_group_hidden")
    )


# --- The funnel table of indicators.md §7 ------------------------------------------------

# §7's columns, with the prison's country after its code (international.md §1: the
# `country` column in every output; a prison's benchmark group never crosses countries).
TABLE_COLUMNS_7 = (
    "prison_code",
    COUNTRY,
    "region",
    "peer_group",
    "numerator",
    "denominator",
    "value",
    "benchmark",
    "lower_998",
    "lower_95",
    "upper_95",
    "upper_998",
    "funnel_significance",
    "overdispersion",
)


def funnel_table(
    values: pl.DataFrame | pl.LazyFrame,
    register_prisons: object,
    indicator: str,
    period: str,
    *,
    benchmark: FunnelBenchmark = "national",
    overdispersion: Overdispersion = "none",
    suppress: bool = False,
    registry: Registry | None = None,
    account: Reader | None = None,
) -> pl.DataFrame:
    """§7's table: one row per prison that reported both figures, columns TABLE_COLUMNS_7.

    The whole quarter is computed (every indicator: suppression links figures shared by
    two indicators), suppressed when asked, then the funnel of ``indicator`` is taken.
    ``peer_group`` is each prison's group (its register peer_group, else its prison type).
    ``account``: only its countries' prisons, as it may see them (indicators.scope;
    an international account, which reads no prison row, is refused).
    """
    from indicators.compute import indicator_values
    from indicators.scope import in_scope, refuse_prison_rows
    from indicators.suppression import suppress as suppressed
    from indicators.suppression import suppressed_for
    from indicators.table import quarters_between

    refuse_prison_rows(account)
    full = indicator_values(
        quarters_between(values, period, period),
        register_prisons,
        benchmark=benchmark,
        registry=registry,
    )
    full = in_scope(full, account)
    shown = suppressed(full, benchmark=benchmark, registry=registry) if suppress else None
    if account is not None:
        seen = suppressed_for(
            full, account, everything=suppress, benchmark=benchmark, registry=registry
        )
        shown = None if seen is full else seen
    funnel = funnel_data(
        full,
        indicator,
        period,
        shown=shown,
        registry=registry,
        benchmark=benchmark,
        overdispersion=overdispersion,
    )
    reported = full.filter(
        (pl.col("level") == PRISON)
        & (pl.col("indicator") == indicator)
        & (pl.col("period") == period)
        & pl.col("numerator").is_not_null()
        & pl.col("denominator").is_not_null()
    ).select("prison_code", COUNTRY)
    return funnel.join(reported, on="prison_code", how="inner").select(
        "prison_code",
        COUNTRY,
        "region",
        PEER_GROUP,
        "numerator",
        "denominator",
        "value",
        "benchmark",
        *(
            pl.col(f"{c}_limit").alias(c)
            for c in ("lower_998", "lower_95", "upper_95", "upper_998")
        ),
        "funnel_significance",
        "overdispersion",
    )
