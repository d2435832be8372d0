"""Control characters in a note are refused with a message; tabs and line breaks are kept.

PostgreSQL cannot store NUL in text at all, and the other control characters are
invisible or move a terminal's cursor. A CSV with NUL bytes is already unreadable;
a Parquet or Excel file can carry them inside a cell.
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
import xlsxwriter
from submission_files import csv_text, good_rows

from data_contracts.contract import load_contract
from data_contracts.validate import check_file

TODAY = date(2026, 11, 22)
HEADER = load_contract().column_names
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85", "\x9f"]


def with_note(note: str) -> list[list[str]]:
    rows = good_rows()
    rows[2][4] = f"checked twice{note}by the nurse"
    return rows


def parquet_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows, schema=HEADER, orient="row").write_parquet(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def note_errors(write, register, name: str, content: bytes) -> list[tuple[str, int, str]]:
    checked = check_file(write(name, content), register, today=TODAY)
    return [(i.rule, i.row, i.column) for i in checked.report.errors], checked


# A CSV file with NUL bytes is file.unreadable before any note is read (test_validate)
CASES = [
    pytest.param(kind, control, id=f"{kind}-U+{ord(control[0]):04X}")
    for kind in ("parquet", "xlsx", "csv")
    for control in CONTROLS
    if not (kind == "csv" and control == "\x00")
]


@pytest.mark.parametrize(("kind", "control"), CASES)
def test_a_control_character_in_a_note_is_refused(write, register, kind, control) -> None:
    maker = {"parquet": parquet_bytes, "xlsx": xlsx_bytes, "csv": lambda r: csv_text(r).encode()}
    errors, checked = note_errors(write, register, f"notes.{kind}", maker[kind](with_note(control)))
    assert errors == [("row.malformed", 4, "note")]
    [issue] = checked.report.errors
    assert "control character" in issue.message
    assert f"\\x{ord(control[0]):02x}" in issue.message
    assert checked.values is None


@pytest.mark.parametrize("layout", ["\t", "\n", "\r\n"], ids=["tab", "lf", "crlf"])
def test_tabs_and_line_breaks_in_a_note_are_kept(write, register, layout) -> None:
    errors, checked = note_errors(
        write, register, "notes.parquet", parquet_bytes(with_note(layout))
    )
    assert errors == []
    assert layout in checked.values.filter(pl.col("row") == 4)["note"].item()
