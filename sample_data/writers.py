"""The writers of the sample data: CSV (plain, or as Excel saves it), XLSX, the register.

Nothing here draws a number: the bytes written depend only on the records given, and
workbooks carry a fixed creation date, so every run writes the same files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import xlsxwriter

from data_contracts.register import MODULE_SEPARATOR
from sample_data.model import CONTRACT, HEADER, Record, population_element
from sample_data.register import ALL_PRISONS, Prison

# Fixed workbook creation date: xlsxwriter would otherwise stamp the current time.
XLSX_CREATED = datetime(2026, 10, 1, 9, 0, 0)


def format_value(element: str, value: float | int | None, decimal_mark: str = ".") -> str:
    if value is None:
        return ""
    if element == population_element():
        return f"{value:.1f}".replace(".", decimal_mark)
    return str(int(value))


def text_rows(records: Iterable[Record], decimal_mark: str = ".") -> list[list[str]]:
    return [
        [r.prison_code, r.period, r.element, format_value(r.element, r.value, decimal_mark), r.note]
        for r in records
    ]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    path.write_bytes(csv_text(header, rows, delimiter).encode(encoding))


def write_excel_csv(path: Path, records: list[Record]) -> None:
    """Semicolons, decimal comma, BOM and CRLF: 'CSV UTF-8' as Excel saves it in BE/FR."""
    text = csv_text(HEADER, text_rows(records, decimal_mark=","), delimiter=";")
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence], readme: Sequence[str] = ()
) -> None:
    """A workbook with a `data` sheet (numbers as numbers, None as an empty cell),
    optionally after a `readme` sheet, so a reader must pick the sheet by name."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": XLSX_CREATED, "author": "sample_data.generate"})
    if readme:
        sheet = workbook.add_worksheet("readme")
        for i, line in enumerate(readme):
            sheet.write_string(i, 0, line)
    sheet = workbook.add_worksheet(CONTRACT.file["excel_sheet"])
    for col, name in enumerate(header):
        sheet.write_string(0, col, name)
    for i, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, int | float):
                sheet.write_number(i, col, cell)
            elif cell:
                sheet.write_string(i, col, cell)
    workbook.close()


def xlsx_rows(records: Iterable[Record]) -> list[list]:
    return [[r.prison_code, r.period, r.element, r.value, r.note] for r in records]


def write_submission(folder: Path, prison: Prison, period: str, records: list[Record]) -> None:
    stem = folder / f"{prison.code}_{period}"
    if prison.fmt == "csv":
        write_csv(stem.with_suffix(".csv"), HEADER, text_rows(records))
    elif prison.fmt == "csv-semicolon":
        write_excel_csv(stem.with_suffix(".csv"), records)
    else:
        readme = []
        if prison.fmt == "xlsx-readme":
            readme = [
                f"Quarterly drug services return, {prison.name}, {period}.",
                "The figures are on the sheet 'data': one row per data element.",
            ]
        write_xlsx(stem.with_suffix(".xlsx"), HEADER, xlsx_rows(records), readme)


def write_register(path: Path) -> None:
    header = [c["name"] for c in CONTRACT.register["columns"]]
    cells = {
        "prison_code": lambda p: p.code,
        "name": lambda p: p.name,
        "region": lambda p: p.region,
        "prison_type": lambda p: p.type,
        "opened": lambda p: p.opened,
        "closed": lambda p: p.closed,
        "modules": lambda p: MODULE_SEPARATOR.join(p.modules),
        "peer_group": lambda p: p.peer_group,
        "country": lambda p: p.country,
    }
    if set(header) != set(cells):
        raise SystemExit(f"the register's columns differ from the contract's: {header}")
    write_csv(path, header, [[cells[c](p) for c in header] for p in ALL_PRISONS])
