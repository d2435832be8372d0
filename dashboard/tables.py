"""Tables on screen: human headers, numbers to the unit's precision, and their downloads.

Headers and number kinds come from dashboard.columns (the same the exports use), so a
table reads the same on screen and in a report. The frame keeps full precision and its
machine column names; only the display is rounded.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import exports
from dashboard.columns import column, decimals

RATE_PREFIX = "per 1,000 person-years"


def column_config(frame: pl.DataFrame, unit: str | None) -> dict:
    rate = (unit or "").startswith(RATE_PREFIX)
    config = {}
    for name in frame.columns:
        spec = column(name)
        places = decimals(spec.kind, unit, rate=rate)
        if spec.kind == "datetime" and frame.schema[name].is_temporal():
            config[name] = st.column_config.DatetimeColumn(
                spec.header, format="D MMM YYYY, HH:mm", help=spec.help
            )
        elif places is not None and frame.schema[name].is_numeric():
            # A mixed-unit table's denominators are counts and person-years: shown as
            # rounded, without padding counts with ".0".
            mixed = spec.kind == "denominator" and unit is None
            fmt = "localized" if mixed or not places else f"%.{places}f"
            config[name] = st.column_config.NumberColumn(spec.header, format=fmt, help=spec.help)
        else:
            config[name] = st.column_config.Column(spec.header, help=spec.help)
    return config


def rounded(frame: pl.DataFrame, unit: str | None) -> pl.DataFrame:
    """A copy for display with each number rounded to its column's precision (a table of
    several units, unit None, rounds denominators to the person-years' precision)."""
    rate = unit is None or unit.startswith(RATE_PREFIX)
    return frame.with_columns(
        pl.col(name).round(places)
        for name in frame.columns
        if frame.schema[name].is_float()
        and (places := decimals(column(name).kind, unit, rate=rate)) is not None
    )


def show(frame: pl.DataFrame, name: str, context: exports.ExportContext) -> None:
    """The table with human headers, then its CSV and XLSX downloads (full precision)."""
    st.dataframe(
        rounded(frame, context.unit),
        hide_index=True,
        width="stretch",
        column_config=column_config(frame, context.unit),
    )
    exports.table_downloads(frame, name, context)


def notes(texts: list[str]) -> None:
    """Footnotes under a chart or table (what its symbols and words mean)."""
    if texts:
        st.caption("  \n".join(texts))


def blank_text(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy for display with empty text cells blank rather than "None" (a grid's comment,
    reason or quarter that is not there; numbers keep their nulls, shown as empty too)."""
    return frame.with_columns(pl.col(pl.String).fill_null(""))
