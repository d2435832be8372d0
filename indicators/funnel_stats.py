"""Funnel plots (Spiegelhalter 2005): control limits, overdispersion and PHE's labels.

A funnel compares every unit of one quarter with one benchmark, with limits that narrow
as the denominator grows: the inverted Wilson limits for proportions and exact Poisson
limits for rates, as PHEindicatormethods draws them, and its significance labels. The
overdispersion options (multiplicative phi, additive tau^2) widen the limits and never
narrow them (indicators.md 4.2). Apart from ``indicators.stats`` because the funnel is
its own method with its own estimators; every function returns a Polars expression that
aggregates over its scope, so ``.over(group)`` gives one funnel per group.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from indicators.stats import (
    CONFIDENCE_95,
    CONFIDENCE_998,
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    NOT_SIGNIFICANT,
    OVERDISPERSIONS,
    Overdispersion,
    Side,
    Statistic,
    as_expr,
    counts_are_usable,
    poisson_lower,
    poisson_upper,
    z_for,
)

# Values this close (relative) are the same figure computed two ways (x / n, sum / sum).
EQUAL_RELATIVE_TOLERANCE = 1e-9
# Spiegelhalter (2005) winsorises the z-scores at these quantiles before estimating phi.
WINSOR_QUANTILES = (0.1, 0.9)


def funnel_benchmark(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Overall value: sum of numerators / sum of denominators over units that have both."""
    usable = numerator.is_not_null() & (denominator > 0)
    return numerator.filter(usable).sum() / denominator.filter(usable).sum()


def funnel_proportion_limit(
    denominator: pl.Expr, benchmark: float | pl.Expr, confidence: float, side: Side
) -> pl.Expr:
    """Funnel limit (0..1) at a denominator: the proportion whose Wilson limit is the benchmark.

    This is PHEindicatormethods' sigma_adjustment, term for term.
    """
    p = as_expr(benchmark)
    n = denominator
    z2 = z_for(confidence) ** 2
    first = p * (n / z2 + 1)
    discriminant = (-8 * p * (n / z2 + 1)) ** 2 - 64 * (1 / z2 + 1 / n) * p * (
        n * (p * (n / z2 + 2) - 1) + z2 * (p - 1)
    )
    # At a benchmark of 100% the discriminant is 0 and round-off can make it negative; a
    # NaN limit would compare as larger than every value in Polars.
    adj = discriminant.clip(lower_bound=0.0).sqrt()
    last = 1 / z2 + 1 / n
    sign = -1 if side == "lower" else 1
    limit = (first + sign * adj / 8) / last / n
    # Clipping into 0..1 changes no label: no proportion lies outside those bounds.
    return pl.when(n > 0).then(limit.clip(0.0, 1.0))


def _poisson_funnel_count(expected: pl.Expr, confidence: float, side: Side) -> pl.Expr:
    """The count at which an exact Poisson interval just reaches the expected count.

    The lower limit is the k whose exact upper limit chi2(1 - a/2; 2k + 2) / 2 equals the
    expected count, the upper limit the k whose exact lower limit chi2(a/2; 2k) / 2 does,
    with k continuous (P(Gamma(k) <= E) is the tail), as PHEindicatormethods' rate funnels
    are at whole counts.
    """
    tail = (1 - confidence) / 2

    def counts(expected_counts: pl.Series) -> pl.Series:
        from scipy.special import gdtrib  # lazy: only rate funnels need it

        e = expected_counts.cast(pl.Float64).to_numpy()
        with np.errstate(invalid="ignore"):
            if side == "lower":
                k = np.maximum(gdtrib(1.0, 1 - tail, e) - 1, 0.0)
            else:
                k = gdtrib(1.0, tail, e)
        # With nothing expected, nothing is the only count inside the limits.
        k = np.where(e == 0, 0.0, k)
        return pl.Series(k, dtype=pl.Float64, nan_to_null=True)

    return expected.map_batches(counts, return_dtype=pl.Float64, is_elementwise=True)


def funnel_rate_limit(
    person_years: pl.Expr, benchmark: float | pl.Expr, confidence: float, side: Side
) -> pl.Expr:
    """Funnel limit of a rate (per person-year): exact Poisson limits around the expected count."""
    expected = as_expr(benchmark) * person_years
    count = _poisson_funnel_count(expected, confidence, side)
    return pl.when(person_years > 0).then(count / person_years)


def _null_variance(denominator: pl.Expr, benchmark: pl.Expr, statistic: Statistic) -> pl.Expr:
    """Variance of a unit's value if it had the benchmark's true value (Spiegelhalter's s^2)."""
    if statistic == "proportion":
        return benchmark * (1 - benchmark) / denominator
    return benchmark / denominator


def _usable_z_scores(
    numerator: pl.Expr, denominator: pl.Expr, statistic: Statistic, benchmark: pl.Expr | None
) -> pl.Expr:
    if benchmark is None:
        benchmark = funnel_benchmark(numerator, denominator)
    variance = _null_variance(denominator, benchmark, statistic)
    z = (numerator / denominator - benchmark) / variance.sqrt()
    return z.filter(counts_are_usable(numerator, denominator, statistic) & (variance > 0))


def overdispersion_phi(
    numerator: pl.Expr,
    denominator: pl.Expr,
    statistic: Statistic = "proportion",
    *,
    benchmark: pl.Expr | None = None,
) -> pl.Expr:
    """Spiegelhalter's multiplicative overdispersion phi: mean square of winsorised z-scores.

    The z-scores are taken against ``benchmark`` (raw ratio; default: the units' own
    sum / sum), so phi can be estimated from some units (those a reader sees) against a
    benchmark of all of them: units with a null numerator are left out.
    """
    z = _usable_z_scores(numerator, denominator, statistic, benchmark)
    low, high = (z.quantile(q, interpolation="linear") for q in WINSOR_QUANTILES)
    return z.clip(low, high).pow(2).mean()


def overdispersion_tau2(
    numerator: pl.Expr,
    denominator: pl.Expr,
    statistic: Statistic = "proportion",
    *,
    benchmark: pl.Expr | None = None,
) -> pl.Expr:
    """Spiegelhalter's additive random-effects variance tau^2 (0 when not overdispersed).

    On the raw scale (proportion, or events per person-year); ``benchmark`` as for phi.
    """
    if benchmark is None:
        benchmark = funnel_benchmark(numerator, denominator)
    variance = _null_variance(denominator, benchmark, statistic)
    usable = counts_are_usable(numerator, denominator, statistic) & (variance > 0)
    weight = (1 / variance).filter(usable)
    units = weight.count()
    phi = overdispersion_phi(numerator, denominator, statistic, benchmark=benchmark)
    spread = weight.sum() - weight.pow(2).sum() / weight.sum()
    # With a single unit there is no between-unit variance to estimate.
    tau2 = pl.when(spread > 0).then((units * phi - (units - 1)) / spread).otherwise(0.0)
    return pl.max_horizontal(tau2, pl.lit(0.0))


def overdispersed_funnel_limit(
    denominator: pl.Expr,
    benchmark: float | pl.Expr,
    confidence: float,
    side: Side,
    statistic: Statistic = "proportion",
    *,
    phi: float | pl.Expr = 1.0,
    tau2: float | pl.Expr = 0.0,
) -> pl.Expr:
    """Normal-approximation funnel limit widened for overdispersion (Spiegelhalter 2005).

    benchmark +/- z * sqrt(phi * s^2 + tau^2); phi below 1 is taken as 1 so that an
    adjustment never narrows the funnel.
    """
    benchmark = as_expr(benchmark)
    inflation = pl.max_horizontal(as_expr(phi), pl.lit(1.0))
    variance = inflation * _null_variance(denominator, benchmark, statistic) + as_expr(tau2)
    sign = -1 if side == "lower" else 1
    limit = benchmark + sign * z_for(confidence) * variance.sqrt()
    upper_bound = 1.0 if statistic == "proportion" else None
    return pl.when(denominator > 0).then(limit.clip(0.0, upper_bound))


def _funnel_label(
    below_998: pl.Expr, below_95: pl.Expr, above_998: pl.Expr, above_95: pl.Expr, usable: pl.Expr
) -> pl.Expr:
    return (
        pl.when(~usable)
        .then(pl.lit(None, dtype=pl.String))
        .when(below_998)
        .then(pl.lit(LOW_001))
        .when(below_95)
        .then(pl.lit(LOW_025))
        .when(above_998)
        .then(pl.lit(HIGH_001))
        .when(above_95)
        .then(pl.lit(HIGH_025))
        .otherwise(pl.lit(NOT_SIGNIFICANT))
    )


def at_benchmark(value: pl.Expr, benchmark: pl.Expr) -> pl.Expr:
    """Whether a value is the benchmark itself, up to the round-off of computing either.

    x / n and sum(x) / sum(n) can differ in the last bits when they are the same number
    (and a limit at a benchmark of 100% can fall a bit below 1), so an exact comparison
    would call a prison at the benchmark significant (indicators.md 4.2).
    """
    return (value - benchmark).abs() <= EQUAL_RELATIVE_TOLERANCE * benchmark.abs()


def widest(exact: pl.Expr, overdispersed: pl.Expr, side: Side) -> pl.Expr:
    """The wider of the exact and the overdispersed limit on one side (indicators.md 4.2).

    The normal approximation behind overdispersion can be narrower than the exact limits
    (few events, a benchmark near 0% or 100%); taking the wider keeps any adjustment from
    making a unit more significant than without it.
    """
    pick = pl.min_horizontal if side == "lower" else pl.max_horizontal
    return pl.when(exact.is_not_null() & overdispersed.is_not_null()).then(
        pick(exact, overdispersed)
    )


def overdispersion_spread(
    numerator: pl.Expr,
    denominator: pl.Expr,
    statistic: Statistic,
    overdispersion: Overdispersion,
    *,
    benchmark: pl.Expr | None = None,
) -> dict[str, pl.Expr]:
    """phi or tau^2 of the units in the expression's scope (use ``.over`` for groups)."""
    if overdispersion == "multiplicative":
        return {"phi": overdispersion_phi(numerator, denominator, statistic, benchmark=benchmark)}
    if overdispersion == "additive":
        return {"tau2": overdispersion_tau2(numerator, denominator, statistic, benchmark=benchmark)}
    if overdispersion == "none":
        return {}
    raise ValueError(f"overdispersion must be one of {OVERDISPERSIONS}, not {overdispersion!r}")


def funnel_significance(
    numerator: pl.Expr,
    denominator: pl.Expr,
    statistic: Statistic = "proportion",
    overdispersion: Overdispersion = "none",
    *,
    benchmark: pl.Expr | None = None,
    phi: float | pl.Expr | None = None,
    tau2: float | pl.Expr | None = None,
) -> pl.Expr:
    """PHEindicatormethods' funnel label of each unit against sum(numerator) / sum(denominator).

    Labels: 'High (0.001)', 'High (0.025)', 'Low (0.001)', 'Low (0.025)', 'Not significant';
    null where the unit has no usable value. The benchmark is aggregated inside the
    expression, so use ``.over(...)`` to compare within each quarter and indicator (or
    pass ``benchmark``, a raw ratio). Proportions are compared with inverted Wilson limits
    (phe_funnel_significance); rates by whether the benchmark lies outside the unit's own
    exact / Byar's interval, which is how PHEindicatormethods tests crude rates
    (funnel_ratio_significance). With overdispersion a unit must also lie outside
    Spiegelhalter's widened normal limits (phi or tau^2 estimated over the same units
    unless given), so an adjustment never makes a unit more significant. A unit at the
    benchmark is never significant.
    """
    usable = counts_are_usable(numerator, denominator, statistic).fill_null(False)
    benchmark = funnel_benchmark(numerator, denominator) if benchmark is None else benchmark
    value = numerator / denominator

    if statistic == "proportion":

        def bound(confidence: float, side: Side) -> pl.Expr:
            return funnel_proportion_limit(denominator, benchmark, confidence, side)

        outside = [
            value < bound(CONFIDENCE_998, "lower"),
            value < bound(CONFIDENCE_95, "lower"),
            value > bound(CONFIDENCE_998, "upper"),
            value > bound(CONFIDENCE_95, "upper"),
        ]
    else:
        outside = [
            benchmark > poisson_upper(numerator, CONFIDENCE_998) / denominator,
            benchmark > poisson_upper(numerator, CONFIDENCE_95) / denominator,
            benchmark < poisson_lower(numerator, CONFIDENCE_998) / denominator,
            benchmark < poisson_lower(numerator, CONFIDENCE_95) / denominator,
        ]

    if overdispersion != "none":
        spread = overdispersion_spread(numerator, denominator, statistic, overdispersion)
        if phi is not None:
            spread["phi"] = as_expr(phi)
        if tau2 is not None:
            spread["tau2"] = as_expr(tau2)

        def limit(confidence: float, side: Side) -> pl.Expr:
            return overdispersed_funnel_limit(
                denominator, benchmark, confidence, side, statistic, **spread
            )

        widened = [
            value < limit(CONFIDENCE_998, "lower"),
            value < limit(CONFIDENCE_95, "lower"),
            value > limit(CONFIDENCE_998, "upper"),
            value > limit(CONFIDENCE_95, "upper"),
        ]
        outside = [a & b for a, b in zip(outside, widened, strict=True)]

    same = at_benchmark(value, benchmark).fill_null(False)
    low_998, low_95, high_998, high_95 = (c.fill_null(False) & ~same for c in outside)
    return _funnel_label(low_998, low_95, high_998, high_95, usable)
