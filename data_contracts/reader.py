"""Read a submitted file (CSV, Excel or Parquet) into one Polars frame of text.

Whatever the file type, the result is the same shape: the header cells as
written, and one text column per header cell plus `row`, the row number a
spreadsheet shows for it. Reading never judges content (that is the checks'
job); it only decides whether the file can be read at all, and refuses too
large input before loading it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from data_contracts.contract import Contract, load_contract
from data_contracts.figures import figure
from data_contracts.report import Issue, make_issue


class FileRejected(Exception):
    """The file cannot be checked at all; `issue` says why (one file-level error)."""

    def __init__(self, issue: Issue):
        super().__init__(issue.message)
        self.issue = issue


@dataclass
class RawTable:
    header: list[str | None]
    # c0..c{k-1}: pl.String, one per header cell (and beyond, for cells past it); row: pl.Int64
    frame: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)


def _reject(rule: str, detail: str, contract: Contract) -> FileRejected:
    return FileRejected(make_issue(rule, detail=detail, contract=contract))


def read_submission(
    path: Path, contract: Contract | None = None, *, name: str | None = None
) -> RawTable:
    """Read `path`; its type comes from `name` (the file name as sent) or the path."""
    contract = contract or load_contract()
    name = name or path.name
    ext = Path(name).suffix.lower().lstrip(".")
    kind = contract.file["types"].get(ext)
    if kind is None:
        hint = contract.phrase("xls_hint") if ext == "xls" else ""
        types = ", ".join(f".{t}" for t in contract.file["types"])
        raise _reject(
            "file.unreadable",
            contract.phrase("file_type", ext=ext, types=types, hint=hint)
            if ext
            else contract.phrase("no_extension", types=types),
            contract,
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _reject(
            "file.unreadable", contract.phrase("not_opened", reason=exc.strerror), contract
        ) from None
    max_bytes = contract.file["max_bytes"]
    if size > max_bytes:
        raise _reject(
            "file.too_large",
            contract.phrase(
                "file_size",
                size=figure(size / 2**20, 1, grouped=False),
                most=figure(max_bytes / 2**20, 0, grouped=False),
                advice=contract.phrase("split_advice"),
            ),
            contract,
        )
    data = path.read_bytes()
    if kind == "csv":
        table = read_csv_table(data, contract)
    elif kind == "excel":
        table = _read_excel(data, contract)
    else:
        table = _read_parquet(data, contract)
    if table.frame.height > contract.file["max_rows"]:
        raise _too_many_rows(table.frame.height, contract)
    return table


def _too_many_rows(rows: int | str, contract: Contract) -> FileRejected:
    """file.too_large for `rows` data rows (a number, or a `more_than` phrase)."""
    limit = contract.file["max_rows"]
    return _reject(
        "file.too_large",
        contract.phrase(
            "too_many_rows",
            rows=rows if isinstance(rows, str) else figure(rows),
            most=figure(limit),
            advice=contract.phrase("split_advice"),
        ),
        contract,
    )


# Columns a header may have beyond the contract's and the template's helper columns:
# generous for a real sheet (notes, working columns), far below what costs memory.
SPARE_COLUMNS = 100


def max_columns(contract: Contract) -> int:
    """The most columns a submission may have (a header of 200,000 is refused unread)."""
    return len(contract.column_names) + len(contract.helper_names) + SPARE_COLUMNS


def _too_many_columns(columns: int, contract: Contract) -> FileRejected:
    return _reject(
        "file.too_large",
        contract.phrase(
            "too_many_columns",
            columns=figure(columns),
            most=figure(max_columns(contract)),
            names=", ".join(contract.column_names),
        ),
        contract,
    )


def _decode(data: bytes, contract: Contract) -> tuple[str, list[Issue]]:
    if b"\x00" in data:
        raise _reject(
            "file.unreadable",
            contract.phrase("nul_bytes"),
            contract,
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(contract.file["csv_fallback_encoding"])
    except UnicodeDecodeError:
        raise _reject(
            "file.unreadable",
            contract.phrase("not_text_encoding"),
            contract,
        ) from None
    return text, [make_issue("file.encoding", contract=contract)]


def _delimiter(header_line: str, contract: Contract) -> str:
    candidates = contract.file["csv_delimiters"]
    counts = {d: header_line.count(d) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])
    return best if counts[best] else candidates[0]


def read_csv_table(data: bytes, contract: Contract) -> RawTable:
    text, issues = _decode(data, contract)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return RawTable(
            header=[], frame=pl.DataFrame({"row": []}, schema={"row": pl.Int64}), issues=issues
        )
    delimiter = _delimiter(first, contract)
    plain = _plain_table(text, delimiter, contract)
    header, frame = plain if plain is not None else _record_table(text, delimiter, issues, contract)
    return _checked_table(header, frame, issues, text, contract)


def _record_table(
    text: str, delimiter: str, issues: list[Issue], contract: Contract
) -> tuple[list[str | None], pl.DataFrame]:
    """Any CSV text, record by record (quotes, blank and ragged lines); a malformed row is
    added to `issues`."""
    csv.field_size_limit(contract.file["max_bytes"] + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    max_rows = contract.file["max_rows"]
    header: list[str | None] | None = None
    columns: list[list[str | None]] = []
    rows: list[int] = []
    row = 0
    try:
        for row, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue  # blank lines are ignored, but still counted, as a spreadsheet shows them
            if header is None:
                if len(record) > max_columns(contract):
                    raise _too_many_columns(len(record), contract)
                header = list(record)
                columns = [[] for _ in header]
                continue
            width = len(header)
            if len(record) > width and any(cell.strip() for cell in record[width:]):
                issues.append(
                    make_issue(
                        "row.malformed",
                        row=row,
                        detail=contract.phrase(
                            "extra_fields",
                            row=row,
                            fields=len(record),
                            width=width,
                            delimiter=_show(delimiter, contract),
                        ),
                        contract=contract,
                    )
                )
            for i in range(width):
                columns[i].append(record[i] if i < len(record) else None)
            rows.append(row)
            if len(rows) > max_rows:
                raise _too_many_rows(contract.phrase("more_than", count=figure(max_rows)), contract)
    except csv.Error as exc:
        issues.append(
            make_issue(
                "row.malformed",
                row=row + 1,
                detail=contract.phrase("csv_row_unreadable", row=row + 1, reason=exc),
                contract=contract,
            )
        )
    if header is None:
        raise _reject(
            "file.unreadable",
            contract.phrase("header_unreadable"),
            contract,
        )
    frame = pl.DataFrame(
        {**{f"c{i}": col for i, col in enumerate(columns)}, "row": rows},
        schema={**{f"c{i}": pl.String for i in range(len(header))}, "row": pl.Int64},
    )
    return header, frame


def _checked_table(
    header: list[str | None],
    frame: pl.DataFrame,
    issues: list[Issue],
    text: str,
    contract: Contract,
) -> RawTable:
    """The table read, unless its content is binary: then file.unreadable."""
    if not _names_a_column(header, contract) and _looks_binary(text):
        raise _reject(
            "file.unreadable",
            contract.phrase("binary_content"),
            contract,
        )
    return RawTable(header=header, frame=frame, issues=issues)


# What sends a file to the record-by-record reader: quotes (a field may span lines), a lone
# carriage return (a line break to the csv module), a character Python counts as whitespace
# or a line break and Polars may not, or a blank line (ignored, but counted).
_NOT_PLAIN = ('"', "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u2028", "\u2029")
_BLANK_LINES = ("\n\n", "\n\r\n")


def _is_plain(text: str) -> bool:
    return (
        not any(mark in text for mark in _NOT_PLAIN + _BLANK_LINES)
        and not text.startswith(("\n", "\r\n"))
        and text.count("\r") == text.count("\r\n")
    )


def _plain_table(
    text: str, delimiter: str, contract: Contract
) -> tuple[list[str | None], pl.DataFrame] | None:
    """The common file, read at Polars' speed: no quotes, no blank lines, every line as wide
    as the header. The same header, cells and row numbers as the record-by-record reader;
    None when the file is not that plain (that reader then decides, with its messages)."""
    if not _is_plain(text):
        return None
    first_break = text.find("\n")
    header_line = text if first_break < 0 else text[:first_break]
    header: list[str | None] = list(header_line.removesuffix("\r").split(delimiter))
    if not "".join(header).strip():  # type: ignore[arg-type]
        return None  # a blank first line: skipped there, so the header is further down
    width = len(header)
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if width > max_columns(contract) or text.count(delimiter) != lines * (width - 1):
        return None  # a ragged line (or too many columns, which that reader refuses)
    if lines - 1 > contract.file["max_rows"]:
        most = figure(contract.file["max_rows"])
        raise _too_many_rows(contract.phrase("more_than", count=most), contract)
    names = [f"c{i}" for i in range(width)]
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            skip_rows=1,
            new_columns=names,
            schema={n: pl.String for n in names},
            separator=delimiter,
            quote_char=None,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        # ragged lines whose delimiters still add up (one line short, another long): the
        # careful reader then names the rows
        return None
    if frame.height != lines - 1:
        return None
    if frame.height and frame.select((pl.concat_str(names).str.strip_chars() == "").any()).item():
        return None  # a line of spaces or delimiters only: blank, but still counted
    rows = pl.int_range(2, frame.height + 2, eager=True, dtype=pl.Int64).alias("row")
    return header, frame.with_columns(rows)


# How much of a decoded file is looked at to tell text from binary content.
BINARY_SAMPLE_CHARS = 65_536
# Above this share of characters that are neither printable nor line breaks / tabs, the
# content is binary whatever else it holds (a text file holds none of them).
BINARY_SHARE = 0.01
_LAYOUT = frozenset("\t\n\r")


def _names_a_column(header: list[str | None], contract: Contract) -> bool:
    known = {*contract.column_names, *contract.helper_names}
    return any((cell or "").strip().lower() in known for cell in header)


def _looks_binary(text: str) -> bool:
    """Decoded bytes that are not text: control characters, or many unprintable ones.

    Only asked of a file whose header names no contract column, so a real CSV with
    one stray control character in a note is never refused for it.
    """
    sample = text[:BINARY_SAMPLE_CHARS]
    if not sample:
        return False
    odd = sum(1 for ch in sample if ch not in _LAYOUT and not ch.isprintable())
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _LAYOUT)
    return controls > 0 or odd / len(sample) > BINARY_SHARE


def _show(delimiter: str, contract: Contract) -> str:
    return contract.phrase("delimiter_tab") if delimiter == "\t" else delimiter


def _read_excel(data: bytes, contract: Contract) -> RawTable:
    from data_contracts.excel import WorkbookError, read_xlsx

    try:
        sheet = read_xlsx(
            data,
            preferred_sheet=contract.file["excel_sheet"],
            max_unpacked_bytes=contract.file["excel_max_unpacked_bytes"],
            max_columns=max_columns(contract),
        )
    except WorkbookError as exc:
        raise _reject(exc.rule, str(exc), contract) from None
    return RawTable(header=list(sheet.header), frame=sheet.frame)


def _read_parquet(data: bytes, contract: Contract) -> RawTable:
    from data_contracts.parquet import ParquetBudget, ParquetRefused, read_parquet

    budget = ParquetBudget(
        max_rows=contract.file["max_rows"],
        max_columns=max_columns(contract),
        max_decoded_bytes=contract.file["parquet_max_decoded_bytes"],
    )
    try:
        header, frame = read_parquet(data, budget)
    except ParquetRefused as exc:
        raise _reject(exc.rule, str(exc), contract) from None
    return RawTable(header=header, frame=frame)
