"""Download buttons for every chart (PNG, SVG) and table (CSV, XLSX), with provenance.

Images carry a footer: the title, the filters, when the data were last
changed, whether small numbers were suppressed, and the source. Tables go
through the same writer as the command line (indicators.table.write_table),
which neutralises spreadsheet formulas. What is exported is what the screen
shows, suppression included.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import auth, data
from dashboard.images import figure_image
from indicators.table import write_table

SOURCE = (
    "Source: prison-monitor, quarterly submissions of the prisons; indicator definitions and "
    "methods: indicators.md v1 (Wilson / exact Poisson / Byar's 95% intervals)."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportContext:
    """What an exported chart or table shows, in words: printed on (or beside) every export.

    Pages fill it in from what they drew; exports turn it into the title, the provenance
    footer of images and the context lines / provenance sheet of tables.
    """

    title: str  # what is shown, e.g. "Opioid substitution treatment coverage"
    period: str  # the quarter or range, e.g. "2026-Q2" or "2025-Q3 to 2026-Q2"
    filters: str  # the filters in plain words (dashboard.filters.describe())
    indicator_id: str | None = None
    unit: str | None = None  # "%", "per 1,000 person-years", …
    benchmark: str | None = None  # in words: "national value", "each prison's own region"
    notes: tuple[str, ...] = ()  # footnotes: what symbols mean, the method used


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return write_table(frame, "csv") or b""


def footer(context: ExportContext) -> list[str]:
    account = auth.current_account()
    suppressed = (
        "figures about 1–4 persons suppressed"
        if account is None or account.role != "ministry"
        else "unsuppressed (ministry view; do not publish figures about 1–4 persons)"
    )
    return [
        context.title,
        f"Filters: {context.filters}",
        f"Data as of {data.data_as_of()}; small numbers: {suppressed}.",
        SOURCE,
    ]


def chart_downloads(fig: go.Figure, name: str, context: ExportContext) -> None:
    """PNG and SVG buttons; the image is made only when a button is pressed."""
    lines = footer(context)
    col1, col2, _ = st.columns([1, 1, 4])
    for col, fmt, mime in ((col1, "png", "image/png"), (col2, "svg", "image/svg+xml")):
        col.download_button(
            f"{fmt.upper()}",
            data=lambda fmt=fmt: figure_image(fig, fmt, lines),
            file_name=f"{name}.{fmt}",
            mime=mime,
            icon=":material/image:",
            key=f"dl_{name}_{fmt}",
            on_click="ignore",
        )


def table_downloads(frame: pl.DataFrame, name: str, context: ExportContext) -> None:
    col1, col2, _ = st.columns([1, 1, 4])
    col1.download_button(
        "CSV",
        data=lambda: write_table(frame, "csv"),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/table:",
        key=f"dl_{name}_csv",
        on_click="ignore",
    )
    col2.download_button(
        "XLSX",
        data=lambda: write_table(frame, "xlsx"),
        file_name=f"{name}.xlsx",
        mime=XLSX,
        icon=":material/table:",
        key=f"dl_{name}_xlsx",
        on_click="ignore",
    )
