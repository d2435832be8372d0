"""Fingertips' recent-trend markers over the last five points of each series.

Kept apart from ``indicators.stats`` (whose intervals it builds on) because it is the one
statistic that needs a group-by: it takes and returns a frame rather than an expression.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from i18n import N_, _
from indicators.stats import (
    CANNOT_BE_CALCULATED,
    CONFIDENCE_95,
    CONFIDENCE_998,
    DECREASING,
    INCREASING,
    NO_SIGNIFICANT_CHANGE,
    Statistic,
    counts_are_usable,
    poisson_lower,
    poisson_upper,
    z_for,
)

# The markers' words where people read them (pages, exports' tables, reports), marked for
# the catalogs; the table's `trend` column keeps the English word (a machine value).
TREND_WORDS = {
    INCREASING: N_("increasing"),
    DECREASING: N_("decreasing"),
    NO_SIGNIFICANT_CHANGE: N_("no significant change"),
    CANNOT_BE_CALCULATED: N_("cannot be calculated"),
}


def trend_word(trend: str | None) -> str:
    """A recent-trend marker in the reader's language (none: cannot be calculated)."""
    chosen = trend or CANNOT_BE_CALCULATED
    return _(TREND_WORDS.get(chosen, chosen))


TREND_POINTS = 5
# Fingertips tests recent trends at 99.8% (chi-square on 1 df > 9.5495), not 95%.
TREND_CONFIDENCE = CONFIDENCE_998
# Fingertips turns a 95% interval into a standard error by dividing its width by 2 x 1.96.
CI95_WIDTH_IN_STANDARD_ERRORS = 3.92
PERIOD_INDEX = "period_index"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
TREND = "trend"

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
