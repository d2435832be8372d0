"""The statistical core of the indicator engine, reproducing England's public-health methods.

Prison figures are compared with the methods that England's public-health indicators
(Fingertips) use, as published in the R package PHEindicatormethods, so that a figure
here means what the same figure means there, to the digits the reference tests check:

- Wilson score intervals for proportions; exact Poisson (count < 10) or Byar's
  (count >= 10) intervals for counts of events behind a rate;
- the comparison of a prison with a benchmark, turned into better / worse by polarity.

Funnel limits and labels are in ``indicators.funnel_stats`` and Fingertips' recent-trend
markers in ``indicators.trend``; both build on the intervals here. Everything is a pure
function returning Polars expressions (so it works in ``select``, ``with_columns`` and
over windows such as ``.over("period")``).
Confidence is passed as a level (0.95, 0.998) rather than as z: R computes z with
``qnorm`` at full precision, and the exact Poisson limits need the level itself; the
six-decimal z of the spec (``Z_95``, ``Z_998``) would move the 99.8% exact limit for
one event by 1e-6 relative.
"""

from __future__ import annotations

from functools import cache
from statistics import NormalDist
from typing import Literal

import polars as pl

from indicators.gamma import lower_quantile, upper_quantile

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

OVERDISPERSIONS: tuple[Overdispersion, ...] = ("none", "multiplicative", "additive")


INCREASING = "increasing"
DECREASING = "decreasing"
NO_SIGNIFICANT_CHANGE = "no significant change"
CANNOT_BE_CALCULATED = "cannot be calculated"


def z_for(confidence: float) -> float:
    """Two-sided normal quantile for a confidence level, as R's qnorm(c + (1 - c) / 2)."""
    return NormalDist().inv_cdf(confidence + (1 - confidence) / 2)


def as_expr(value: float | pl.Expr) -> pl.Expr:
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
    tail = (1 - confidence) / 2
    counts = range(EXACT_POISSON_BELOW)
    # chi2(p; 2k) / 2 is the p-quantile of Gamma(k); no events means a lower limit of 0.
    lower = [0.0 if k == 0 else lower_quantile(k, tail) for k in counts]
    upper = [upper_quantile(k + 1, tail) for k in counts]
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
    benchmark = as_expr(benchmark)
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
