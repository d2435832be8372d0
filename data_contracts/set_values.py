"""The values the rules comparing rows read (pairs, breakdowns), and how their messages
write a number."""

from __future__ import annotations

import polars as pl

KEYS = ["prison_code", "period", "data_element"]


def comparable_values(frame: pl.DataFrame) -> pl.DataFrame:
    """One value per prison, period and element, valid on its own: the first row of a
    duplicated key (row.duplicate speaks of the later ones), and no negative or fractional
    count (already an error of its own, which comparing it would only repeat). An empty
    value is not reported, so it is not here either."""
    return (
        frame.filter(
            (pl.col("value_number") >= 0)
            & (pl.col("count_fraction").fill_null(0) == 0)
            & pl.col("prison_code").is_not_null()
            & pl.col("period").is_not_null()
        )
        .unique(subset=KEYS, keep="first", maintain_order=True)
        .select(*KEYS, "row", "value", "value_number")
    )


def fmt_number(value: float | None) -> str:
    """A value as a message writes it: whole numbers without decimals, thousands marked."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
