"""The statistical core of the indicator engine, reproducing England's public-health methods.

Prison figures are compared with the methods that England's public-health indicators
(Fingertips) use, as published in the R package PHEindicatormethods, so that a figure
here means what the same figure means there, to the digits the reference tests check:

- Wilson score intervals for proportions; exact Poisson (count < 10) or Byar's
  (count >= 10) intervals for counts of events behind a rate;
- funnel-plot control limits (Spiegelhalter 2005) and PHEindicatormethods' significance
  labels, with Spiegelhalter's overdispersion adjustment as an option;
- the comparison of a prison with a benchmark, turned into better / worse by polarity;
- Fingertips' recent-trend markers over the last five points.

Everything is a pure function: interval and label functions return Polars expressions
(so they work in ``select``, ``with_columns`` and over windows such as ``.over("period")``),
and only the trend marker, which needs a group-by, takes and returns a frame.
Confidence is passed as a level (0.95, 0.998) rather than as z: R computes z with
``qnorm`` at full precision, and the exact Poisson limits need the level itself; the
six-decimal z of the spec (``Z_95``, ``Z_998``) would move the 99.8% exact limit for
one event by 1e-6 relative.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from statistics import NormalDist
from typing import Literal

import numpy as np
import polars as pl

Statistic = Literal["proportion", "rate"]
Side = Literal["lower", "upper"]
Overdispersion = Literal["none", "multiplicative", "additive"]
Polarity = Literal["high_is_good", "low_is_good", "no_judgement"]

# The spec's rounded normal quantiles; z_for() gives them at full precision.
Z_95 = 1.959964
Z_998 = 3.090232
CONFIDENCE_95 = 0.95
CONFIDENCE_998 = 0.998

# Below this many events the exact Poisson interval is used, from it Byar's approximation.
EXACT_POISSON_BELOW = 10

SIMILAR = "similar"
HIGHER = "higher"
LOWER = "lower"
BETTER = "better"
WORSE = "worse"
NOT_JUDGED = "not judged"
POLARITIES: tuple[Polarity, ...] = ("high_is_good", "low_is_good", "no_judgement")

HIGH_001 = "High (0.001)"
HIGH_025 = "High (0.025)"
LOW_001 = "Low (0.001)"
LOW_025 = "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
FUNNEL_LABELS = (HIGH_001, HIGH_025, LOW_001, LOW_025, NOT_SIGNIFICANT)

# Spiegelhalter (2005) winsorises the z-scores at these quantiles before estimating phi.
WINSOR_QUANTILES = (0.1, 0.9)

INCREASING = "increasing"
DECREASING = "decreasing"
NO_SIGNIFICANT_CHANGE = "no significant change"
CANNOT_BE_CALCULATED = "cannot be calculated"
TREND_POINTS = 5
# Fingertips tests recent trends at 99.8% (chi-square on 1 df > 9.5495), not 95%.
TREND_CONFIDENCE = CONFIDENCE_998
# Fingertips turns a 95% interval into a standard error by dividing its width by 2 x 1.96.
CI95_WIDTH_IN_STANDARD_ERRORS = 3.92
PERIOD_INDEX = "period_index"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
TREND = "trend"


def z_for(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level, as R's qnorm(c + (1 - c) / 2)."""
    return NormalDist().inv_cdf(confidence + (1 - confidence) / 2)


def _as_expr(value: float | pl.Expr) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value, dtype=pl.Float64)


def counts_are_usable(numerator: pl.Expr, denominator: pl.Expr, statistic: Statistic) -> pl.Expr:
    """True where a value can be computed: both present, denominator > 0, numerator in range."""
    usable = numerator.is_not_null() & (denominator > 0) & (numerator >= 0)
    if statistic == "proportion":
        usable = usable & (numerator <= denominator)
    return usable


# --- Confidence intervals -------------------------------------------------------------


def _wilson_limit(x: pl.Expr, n: pl.Expr, confidence: float, sign: int) -> pl.Expr:
    z = z_for(confidence)
    # Same arithmetic as PHEindicatormethods' wilson_lower / wilson_upper.
    limit = (2 * x + z**2 + sign * z * (z**2 + 4 * x * (1 - x / n)).sqrt()) / 2 / (n + z**2)
    # At x = 0 (lower) and x = n (upper) the limit is exactly the proportion itself, but
    # the formula leaves round-off (in R too) that would put 100% above its own interval.
    at_bound = (x == 0) if sign < 0 else (x == n)
    return (
        pl.when(~counts_are_usable(x, n, "proportion"))
        .then(pl.lit(None, dtype=pl.Float64))
        .when(at_bound)
        .then(x / n)
        .otherwise(limit)
    )


def wilson_lower(x: pl.Expr, n: pl.Expr, confidence: float = CONFIDENCE_95) -> pl.Expr:
    """Lower Wilson score limit of the proportion x / n (0..1); null when not computable."""
    return _wilson_limit(x, n, confidence, -1)


def wilson_upper(x: pl.Expr, n: pl.Expr, confidence: float = CONFIDENCE_95) -> pl.Expr:
    """Upper Wilson score limit of the proportion x / n (0..1); null when not computable."""
    return _wilson_limit(x, n, confidence, +1)


@cache
def _exact_poisson_limits(confidence: float) -> tuple[list[float], list[float]]:
    """Exact limits for counts 0..9: L = chi2(a/2; 2x) / 2, U = chi2(1 - a/2; 2x + 2) / 2."""
    from scipy.special import gammainccinv, gammaincinv  # lazy: only rates need it

    tail = (1 - confidence) / 2
    counts = range(EXACT_POISSON_BELOW)
    # chi2(p; 2k) / 2 is the p-quantile of Gamma(k); no events means a lower limit of 0.
    lower = [0.0 if k == 0 else float(gammaincinv(k, tail)) for k in counts]
    upper = [float(gammainccinv(k + 1, tail)) for k in counts]
    return lower, upper


def _exact_poisson(x: pl.Expr, table: list[float]) -> pl.Expr:
    # A count that is not whole finds no entry and stays null: it is not a count.
    return x.replace_strict(
        list(range(EXACT_POISSON_BELOW)), table, default=None, return_dtype=pl.Float64
    )


def poisson_lower(x: pl.Expr, confidence: float = CONFIDENCE_95) -> pl.Expr:
    """Lower limit of the count x (exact when x < 10, Byar's above); divide by person-years."""
    lower, _ = _exact_poisson_limits(confidence)
    z = z_for(confidence)
    byars = x * (1 - 1 / (9 * x) - z / (3 * x.sqrt())) ** 3
    return pl.when(x >= EXACT_POISSON_BELOW).then(byars).when(x >= 0).then(_exact_poisson(x, lower))


def poisson_upper(x: pl.Expr, confidence: float = CONFIDENCE_95) -> pl.Expr:
    """Upper limit of the count x (exact when x < 10, Byar's above); divide by person-years."""
    _, upper = _exact_poisson_limits(confidence)
    z = z_for(confidence)
    byars = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * (x + 1).sqrt())) ** 3
    return pl.when(x >= EXACT_POISSON_BELOW).then(byars).when(x >= 0).then(_exact_poisson(x, upper))


# --- Comparison with a benchmark ------------------------------------------------------


def benchmark_comparison(lower: pl.Expr, upper: pl.Expr, benchmark: float | pl.Expr) -> pl.Expr:
    """'higher' / 'lower' when the benchmark lies outside [lower, upper], else 'similar'."""
    benchmark = _as_expr(benchmark)
    return (
        pl.when(lower > benchmark)
        .then(pl.lit(HIGHER))
        .when(upper < benchmark)
        .then(pl.lit(LOWER))
        .when(lower.is_not_null() & upper.is_not_null() & benchmark.is_not_null())
        .then(pl.lit(SIMILAR))
    )


def polarity_judgement(comparison: pl.Expr, polarity: Polarity | pl.Expr) -> pl.Expr:
    """'better' / 'worse' / 'similar' from a comparison and a polarity, or 'not judged'."""
    if isinstance(polarity, str):
        if polarity not in POLARITIES:
            raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
        polarity = pl.lit(polarity)
    good_direction = (
        pl.when(polarity == "high_is_good")
        .then(pl.lit(HIGHER))
        .when(polarity == "low_is_good")
        .then(pl.lit(LOWER))
    )
    return (
        pl.when(comparison.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(polarity == "no_judgement")
        .then(pl.lit(NOT_JUDGED))
        .when(comparison == SIMILAR)
        .then(pl.lit(SIMILAR))
        .when(comparison == good_direction)
        .then(pl.lit(BETTER))
        .when(good_direction.is_not_null())
        .then(pl.lit(WORSE))
    )


# --- Funnel plots ----------------------------------------------------------------------


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
    p = _as_expr(benchmark)
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
    expected = _as_expr(benchmark) * person_years
    count = _poisson_funnel_count(expected, confidence, side)
    return pl.when(person_years > 0).then(count / person_years)


def _null_variance(denominator: pl.Expr, benchmark: pl.Expr, statistic: Statistic) -> pl.Expr:
    """Variance of a unit's value if it had the benchmark's true value (Spiegelhalter's s^2)."""
    if statistic == "proportion":
        return benchmark * (1 - benchmark) / denominator
    return benchmark / denominator


def _usable_z_scores(numerator: pl.Expr, denominator: pl.Expr, statistic: Statistic) -> pl.Expr:
    benchmark = funnel_benchmark(numerator, denominator)
    variance = _null_variance(denominator, benchmark, statistic)
    z = (numerator / denominator - benchmark) / variance.sqrt()
    return z.filter(counts_are_usable(numerator, denominator, statistic) & (variance > 0))


def overdispersion_phi(
    numerator: pl.Expr, denominator: pl.Expr, statistic: Statistic = "proportion"
) -> pl.Expr:
    """Spiegelhalter's multiplicative overdispersion phi: mean square of winsorised z-scores."""
    z = _usable_z_scores(numerator, denominator, statistic)
    low, high = (z.quantile(q, interpolation="linear") for q in WINSOR_QUANTILES)
    return z.clip(low, high).pow(2).mean()


def overdispersion_tau2(
    numerator: pl.Expr, denominator: pl.Expr, statistic: Statistic = "proportion"
) -> pl.Expr:
    """Spiegelhalter's additive random-effects variance tau^2 (0 when not overdispersed)."""
    benchmark = funnel_benchmark(numerator, denominator)
    variance = _null_variance(denominator, benchmark, statistic)
    usable = counts_are_usable(numerator, denominator, statistic) & (variance > 0)
    weight = (1 / variance).filter(usable)
    units = weight.count()
    phi = overdispersion_phi(numerator, denominator, statistic)
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
    benchmark = _as_expr(benchmark)
    inflation = pl.max_horizontal(_as_expr(phi), pl.lit(1.0))
    variance = inflation * _null_variance(denominator, benchmark, statistic) + _as_expr(tau2)
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


def funnel_significance(
    numerator: pl.Expr,
    denominator: pl.Expr,
    statistic: Statistic = "proportion",
    overdispersion: Overdispersion = "none",
) -> pl.Expr:
    """PHEindicatormethods' funnel label of each unit against sum(numerator) / sum(denominator).

    Labels: 'High (0.001)', 'High (0.025)', 'Low (0.001)', 'Low (0.025)', 'Not significant';
    null where the unit has no usable value. The benchmark is aggregated inside the
    expression, so use ``.over(...)`` to compare within each quarter and indicator.
    Proportions are compared with inverted Wilson limits (phe_funnel_significance); rates
    by whether the benchmark lies outside the unit's own exact / Byar's interval, which is
    how PHEindicatormethods tests crude rates (funnel_ratio_significance). With
    overdispersion, both use Spiegelhalter's widened normal limits.
    """
    usable = counts_are_usable(numerator, denominator, statistic).fill_null(False)
    benchmark = funnel_benchmark(numerator, denominator)
    value = numerator / denominator

    if overdispersion != "none":
        if overdispersion == "multiplicative":
            spread = {"phi": overdispersion_phi(numerator, denominator, statistic)}
        else:
            spread = {"tau2": overdispersion_tau2(numerator, denominator, statistic)}

        def limit(confidence: float, side: Side) -> pl.Expr:
            return overdispersed_funnel_limit(
                denominator, benchmark, confidence, side, statistic, **spread
            )

        return _funnel_label(
            value < limit(CONFIDENCE_998, "lower"),
            value < limit(CONFIDENCE_95, "lower"),
            value > limit(CONFIDENCE_998, "upper"),
            value > limit(CONFIDENCE_95, "upper"),
            usable,
        )

    if statistic == "proportion":

        def bound(confidence: float, side: Side) -> pl.Expr:
            return funnel_proportion_limit(denominator, benchmark, confidence, side)

        return _funnel_label(
            value < bound(CONFIDENCE_998, "lower"),
            value < bound(CONFIDENCE_95, "lower"),
            value > bound(CONFIDENCE_998, "upper"),
            value > bound(CONFIDENCE_95, "upper"),
            usable,
        )

    return _funnel_label(
        benchmark > poisson_upper(numerator, CONFIDENCE_998) / denominator,
        benchmark > poisson_upper(numerator, CONFIDENCE_95) / denominator,
        benchmark < poisson_lower(numerator, CONFIDENCE_998) / denominator,
        benchmark < poisson_lower(numerator, CONFIDENCE_95) / denominator,
        usable,
    )


# --- Recent trend ----------------------------------------------------------------------

_SERIES = "_series"
# Per-point terms of a weighted least-squares fit: w, w*y*t, w*t, w*y, w*t^2.
_FIT_TERMS = ("_w", "_wyt", "_wt", "_wy", "_wtt")


def _trend_response_and_weight(statistic: Statistic) -> tuple[pl.Expr, pl.Expr]:
    """What is regressed on time, and with what weight, for each statistic."""
    r, n = pl.col(NUMERATOR), pl.col(DENOMINATOR)
    if statistic == "proportion":
        # Fingertips takes the direction from an unweighted fit of the logit on time. The
        # logit of 0% or 100% is infinite; only then the empirical logit (+0.5) is used.
        at_bound = ((r == 0) | (r == n)).any().over(_SERIES)
        empirical_logit = ((r + 0.5) / (n - r + 0.5)).log()
        return pl.when(at_bound).then(empirical_logit).otherwise((r / (n - r)).log()), pl.lit(1.0)
    width = (poisson_upper(r, CONFIDENCE_95) - poisson_lower(r, CONFIDENCE_95)) / n
    standard_error = width / CI95_WIDTH_IN_STANDARD_ERRORS
    return r / n, 1 / standard_error**2


def _weighted_slope(
    sw: pl.Expr, swyt: pl.Expr, swt: pl.Expr, swy: pl.Expr, swtt: pl.Expr
) -> pl.Expr:
    return (sw * swyt - swt * swy) / (sw * swtt - swt**2)


def _trend_chi_square(statistic: Statistic) -> pl.Expr:
    """Chi-square on 1 df for a linear trend, aggregated over one series' five points."""
    if statistic == "proportion":
        # Chi-square test for linear trend in proportions (Armitage), as Fingertips.
        r, n, t = pl.col(NUMERATOR), pl.col(DENOMINATOR), pl.col("_t")
        big_n, big_r = n.sum(), r.sum()
        spread = big_r * (big_n - big_r) * (big_n * (n * t * t).sum() - (n * t).sum() ** 2)
        chi2 = big_n * (big_n * (r * t).sum() - big_r * (n * t).sum()) ** 2 / spread
        # A series at 0% or 100% throughout has no trend to test.
        return pl.when(spread > 0).then(chi2)
    # Weighted least squares: (slope / its standard error)^2.
    sw, swt, swtt = pl.col("_w").sum(), pl.col("_wt").sum(), pl.col("_wtt").sum()
    return pl.col("_slope").first() ** 2 * (sw * swtt - swt**2) / sw


def _trend_tests(points: pl.DataFrame, statistic: Statistic) -> pl.DataFrame:
    """Chi-square, direction and outlier check of each complete five-point series."""
    response, weight = _trend_response_and_weight(statistic)
    w, y, t = pl.col("_w"), pl.col("_y"), pl.col("_t")
    terms = points.with_columns(_y=response, _w=weight).with_columns(
        _wyt=w * y * t, _wt=w * t, _wy=w * y, _wtt=w * t * t
    )
    totals = [pl.col(term).sum().over(_SERIES) for term in _FIT_TERMS]
    without_point = [total - pl.col(term) for total, term in zip(totals, _FIT_TERMS, strict=True)]
    slopes = terms.with_columns(
        _slope=_weighted_slope(*totals), _slope_without=_weighted_slope(*without_point)
    )
    return slopes.group_by(_SERIES).agg(
        _chi2=_trend_chi_square(statistic),
        _direction=pl.col("_slope").first().sign(),
        # Fingertips' outlier check: no single point may carry the direction.
        _robust=(pl.col("_slope_without").sign() == pl.col("_slope").sign()).all(),
    )


def recent_trend(
    frame: pl.DataFrame,
    by: Sequence[str],
    statistic: Statistic,
    *,
    confidence: float = TREND_CONFIDENCE,
) -> pl.DataFrame:
    """Fingertips' recent-trend marker of each series, over its last five periods.

    ``frame`` has the ``by`` columns, ``period_index`` (consecutive integers),
    ``numerator`` and ``denominator`` (person-years for rates); one row per series and
    period. The result has the ``by`` columns and ``trend``: 'increasing', 'decreasing',
    'no significant change', or 'cannot be calculated' when any of the five periods up to
    the series' latest is missing, lacks a numerator or denominator, or has a denominator
    of 0.

    Method, as the Fingertips trend markers (technical guidance "Fingertips trend
    markers"; Fingertips' TrendMarkerCalculator; PHEindicatormethods' assign_trend_markers):
    proportions use the chi-square test for linear trend (Armitage) and take the direction
    from the slope of the logit on time; rates use the weighted least-squares slope of the
    rate on time, weights 1 / SE^2 with SE = (upper95 - lower95) / 3.92 from the exact /
    Byar's interval, and chi-square = (slope / SE(slope))^2. A trend is significant when
    chi-square exceeds the chi-square quantile on 1 df at ``confidence`` (Fingertips:
    99.8%, 9.5495) and the slope keeps its sign when each of the five points is left out
    in turn (Fingertips' outlier check). Fingertips tests only yearly series; this is
    applied to quarters as they come.
    """
    if statistic not in ("proportion", "rate"):
        raise ValueError(f"statistic must be 'proportion' or 'rate', not {statistic!r}")
    keys = list(by)
    data = frame.with_columns((pl.struct(keys) if keys else pl.lit(0)).alias(_SERIES))
    if data.select(pl.struct(_SERIES, PERIOD_INDEX).is_duplicated().any()).item():
        raise ValueError("each series must have at most one row per period_index")

    latest = pl.col(PERIOD_INDEX).max().over(_SERIES)
    usable = counts_are_usable(pl.col(NUMERATOR), pl.col(DENOMINATOR), statistic)
    recent = data.filter(pl.col(PERIOD_INDEX) > latest - TREND_POINTS).with_columns(
        _t=(pl.col(PERIOD_INDEX) - latest + TREND_POINTS).cast(pl.Float64),
        _usable=usable.fill_null(False),
    )
    series = recent.group_by(_SERIES).agg(
        *(pl.col(key).first() for key in keys),
        _complete=pl.col("_usable").sum() == TREND_POINTS,
    )
    complete_points = recent.join(series.filter("_complete").select(_SERIES), on=_SERIES)
    tests = _trend_tests(complete_points, statistic)

    significant = (pl.col("_chi2") > z_for(confidence) ** 2) & pl.col("_robust")
    trend = (
        pl.when(~pl.col("_complete"))
        .then(pl.lit(CANNOT_BE_CALCULATED))
        .when(significant & (pl.col("_direction") > 0))
        .then(pl.lit(INCREASING))
        .when(significant & (pl.col("_direction") < 0))
        .then(pl.lit(DECREASING))
        .otherwise(pl.lit(NO_SIGNIFICANT_CHANGE))
    )
    result = series.join(tests, on=_SERIES, how="left").select(*keys, trend.alias(TREND))
    return result.sort(keys) if keys else result
