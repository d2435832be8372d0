"""Funnel-plot control limits as smooth curves, for drawing.

funnel.funnel_data gives the limits at each prison's own denominator (what the labels
use); a chart needs them along the whole range of denominators. The same function
computes both, with the same overdispersion option and value, so the drawn funnel is
the one the labels were judged against.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from indicators.funnel import FUNNEL_LIMITS, funnel_limit
from indicators.registry import Indicator
from indicators.stats import Overdispersion

POINTS = 120
# The smallest denominator drawn: below half a person (or person-year) there is no unit.
SMALLEST_DENOMINATOR = 0.5


def funnel_curve(
    indicator: Indicator,
    benchmark: float,
    low: float,
    high: float,
    *,
    overdispersion: Overdispersion = "none",
    phi: float | None = None,
    tau2: float | None = None,
) -> pl.DataFrame:
    """Columns denominator, lower_95, upper_95, lower_998, upper_998 (in the indicator's unit).

    `benchmark` is in the indicator's unit (e.g. 45.2 for 45.2%); `low` and `high`
    bound the denominators drawn (persons, or person-years for rates). For an
    overdispersed funnel pass the option and the group's ``phi`` / ``tau2`` columns of
    ``funnel_data`` (raw scale).
    """
    grid = np.geomspace(max(low, SMALLEST_DENOMINATOR), max(high, low + 1.0), POINTS)
    ratio = pl.lit(benchmark / indicator.multiplier)
    return pl.DataFrame({"denominator": grid}).with_columns(
        funnel_limit(
            indicator,
            ratio,
            confidence,
            side,  # type: ignore[arg-type]
            overdispersion=overdispersion,
            phi=phi,
            tau2=tau2,
        ).alias(name.removesuffix("_limit"))
        for name, confidence, side in FUNNEL_LIMITS
    )
