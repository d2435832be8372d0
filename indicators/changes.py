"""Is a change on the previous quarter (or the year before) significant?

The Overview colours a change only when it is more than chance. Two quarters of one
prison are two independent samples, so the tests are those for two independent groups,
at 95%, built on the intervals the rest of the product uses:

- proportions: Newcombe's hybrid score interval for the difference of two proportions
  (Newcombe 1998, method 10), from the two Wilson intervals;
- rates: the exact conditional test of two Poisson counts: given x1 + x2 events, x1 is
  binomial with probability t1 r1 / (t1 r1 + t2 r2); the Clopper-Pearson interval of that
  probability, mapped to the rate ratio r1 / r2, is the ratio's exact interval.

A change is an ``increase`` or a ``decrease`` when its interval excludes no change (a
difference of 0, a ratio of 1), ``no significant change`` when it does not, and null
when it cannot be computed: a quarter absent, suppressed, or without a value.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from i18n import N_, _
from indicators.compute import SERIES_KEYS, changes, with_period_index
from indicators.registry import Registry, load_registry
from indicators.stats import CONFIDENCE_95, NO_SIGNIFICANT_CHANGE, wilson_lower, wilson_upper

CHANGE_TESTS = (
    "Newcombe's score interval for the difference of two proportions; "
    "exact conditional test for two rates"
)
INCREASE = "increase"
DECREASE = "decrease"
CHANGE_LABELS = (INCREASE, DECREASE, NO_SIGNIFICANT_CHANGE)
# The labels' words where people read them, marked for the catalogs (the tables keep English).
CHANGE_WORDS = {
    INCREASE: N_("increase"),
    DECREASE: N_("decrease"),
    NO_SIGNIFICANT_CHANGE: N_("no significant change"),
}


def change_word(label: str) -> str:
    """A change's label in the reader's language."""
    return _(CHANGE_WORDS.get(label, label))


# (name of the comparison, quarters back) as in compute.changes.
COMPARISONS = (("previous_quarter", 1), ("year_before", 4))
NO_DIFFERENCE = 0.0
NO_RATIO = 1.0


def newcombe_interval(
    x1: pl.Expr, n1: pl.Expr, x2: pl.Expr, n2: pl.Expr, confidence: float = CONFIDENCE_95
) -> tuple[pl.Expr, pl.Expr]:
    """Lower and upper limit of p1 - p2 (0..1 scale), Newcombe's method 10; null if either
    proportion is not computable."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_lower(x1, n1, confidence), wilson_upper(x1, n1, confidence)
    l2, u2 = wilson_lower(x2, n2, confidence), wilson_upper(x2, n2, confidence)
    difference = p1 - p2
    lower = difference - ((p1 - l1) ** 2 + (u2 - p2) ** 2).sqrt()
    upper = difference + ((u1 - p1) ** 2 + (p2 - l2) ** 2).sqrt()
    return lower, upper


def _rate_ratio_limits(counts: pl.Series, confidence: float, side: str) -> pl.Series:
    from scipy.special import betaincinv  # lazy: only rate changes need it

    frame = counts.struct.unnest()
    x1, t1, x2, t2 = (frame[c].cast(pl.Float64).to_numpy() for c in ("x1", "t1", "x2", "t2"))
    total = x1 + x2
    tail = (1 - confidence) / 2
    whole = (x1 >= 0) & (x2 >= 0) & (x1 == np.floor(x1)) & (x2 == np.floor(x2))
    usable = whole & (total > 0) & (t1 > 0) & (t2 > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        if side == "lower":
            share = np.where(x1 == 0, 0.0, betaincinv(x1, total - x1 + 1, tail))
        else:
            share = np.where(x1 == total, 1.0, betaincinv(x1 + 1, total - x1, 1 - tail))
        ratio = np.where(share >= 1.0, np.inf, share / (1 - share) * t2 / t1)
    return pl.Series(np.where(usable, ratio, np.nan), dtype=pl.Float64, nan_to_null=True)


def rate_ratio_interval(
    x1: pl.Expr, t1: pl.Expr, x2: pl.Expr, t2: pl.Expr, confidence: float = CONFIDENCE_95
) -> tuple[pl.Expr, pl.Expr]:
    """Exact conditional (Clopper-Pearson) limits of the rate ratio (x1 / t1) / (x2 / t2).

    Null when there are no events at all, a person-time is not positive, or a count is
    not a whole number; the upper limit is infinite when x2 is 0.
    """
    counts = pl.struct(x1.alias("x1"), t1.alias("t1"), x2.alias("x2"), t2.alias("t2"))

    def limit(side: str) -> pl.Expr:
        return counts.map_batches(
            lambda s: _rate_ratio_limits(s, confidence, side),
            return_dtype=pl.Float64,
            is_elementwise=True,
        )

    return limit("lower"), limit("upper")


def change_label(lower: pl.Expr, upper: pl.Expr, no_change: float) -> pl.Expr:
    """increase / decrease when the interval excludes ``no_change``; null without limits."""
    return (
        pl.when(lower.is_null() | upper.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(lower > no_change)
        .then(pl.lit(INCREASE))
        .when(upper < no_change)
        .then(pl.lit(DECREASE))
        .otherwise(pl.lit(NO_SIGNIFICANT_CHANGE))
    )


def change_significance(
    x1: pl.Expr,
    n1: pl.Expr,
    x2: pl.Expr,
    n2: pl.Expr,
    is_rate: pl.Expr,
    confidence: float = CONFIDENCE_95,
) -> pl.Expr:
    """The label of a change from (x2, n2) to (x1, n1): Newcombe for proportions, the exact
    conditional test for rates (n: person-years)."""
    difference = change_label(*newcombe_interval(x1, n1, x2, n2, confidence), NO_DIFFERENCE)
    ratio = change_label(*rate_ratio_interval(x1, n1, x2, n2, confidence), NO_RATIO)
    return pl.when(is_rate).then(ratio).otherwise(difference)


def significant_changes(
    table: pl.DataFrame,
    *,
    registry: Registry | None = None,
    confidence: float = CONFIDENCE_95,
) -> pl.DataFrame:
    """``compute.changes`` of an indicator table with whether each change is significant.

    Adds ``previous_quarter_change`` and ``year_before_change``: increase, decrease,
    no significant change, or null (a quarter absent, suppressed, or not computable).
    Works the same on a suppressed table: hidden counts give null, never a guess.
    """
    spec = registry or load_registry()
    rates = [i.id for i in spec if i.is_rate]
    keys = [*SERIES_KEYS, "period_index"]
    counts = with_period_index(table).select(
        *keys,
        *(
            pl.when(~pl.col("suppressed").fill_null(False)).then(pl.col(c)).alias(c)
            for c in ("numerator", "denominator")
        ),
    )
    result = with_period_index(changes(table))
    result = result.join(
        counts.rename({"numerator": "_x1", "denominator": "_n1"}),
        on=keys,
        how="left",
        nulls_equal=True,
        maintain_order="left",
    )
    for name, back in COMPARISONS:
        earlier = counts.with_columns(pl.col("period_index") + back).rename(
            {"numerator": "_x2", "denominator": "_n2"}
        )
        result = (
            result.join(earlier, on=keys, how="left", nulls_equal=True, maintain_order="left")
            .with_columns(
                change_significance(
                    pl.col("_x1").cast(pl.Float64),
                    pl.col("_n1"),
                    pl.col("_x2").cast(pl.Float64),
                    pl.col("_n2"),
                    pl.col("indicator").is_in(rates),
                    confidence,
                ).alias(f"{name}_change")
            )
            .drop("_x2", "_n2")
        )
    return result.drop("_x1", "_n1", "period_index")
