"""Download buttons for every chart (PNG, SVG) and table (CSV, XLSX), with provenance.

What is exported is what the screen shows, suppression included (it is applied upstream,
for the account's role). Each file is made only when its button is pressed. The words of
the provenance are dashboard.provenance, the table files dashboard.export_files and the
images dashboard.images; this module adds what only the session knows (whose figures the
account sees unsuppressed, when the data were last changed) and the buttons.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data
from dashboard.export_files import csv_with_context, xlsx_with_context
from dashboard.images import figure_image
from dashboard.provenance import ExportContext, Provenance, detail, footer_lines, headline
from indicators.table import write_table
from store.account_model import Unsuppressed

__all__ = ["ExportContext", "chart_downloads", "csv_bytes", "provenance", "table_downloads"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """The bare table as CSV (no context lines), formulas neutralised: for tables that are
    records rather than figures (an upload's issues, the history)."""
    return write_table(frame, "csv") or b""


def provenance(context: ExportContext) -> Provenance:
    account = auth.current_account()
    scope = Unsuppressed.NONE if account is None else account.unsuppressed_scope
    return Provenance(context, data.data_as_of(), scope)


def footer(context: ExportContext) -> list[str]:
    return footer_lines(provenance(context))


def chart_downloads(fig: go.Figure, name: str, context: ExportContext) -> None:
    """PNG and SVG buttons; the image is made only when a button is pressed."""
    lines = footer(context)
    title = (headline(context), detail(context))
    col1, col2, _ = st.columns([1, 1, 4])
    for col, fmt, mime in ((col1, "png", "image/png"), (col2, "svg", "image/svg+xml")):
        col.download_button(
            f"{fmt.upper()}",
            data=lambda fmt=fmt: figure_image(fig, fmt, lines, title),
            file_name=f"{name}.{fmt}",
            mime=mime,
            icon=":material/image:",
            key=f"dl_{name}_{fmt}",
            on_click="ignore",
        )


def table_downloads(frame: pl.DataFrame, name: str, context: ExportContext) -> None:
    """CSV (context lines, then the table) and XLSX (data and provenance sheets) buttons."""
    source = provenance(context)
    col1, col2, _ = st.columns([1, 1, 4])
    col1.download_button(
        "CSV",
        data=lambda: csv_with_context(frame, source),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/table:",
        key=f"dl_{name}_csv",
        on_click="ignore",
    )
    col2.download_button(
        "XLSX",
        data=lambda: xlsx_with_context(frame, source),
        file_name=f"{name}.xlsx",
        mime=XLSX,
        icon=":material/table:",
        key=f"dl_{name}_xlsx",
        on_click="ignore",
    )
