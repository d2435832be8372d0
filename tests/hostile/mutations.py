"""Freshly mutated submission files: good sample files broken as a spreadsheet, a tired
person or an attacker would break them (cells, rows, columns, headers, bytes, encodings).

`make_mutants(count, seed)` gives the same files for the same seed; `mutate.py` runs
`prison-monitor validate --json` on each.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = PROJECT / "sample_data" / "submissions"
sys.path.insert(0, str(PROJECT / "tests"))  # run as a script too

# Fixed workbook creation date: xlsxwriter would otherwise stamp the current time,
# and the compressed size (which a byte cut names) would vary from run to run.
XLSX_CREATED = datetime(2026, 10, 1, 9, 0, 0)

TIMEOUT = 120  # seconds: a file that takes longer is a hang

# Strings a person or an attacker puts into cells.
NASTY = [
    "",
    " ",
    "\x00",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1",
    "1e308",
    "1e-320",
    "NaN",
    "inf",
    "-0",
    "0x1F",
    "1,5",
    "1.000,5",
    "12 345",
    "٣",
    "１２",
    "'; DROP TABLE submissions; --",
    "../../etc/passwd",
    "NM-WFP\u200b",
    "nm-wfp",
    "2025-Q5",
    "2025-q3",
    "2025Q3",
    "2099-Q1",
    "Ω" * 300,
    "x" * 5000,
    "\u202etxt.exe",
    "\r\n",
    '"',
    "\ufeff",
    "null",
    "None",
    "TRUE",
    "99999999999999999999",
    "3.14159",
]


@dataclass
class Mutant:
    name: str  # the file name given to validate (its extension matters)
    content: bytes
    how: str  # the mutations applied, for the person reading a failure


# ---------------------------------------------------------------- the seeds


def seed_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.xlsx"))
    if not files:
        raise SystemExit(f"no sample submissions in {SAMPLES}")
    return files


def read_rows(path: Path) -> list[list[str]]:
    """A seed file's rows as text, header first (CSV with , or ;, or the xlsx data sheet)."""
    if path.suffix == ".xlsx":
        import fastexcel

        reader = fastexcel.read_excel(path.read_bytes())
        sheet = reader.load_sheet("data" if "data" in reader.sheet_names else 0, header_row=None)
        frame = sheet.to_polars()
        return [["" if v is None else str(v) for v in row] for row in frame.iter_rows()]
    text = path.read_text(encoding="utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows: list[list[object]], sheet: str = "data", extra_sheet: bool = False) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "nan_inf_to_errors": True}
    )
    book.set_properties({"created": XLSX_CREATED})  # else the current time: sizes would vary
    if extra_sheet:
        book.add_worksheet("readme").write(0, 0, "Read me first")
    page = book.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                page.write_formula(r, c, value)
            else:
                page.write(r, c, value)
    book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------- row mutations

RowMutation = Callable[[random.Random, list[list[str]]], str]


def _cell(rng: random.Random, rows: list[list[str]]) -> tuple[int, int]:
    r = rng.randrange(len(rows))
    return r, rng.randrange(max(1, len(rows[r])))


def nasty_cell(rng: random.Random, rows: list[list[str]]) -> str:
    r, c = _cell(rng, rows)
    if not rows[r]:
        rows[r].append("")
    rows[r][c] = rng.choice(NASTY)
    return f"cell {r + 1},{c + 1} = {rows[r][c][:20]!r}"


def number_tweak(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
    if len(rows[r]) < 4:
        return "number tweak skipped"
    rows[r][3] = rng.choice(
        [str(-rng.randint(1, 50)), str(rng.randint(10**6, 10**12)), f"{rng.random() * 100:.3f}"]
    )
    return f"value row {r + 1} = {rows[r][3]}"


def drop_rows(rng: random.Random, rows: list[list[str]]) -> str:
    k = rng.randint(1, max(1, len(rows) // 3))
    for _ in range(min(k, len(rows) - 1)):
        del rows[rng.randrange(len(rows))]
    return f"dropped {k} rows"


def duplicate_rows(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(len(rows))
    rows.insert(rng.randrange(len(rows) + 1), list(rows[r]))
    return f"duplicated row {r + 1}"


def drop_column(rng: random.Random, rows: list[list[str]]) -> str:
    c = rng.randrange(5)
    for row in rows:
        if c < len(row):
            del row[c]
    return f"dropped column {c + 1}"


def swap_columns(rng: random.Random, rows: list[list[str]]) -> str:
    a, b = rng.sample(range(5), 2)
    for row in rows:
        if max(a, b) < len(row):
            row[a], row[b] = row[b], row[a]
    return f"swapped columns {a + 1} and {b + 1}"


def extra_column(rng: random.Random, rows: list[list[str]]) -> str:
    for i, row in enumerate(rows):
        row.append("comment" if i == 0 else rng.choice(NASTY))
    return "extra column"


def rename_header(rng: random.Random, rows: list[list[str]]) -> str:
    c = rng.randrange(len(rows[0]))
    rows[0][c] = rng.choice([rows[0][c].upper(), rows[0][c] + " ", "Value (n)", "", "prison"])
    return f"header {c + 1} = {rows[0][c]!r}"


def drop_header(rng: random.Random, rows: list[list[str]]) -> str:
    del rows[0]
    return "no header row"


def ragged_row(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(len(rows))
    rows[r] = rows[r][: rng.randrange(len(rows[r]) + 1)] if rng.random() < 0.5 else rows[r] * 2
    return f"ragged row {r + 1}"


def blank_rows(rng: random.Random, rows: list[list[str]]) -> str:
    for _ in range(rng.randint(1, 3)):
        rows.insert(rng.randrange(len(rows) + 1), [])
    return "blank rows"


def other_prison_or_quarter(rng: random.Random, rows: list[list[str]]) -> str:
    r = rng.randrange(1, len(rows)) if len(rows) > 1 else 0
    if len(rows[r]) < 2:
        return "identity skipped"
    rows[r][0] = rng.choice(["NM-XXX", "NM-ASP", "BE-HAS", "nm-asp", ""])
    rows[r][1] = rng.choice(["2024-Q1", "2026-Q4", "2031-Q2", "1999-Q4", rows[r][1]])
    return f"row {r + 1} = {rows[r][0]} {rows[r][1]}"


def many_rows(rng: random.Random, rows: list[list[str]]) -> str:
    body = rows[1:] or [["NM-ASP", "2024-Q1", "receptions", "1", ""]]
    copies = rng.choice([50, 500, 6000])
    rows.extend(list(body[i % len(body)]) for i in range(copies))
    return f"{copies} more rows"


ROW_MUTATIONS: list[RowMutation] = [
    nasty_cell,
    nasty_cell,
    number_tweak,
    drop_rows,
    duplicate_rows,
    drop_column,
    swap_columns,
    extra_column,
    rename_header,
    drop_header,
    ragged_row,
    blank_rows,
    other_prison_or_quarter,
    many_rows,
]


# ---------------------------------------------------------------- byte mutations


def flip_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    out = bytearray(data)
    k = rng.randint(1, 12)
    for _ in range(k):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out), f"{k} bytes flipped"


def truncate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    cut = rng.randrange(len(data) + 1)
    return data[:cut], f"cut at byte {cut} of {len(data)}"


def splice(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    a = rng.randrange(len(data) + 1)
    b = min(len(data), a + rng.randint(1, 64))
    insert = rng.choice([b"\x00" * 8, rng.randbytes(rng.randint(1, 32)), data[a:b] * 3, b"\r", b""])
    return data[:a] + insert + data[b:], f"bytes {a}-{b} replaced by {len(insert)}"


def reencode(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(["utf-16", "utf-8-sig", "cp1252", "latin-1", "utf-32"])
    return text.encode(encoding, errors="replace"), f"re-encoded as {encoding}"


BYTE_MUTATIONS = [flip_bytes, truncate, splice, reencode]


# ---------------------------------------------------------------- the mutants


def make_mutant(rng: random.Random, seeds: list[Path], index: int) -> Mutant:
    seed = rng.choice(seeds)
    rows = read_rows(seed)
    hows = [f"from {seed.name}"]
    for mutation in rng.sample(ROW_MUTATIONS, rng.randint(1, 3)):
        try:
            hows.append(mutation(rng, rows))
        except (IndexError, ValueError):  # the rows left are too few for this one
            hows.append(f"{mutation.__name__} skipped")
    if not rows:
        rows = [[]]
    shape = rng.choice(["csv", "csv", "semicolon", "xlsx", "xlsx", "wrong-extension"])
    if shape == "csv":
        content, name = csv_bytes(rows), "csv"
    elif shape == "semicolon":
        content, name = csv_bytes(rows, ";"), "csv"
    elif shape == "xlsx":
        typed = [[_typed(rng, v) for v in row] for row in rows]
        content, name = (
            xlsx_bytes(typed, rng.choice(["data", "Sheet1"]), rng.random() < 0.5),
            "xlsx",
        )
    else:
        content = xlsx_bytes(rows) if rng.random() < 0.5 else csv_bytes(rows)
        name = "csv" if content[:2] == b"PK" else rng.choice(["xlsx", "parquet", "xls"])
    hows.append(f"written as {shape}")
    if rng.random() < 0.4:
        for mutation in rng.sample(BYTE_MUTATIONS, rng.randint(1, 2)):
            if mutation is reencode and content[:2] == b"PK":
                continue
            content, how = mutation(rng, content)
            hows.append(how)
    stem = seed.stem if rng.random() < 0.8 else rng.choice(["../../evil", "con", "a b;c", "é"])
    return Mutant(f"{index:03d}_{stem}.{name}", content, "; ".join(hows))


def _typed(rng: random.Random, value: str) -> object:
    """A cell as a spreadsheet might hold it: a number, a formula, a date, a bool or text."""
    try:
        number = float(value)
    except ValueError:
        return value
    pick = rng.random()
    if pick < 0.6:
        return number
    if pick < 0.7:
        return f"={value}"
    if pick < 0.75:
        return bool(number)
    return value


def make_mutants(count: int, seed: int) -> list[Mutant]:
    rng = random.Random(seed)
    seeds = seed_files()
    return [make_mutant(rng, seeds, i + 1) for i in range(count)]
