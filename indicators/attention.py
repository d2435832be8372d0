"""Which prisons need attention (reports.md §1, the bulletin): a prison-quarter worse than
its benchmark at 99.8% (the benchmark outside its 99.8% interval, on the indicator's worse
side), or whose recent trend is worsening (Fingertips' marker moving the worse way).

A suppressed figure has no interval and no trend: it never says "needs attention" to a
reader who may not see it.
"""

from __future__ import annotations

import polars as pl

from indicators.registry import Registry
from indicators.stats import DECREASING, INCREASING

WORSE_998 = "worse than the benchmark at 99.8%"
WORSENING = "worsening trend"


def needing_attention(
    prisons: pl.DataFrame, trends: pl.DataFrame, period: str, registry: Registry
) -> pl.DataFrame:
    """``prisons``: prison rows of an indicator table (any quarters); ``trends``:
    compute.recent_trends of them up to ``period``. One row per prison and indicator that
    needs attention in ``period``: prison_code, indicator, value, benchmark, worse_998,
    worsening (booleans), sorted by prison and registry order."""
    polarity = pl.col("indicator").replace_strict(
        {i.id: i.polarity for i in registry}, default="no_judgement", return_dtype=pl.String
    )
    order = pl.col("indicator").replace_strict(
        {i: n for n, i in enumerate(registry.ids)}, default=len(registry.ids), return_dtype=pl.Int64
    )
    rows = prisons.filter((pl.col("period") == period) & ~pl.col("suppressed")).join(
        trends.select("prison_code", "indicator", "trend"),
        on=["prison_code", "indicator"],
        how="left",
    )
    high, low = polarity == "high_is_good", polarity == "low_is_good"
    worse = (high & (pl.col("upper_998") < pl.col("benchmark"))) | (
        low & (pl.col("lower_998") > pl.col("benchmark"))
    )
    worsening = (high & (pl.col("trend") == DECREASING)) | (low & (pl.col("trend") == INCREASING))
    return (
        rows.with_columns(
            worse.fill_null(False).alias("worse_998"),
            worsening.fill_null(False).alias("worsening"),
            order.alias("_order"),
        )
        .filter(pl.col("worse_998") | pl.col("worsening"))
        .sort("prison_code", "_order")
        .select("prison_code", "indicator", "value", "benchmark", "worse_998", "worsening")
    )
