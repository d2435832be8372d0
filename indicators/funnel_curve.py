"""Funnel-plot control limits as smooth curves, for drawing.

compute.funnel_data gives the limits at each prison's own denominator (what
the labels use); a chart needs them along the whole range of denominators.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from indicators.compute import FUNNEL_LIMITS, funnel_limit
from indicators.registry import Indicator

POINTS = 120


def funnel_curve(indicator: Indicator, benchmark: float, low: float, high: float) -> pl.DataFrame:
    """Columns denominator, lower_95, upper_95, lower_998, upper_998 (in the indicator's unit).

    `benchmark` is in the indicator's unit (e.g. 45.2 for 45.2%); `low` and `high`
    bound the denominators drawn (persons, or person-years for rates).
    """
    grid = np.geomspace(max(low, 0.5), max(high, low + 1.0), POINTS)
    ratio = pl.lit(benchmark / indicator.multiplier)
    return pl.DataFrame({"denominator": grid}).with_columns(
        funnel_limit(indicator, ratio, confidence, side).alias(name.removesuffix("_limit"))
        for name, confidence, side in FUNNEL_LIMITS
    )
