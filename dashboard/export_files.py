"""The bytes of a table export (CSV, XLSX) with its context, without Streamlit.

A table cut out of a report loses its page, so the file itself says what it is:

- CSV: context lines before the header, each starting with ``#`` and holding a key and a
  value as two CSV fields (``# unit,"per 1,000 person-years"``), so a spreadsheet shows
  the key and the value in two cells, and ``polars.read_csv(comment_prefix="#")`` reads
  the table alone (README, "The context lines of a CSV export").
- XLSX: a ``data`` sheet with human headers (dashboard.columns), number formats to the
  unit's precision while the cells keep full precision, a frozen header row, and a
  ``provenance`` sheet with the same context and the meaning of every column.

Text a spreadsheet would run as a formula is neutralised in both (indicators.table).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from dashboard.columns import column, decimals
from dashboard.provenance import Provenance, facts
from i18n import N_, _
from indicators.table import (
    FORMULA_GUARD,
    formula_safe,
    starts_a_formula,
    without_nan,
    write_table,
)

COMMENT = "#"
# Excel reads a CSV as UTF-8 (the dash of "1–4", a prison's accented name) only after this
# mark; polars, pandas and Python's "utf-8-sig" skip it.
BOM = "\ufeff".encode()
DATA_SHEET, PROVENANCE_SHEET = "data", "provenance"
RATE_PREFIX = "per 1,000 person-years"  # the unit whose denominators are person-years
DATETIME_FORMAT = "d mmm yyyy hh:mm"
DATE_FORMAT = "d mmm yyyy"
# Column widths in characters: never narrower than a number, never a screen wide.
MIN_WIDTH, MAX_WIDTH = 8, 60
WIDTH_SAMPLE = 200  # rows looked at to size a column
PROVENANCE_WIDTHS = (24, 90, 40)  # key or column, value or header, meaning
KIND_MEANING = {  # marked with N_, written with _ (in the reader's language)
    "text": N_("text"),
    "count": N_("a whole number"),
    "value": N_("the indicator's value, in its unit"),
    "denominator": N_("persons, or person-years for rates"),
    "change": N_("a change, in the indicator's unit"),
    "datetime": N_("a date and time (UTC)"),
    "flag": N_("yes or no"),
}


def _cell_safe(text: str) -> str:
    return FORMULA_GUARD + text if starts_a_formula(text) else text


def context_lines(provenance: Provenance) -> str:
    """The ``#`` lines that precede a CSV export's header, ending in a newline."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for key, value in facts(provenance):
        writer.writerow([f"{COMMENT} {key}", _cell_safe(value)])
    return out.getvalue()


def csv_with_context(frame: pl.DataFrame, provenance: Provenance) -> bytes:
    """UTF-8 CSV (with a byte-order mark): the context lines, then the table exactly as the
    command line writes it."""
    table = write_table(frame, "csv") or b""
    return BOM + context_lines(provenance).encode("utf-8") + table


# --- XLSX ------------------------------------------------------------------------------


def number_format(kind: str, unit: str | None) -> str | None:
    """The Excel format of a column kind in a unit: the unit's decimals, thousands grouped."""
    if kind == "datetime":
        return DATETIME_FORMAT
    places = decimals(kind, unit, rate=(unit or "").startswith(RATE_PREFIX))
    if places is None:
        return None
    return "#,##0" + ("." + "0" * places if places else "")


def _naive_utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def xlsx_with_context(frame: pl.DataFrame, provenance: Provenance) -> bytes:
    """A workbook with a ``data`` sheet and a ``provenance`` sheet."""
    import xlsxwriter  # lazy: only Excel exports need it

    clean = formula_safe(without_nan(frame))
    target = io.BytesIO()
    # Never turn text into formulas, links or numbers, whatever the guard above missed.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(target, options) as book:
        styles = _Styles(book)
        _data_sheet(book.add_worksheet(DATA_SHEET), clean, provenance, styles)
        _provenance_sheet(book.add_worksheet(PROVENANCE_SHEET), clean, provenance, styles)
    return target.getvalue()


class _Styles:
    """The workbook's cell formats, one object per number format (Excel limits their count)."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, Any] = {}

    def number(self, code: str | None) -> Any:
        if code is None:
            return None
        if code not in self._numbers:
            self._numbers[code] = self._book.add_format({"num_format": code})
        return self._numbers[code]


def _data_sheet(sheet: Any, frame: pl.DataFrame, provenance: Provenance, styles: _Styles) -> None:
    units = frame["unit"].to_list() if "unit" in frame.columns else None
    for c, name in enumerate(frame.columns):
        spec = column(name)
        sheet.write_string(0, c, spec.header, styles.header)
        numeric = frame.schema[name].is_numeric()
        width = len(spec.header)
        for r, value in enumerate(frame[name].to_list(), start=1):
            if value is None:
                continue
            unit = units[r - 1] if units is not None else provenance.context.unit
            if isinstance(value, bool):
                sheet.write_string(r, c, _("yes") if value else _("no"))
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, _naive_utc(value), styles.number(DATETIME_FORMAT))
            elif isinstance(value, date):
                day = datetime(value.year, value.month, value.day)
                sheet.write_datetime(r, c, day, styles.number(DATE_FORMAT))
            elif numeric:
                sheet.write_number(r, c, value, styles.number(number_format(spec.kind, unit)))
            else:
                sheet.write_string(r, c, str(value))
            if r <= WIDTH_SAMPLE:
                width = max(width, _display_width(value))
        sheet.set_column(c, c, min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))
    sheet.freeze_panes(1, 0)


def _display_width(value: Any) -> int:
    """Characters the cell shows (numbers as formatted, not as stored)."""
    if isinstance(value, datetime | date):
        return len("30 Sep 2026 23:59")
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    if isinstance(value, int) and not isinstance(value, bool):
        return len(f"{value:,}")
    return len(str(value))


def column_meaning(name: str, unit: str | None) -> str:
    spec = column(name)
    meaning = spec.help or (_(KIND_MEANING[spec.kind]) if spec.kind in KIND_MEANING else spec.kind)
    if spec.kind in ("value", "change") and unit:
        meaning += f" ({unit})"
    return meaning


def _provenance_sheet(
    sheet: Any, frame: pl.DataFrame, provenance: Provenance, styles: _Styles
) -> None:
    sheet.write_string(0, 0, "key", styles.header)
    sheet.write_string(0, 1, "value", styles.header)
    row = 0
    for key, value in facts(provenance):
        row += 1
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, _cell_safe(value), styles.wrapped)
    row += 2  # one blank row between the context and the columns
    # "key", "value" and "column" head machine words; the header and its meaning are words.
    for c, title in enumerate(("column", _("header"), _("meaning"))):
        sheet.write_string(row, c, title, styles.header)
    for name in frame.columns:
        row += 1
        sheet.write_string(row, 0, name)
        sheet.write_string(row, 1, column(name).header)
        sheet.write_string(row, 2, column_meaning(name, provenance.context.unit))
    for c, width in enumerate(PROVENANCE_WIDTHS):
        sheet.set_column(c, c, width)
