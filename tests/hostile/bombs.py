"""Hostile submission files, made in memory: bombs, huge headers, other digits, controls, markup.

Each `Hostile` is a file name, its bytes, and the rules its report may carry as
errors (None: any verdict of the contract will do). `test_capped_cli.py` runs
`prison-monitor validate --json` on every one under an address-space cap.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from data_contracts.contract import load_contract
from tests.lying_parquet import lying_parquet

CONTRACT = load_contract()
HEADER = CONTRACT.column_names
ROWS = CONTRACT.file["max_rows"]
MAX_BYTES = CONTRACT.file["max_bytes"]
TOO_LARGE = {"file.too_large"}
UNREADABLE = {"file.unreadable"}

# One good prison-quarter of the sample register (tests/hostile/mutate.py loads it).
PRISON, PERIOD = "NM-WFP", "2024-Q1"
# A good prison-quarter of core (every v2 module's parts would have to add up to its totals).
GOOD = {
    e.code: ("412.5" if e.kind == "number" else "10")
    for e in CONTRACT.elements_of(CONTRACT.base_module)
}

MARKUP = [
    "<script>alert(1)</script>",
    "![x](http://example.invalid/p.png)",
    "[a](javascript:alert(1))",
    '=HYPERLINK("http://example.invalid","y")',
    "**bold** _it_ `code` # heading",
    "<img src=x onerror=alert(1)>",
]
FOREIGN_DIGITS = ["٢٠٢٤", "۲۰۲۴", "２０２４", "२०२४", "²⁰²⁴", "𝟐𝟎𝟐𝟒"]
CONTROLS = ["\x00", "\x01", "\x1b[2J", "\x7f", "\x85", "\u009b31m"]
# Rows of junk in one file: each row fails several rules, and every failure is a message.
JUNK_ROWS = 5_000


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes
    # the errors the report may hold (a subset of these, and at least one); None: any
    rules: frozenset[str] | None = None


def rows(**override: str) -> list[list[str]]:
    values = {**GOOD, **override}
    return [[PRISON, PERIOD, code, value, ""] for code, value in values.items()]


def csv_bytes(table: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *table])
    return buffer.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(table: list[list[object]], header: list[str] = HEADER) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, header)
    for r, row in enumerate(table, start=1):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, str(cell))
    book.close()
    return buffer.getvalue()


def parquet_bytes(table: pa.Table, **options: object) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    return buffer.getvalue()


def parquet_rows(table: list[list[str]]) -> bytes:
    columns = list(zip(*table, strict=True))
    return parquet_bytes(
        pa.table({h: pa.array(list(c)) for h, c in zip(HEADER, columns, strict=False)})
    )


def with_part(xlsx: bytes, part: str, content: bytes) -> bytes:
    """`xlsx` with one part replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as patched:
        for info in source.infolist():
            if info.filename != part:
                patched.writestr(info.filename, source.read(info))
        patched.writestr(part, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _sheet(data: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{data}</sheetData></worksheet>"
    ).encode()


def entity_bomb(where: str) -> bytes:
    """A billion laughs: ten levels of ten references, 10^10 'lol's if expanded."""
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 11)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    base = xlsx_bytes(rows())
    if where == "sheet":
        cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&l10;</t></is></c></row>'
        return with_part(base, SHEET, _sheet(cell, prolog))
    workbook = (
        f'<?xml version="1.0"?>{prolog.replace("worksheet", "workbook")}<workbook '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="&l10;" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()
    return with_part(base, "xl/workbook.xml", workbook)


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w", force_zip64=True) as member:
            for _ in range(300):  # 300 MiB of zeros, about 300 KB packed
                member.write(b"\0" * 2**20)
    return buffer.getvalue()


def dictionary_bomb() -> bytes:
    """~2 KB: every row's prison_code is one 1 MiB string (100 GB decoded)."""
    codes = pa.DictionaryArray.from_arrays(
        pa.array([0] * ROWS, pa.int32()), pa.array(["x" * 2**20])
    )
    other = {h: pa.array(["1"] * ROWS) for h in HEADER[1:4]}
    return parquet_bytes(pa.table({"prison_code": codes, **other}), compression="zstd")


def prefix_bomb() -> bytes:
    table = pa.table({h: pa.array(["z" * 2**20] * 40) for h in HEADER[:4]})
    return parquet_bytes(
        table,
        compression="zstd",
        use_dictionary=False,
        column_encoding=dict.fromkeys(HEADER[:4], "DELTA_BYTE_ARRAY"),
    )


def wide(n: int) -> list[str]:
    return [*HEADER, *(f"extra{i}" for i in range(n - len(HEADER)))]


def _bombs() -> list[Hostile]:
    far_cell = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    unclosed = b'prison_code,period,data_element,value\n"' + b"a" * (MAX_BYTES - 100) + b"\n"
    many_groups = pa.table({h: pa.array(["1"] * 5_000) for h in HEADER[:4]})
    return [
        Hostile("zip-bomb.xlsx", zip_bomb(), frozenset(TOO_LARGE)),
        Hostile("entities-sheet.xlsx", entity_bomb("sheet"), frozenset(UNREADABLE)),
        Hostile("entities-workbook.xlsx", entity_bomb("workbook"), frozenset(UNREADABLE)),
        Hostile("far-cell.xlsx", with_part(xlsx_bytes(rows()), SHEET, _sheet(far_cell)), None),
        Hostile("dictionary-bomb.parquet", dictionary_bomb(), frozenset(TOO_LARGE)),
        Hostile("lying-page-header.parquet", lying_parquet(), frozenset(TOO_LARGE)),
        Hostile("prefix-bomb.parquet", prefix_bomb(), frozenset(UNREADABLE)),
        Hostile(
            "row-groups.parquet",
            parquet_bytes(many_groups, row_group_size=1),
            frozenset(TOO_LARGE),
        ),
        Hostile(
            "nested.parquet",
            parquet_bytes(pa.table({"prison_code": pa.array([[1] * 1000] * 1000)})),
            frozenset(UNREADABLE),
        ),
        Hostile(
            "too-many-rows.parquet",
            parquet_bytes(pa.table({h: pa.array(["1"] * (ROWS + 1)) for h in HEADER[:4]})),
            frozenset(TOO_LARGE),
        ),
        Hostile("wide.csv", csv_bytes(rows(), wide(200_000)), frozenset(TOO_LARGE)),
        Hostile("wide.xlsx", xlsx_bytes(rows(), wide(16_384)), frozenset(TOO_LARGE)),
        Hostile(
            "wide.parquet",
            parquet_bytes(pa.table({h: pa.array(["1"]) for h in wide(5_000)})),
            frozenset(TOO_LARGE),
        ),
        Hostile(
            "huge-note.csv",
            csv_bytes([*rows()[:1], [PRISON, PERIOD, "receptions", "1", "n" * (MAX_BYTES - 2000)]]),
            None,
        ),
        Hostile(
            "huge-code.csv",
            csv_bytes([["X" * (MAX_BYTES - 1_000), PERIOD, "receptions", "1", ""]]),
            None,
        ),
        Hostile("unclosed-quote.csv", unclosed, None),
        Hostile("oversize.csv", csv_bytes(rows()) + b"#" * MAX_BYTES, frozenset(TOO_LARGE)),
        Hostile(
            "too-many-rows.csv",
            b"prison_code,period,data_element,value\n" + b"a,b,c,1\n" * (ROWS + 1),
            frozenset(TOO_LARGE),
        ),
    ]


def _junk() -> list[Hostile]:
    rng = random.Random(11)
    junk = [
        ["".join(rng.choice("ab1-Q٣２ <>") for _ in range(8)) for _ in range(4)] + [""]
        for _ in range(JUNK_ROWS)
    ]
    noise = bytes(rng.randrange(256) for _ in range(50_000))
    return [
        Hostile("junk-rows.csv", csv_bytes(junk), None),
        Hostile("noise.csv", noise, frozenset(UNREADABLE)),
        Hostile("noise.xlsx", noise, frozenset(UNREADABLE)),
        Hostile("noise.parquet", b"PAR1" + noise + b"PAR1", frozenset(UNREADABLE)),
        Hostile("empty.csv", b"", frozenset({"file.empty"})),
        Hostile("bom-only.csv", b"\xef\xbb\xbf", frozenset({"file.empty"})),
        Hostile("utf16.csv", csv_bytes(rows()).decode().encode("utf-16"), frozenset(UNREADABLE)),
    ]


def _digits() -> list[Hostile]:
    cases = []
    for i, year in enumerate(FOREIGN_DIGITS):
        period = f"{year}-Q1"
        kind = ("csv", "xlsx", "parquet")[i % 3]
        cases.append(
            Hostile(
                f"period-digits-{i}.{kind}",
                _as(kind, _with_period(period)),
                frozenset({"period.format"}),
            )
        )
    for i, value in enumerate(["١٢", "１２", "¹²", "१२", "1٫5", "12\u0663"]):
        kind = ("csv", "xlsx", "parquet")[i % 3]
        cases.append(
            Hostile(
                f"value-digits-{i}.{kind}",
                _as(kind, rows(receptions=value)),
                frozenset({"value.not_a_number"}),
            )
        )
    return cases


def _with_period(period: str) -> list[list[str]]:
    return [[PRISON, period, *row[2:]] for row in rows()]


def _as(kind: str, table: list[list[str]]) -> bytes:
    return {"csv": csv_bytes, "xlsx": xlsx_bytes, "parquet": parquet_rows}[kind](table)


def _controls() -> list[Hostile]:
    cases = []
    for i, control in enumerate(CONTROLS):
        table = rows()
        table[1][4] = f"note{control}text"
        for kind in ("parquet", "xlsx") if control == "\x00" else ("csv", "parquet", "xlsx"):
            cases.append(
                Hostile(f"control-{i}.{kind}", _as(kind, table), frozenset({"row.malformed"}))
            )
    return cases


def _markup() -> list[Hostile]:
    """Each markup text in every column (row k holds it in column k), a header and a name."""
    cases = []
    for i, text in enumerate(MARKUP):
        table = rows()
        for column in range(len(HEADER)):
            table[column][column] = text
        kind = ("csv", "xlsx", "parquet")[i % 3]
        cases.append(Hostile(f"markup-{i}.{kind}", _as(kind, table), None))
    cases.append(Hostile("markup-header.csv", csv_bytes(rows(), [*HEADER, *MARKUP]), None))
    cases.append(Hostile("markup-header.xlsx", xlsx_bytes(rows(), [*HEADER, *MARKUP]), None))
    cases.append(Hostile("<b>x<b>[a](javascript:alert(1)).csv", csv_bytes(rows()), None))
    return cases


MAKERS: list[Callable[[], list[Hostile]]] = [_bombs, _junk, _digits, _controls, _markup]


def hostile_files() -> list[Hostile]:
    return [h for make in MAKERS for h in make()]
