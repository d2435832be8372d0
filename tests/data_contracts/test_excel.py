"""read_xlsx: sheet choice, Excel's own row numbers, cell text, and refusals of bad bytes."""

from __future__ import annotations

import io
import struct
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from data_contracts.excel import (
    TOO_LARGE,
    UNREADABLE,
    SheetTable,
    WorkbookError,
    read_xlsx,
)

HEADER = ["prison_code", "period", "data_element", "value"]
SheetWriter = Callable[[Worksheet], None]


def workbook(tmp_path: Path, sheets: dict[str, SheetWriter]) -> bytes:
    path = tmp_path / "submission.xlsx"
    book = xlsxwriter.Workbook(path)
    for name, write in sheets.items():
        write(book.add_worksheet(name))
    book.close()
    return path.read_bytes()


def rows_from(cell: str, *rows: list[object]) -> SheetWriter:
    def write(sheet: Worksheet) -> None:
        first_row, first_col = xlsxwriter.utility.xl_cell_to_rowcol(cell)
        for offset, values in enumerate(rows):
            sheet.write_row(first_row + offset, first_col, values)

    return write


def with_sheet_xml(tmp_path: Path, sheet_data: str) -> bytes:
    """A real workbook whose only sheet's <sheetData> is replaced by `sheet_data`."""
    original = zipfile.ZipFile(io.BytesIO(workbook(tmp_path, {"data": rows_from("A1", ["x"])})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as patched:
        for info in original.infolist():
            content = original.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f"<sheetData>{sheet_data}</sheetData></worksheet>"
                ).encode()
            patched.writestr(info.filename, content)
    return out.getvalue()


def central_entry(data: bytes, name: str) -> int:
    """Offset of `name`'s entry in the ZIP central directory."""
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} is not in the archive")


def rows(table: SheetTable) -> list[tuple[object, ...]]:
    return table.frame.rows()


def refusal(data: bytes, **options: object) -> WorkbookError:
    with pytest.raises(WorkbookError) as caught:
        read_xlsx(data, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    # one plain sentence for a director: no traceback, no line breaks, ends with a full stop
    assert "\n" not in message and "Traceback" not in message
    assert message.endswith(".")
    return caught.value


# --- where the header is and what the rows are called ---------------------------------------


def test_header_in_a1_gives_data_rows_from_2(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {
            "data": rows_from(
                "A1",
                HEADER,
                ["BE-HAS", "2025-Q3", "receptions", 120],
                ["BE-HAS", "2025-Q3", "releases", 98],
            )
        },
    )
    table = read_xlsx(data)
    assert table.sheet_name == "data"
    assert table.header == HEADER
    assert table.header_row == 1
    assert table.frame.columns == ["c0", "c1", "c2", "c3", "row"]
    assert rows(table) == [
        ("BE-HAS", "2025-Q3", "receptions", "120", 2),
        ("BE-HAS", "2025-Q3", "releases", "98", 3),
    ]
    assert table.extra_columns == 0


def test_header_typed_in_b4_keeps_the_sheets_row_numbers(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {
            "data": rows_from(
                "B4",
                HEADER,
                ["BE-HAS", "2025-Q3", "receptions", 120],
                ["BE-HAS", "2025-Q3", "releases", 98],
            )
        },
    )
    table = read_xlsx(data)
    assert table.header == HEADER
    assert table.header_row == 4
    assert [row[-1] for row in rows(table)] == [5, 6]
    assert rows(table)[0][:4] == ("BE-HAS", "2025-Q3", "receptions", "120")


def test_blank_and_whitespace_rows_are_dropped_but_numbering_continues(tmp_path: Path) -> None:
    def write(sheet: Worksheet) -> None:
        sheet.write_row("A1", HEADER)
        sheet.write_row("A2", ["BE-HAS", "2025-Q3", "receptions", 120])
        sheet.write_row("A4", ["   ", "", None, "  "])  # looks empty in Excel
        sheet.write_row("A6", ["BE-HAS", "2025-Q3", "releases", 98])

    table = read_xlsx(workbook(tmp_path, {"data": write}))
    assert [row[-1] for row in rows(table)] == [2, 6]


def test_whitespace_above_the_header_does_not_count_as_the_header(tmp_path: Path) -> None:
    def write(sheet: Worksheet) -> None:
        sheet.write("C2", "   ")
        sheet.write_row("B5", HEADER)
        sheet.write_row("B6", ["BE-HAS", "2025-Q3", "receptions", 7])

    table = read_xlsx(workbook(tmp_path, {"data": write}))
    assert table.header_row == 5
    assert table.header == HEADER
    assert rows(table) == [("BE-HAS", "2025-Q3", "receptions", "7", 6)]


def test_an_empty_text_cell_above_the_header_keeps_numbering(tmp_path: Path) -> None:
    # calamine counts a cell holding "" as used, and starts its grid there
    data = with_sheet_xml(
        tmp_path,
        '<row r="2"><c r="A2" t="inlineStr"><is><t></t></is></c></row>'
        '<row r="4"><c r="B4" t="inlineStr"><is><t>value</t></is></c></row>'
        '<row r="5"><c r="B5"><v>3</v></c></row>',
    )
    table = read_xlsx(data)
    assert table.header == [None, "value"]
    assert table.header_row == 4
    assert rows(table) == [(None, "3", 5)]


# --- which sheet ----------------------------------------------------------------------------


def test_readme_sheet_first_then_data_reads_data(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {
            "readme": rows_from("A1", ["How to fill in this template"], ["Use sheet data"]),
            "data": rows_from("A3", HEADER, ["BE-HAS", "2025-Q3", "receptions", 5]),
        },
    )
    table = read_xlsx(data)
    assert table.sheet_name == "data"
    assert table.header_row == 3
    assert rows(table) == [("BE-HAS", "2025-Q3", "receptions", "5", 4)]


def test_without_a_data_sheet_the_first_sheet_is_read(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {
            "Q3 figures": rows_from("A1", HEADER, ["BE-HAS", "2025-Q3", "receptions", 5]),
            "other": rows_from("A1", ["not this one"]),
        },
    )
    assert read_xlsx(data).sheet_name == "Q3 figures"


def test_data_sheet_name_matches_ignoring_case_and_spaces(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {
            "readme": rows_from("A1", ["notes"]),
            "Data ": rows_from("A1", HEADER, ["BE-HAS", "2025-Q3", "receptions", 5]),
        },
    )
    assert read_xlsx(data).sheet_name == "Data "
    assert read_xlsx(data, preferred_sheet=" README").sheet_name == "readme"


# --- cell values as text --------------------------------------------------------------------


def test_formulas_are_read_as_their_cached_values(tmp_path: Path) -> None:
    def write(sheet: Worksheet) -> None:
        sheet.write_row("A1", HEADER)
        sheet.write_formula("A2", '="BE-"&"HAS"', None, "BE-HAS")
        sheet.write("B2", "2025-Q3")
        sheet.write("C2", "receptions")
        sheet.write_formula("D2", "=100+20", None, 120)

    assert rows(read_xlsx(workbook(tmp_path, {"data": write}))) == [
        ("BE-HAS", "2025-Q3", "receptions", "120", 2)
    ]


def test_formula_errors_read_as_excel_shows_them_not_as_empty(tmp_path: Path) -> None:
    def write(sheet: Worksheet) -> None:
        sheet.write_row("A1", ["value", "other"])
        sheet.write_formula("A2", "=1/0", None, "#DIV/0!")
        sheet.write_formula("B3", "=NA()", None, "#N/A")

    assert rows(read_xlsx(workbook(tmp_path, {"data": write}))) == [
        ("#DIV/0!", None, 2),
        (None, "#N/A", 3),
    ]


def test_numbers_read_as_written_without_a_trailing_point_zero(tmp_path: Path) -> None:
    data = workbook(
        tmp_path,
        {"data": rows_from("A1", ["a", "b", "c", "d", "e"], [12, 12.5, 0, 1234567, 1234.56])},
    )
    assert rows(read_xlsx(data)) == [("12", "12.5", "0", "1234567", "1234.56", 2)]


def test_strings_keep_their_spaces_and_booleans_read_as_text(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"data": rows_from("A1", [" value ", "b"], [" 12 ", True])})
    table = read_xlsx(data)
    assert table.header == [" value ", "b"]
    assert rows(table) == [(" 12 ", "true", 2)]


def test_cells_beyond_the_header_are_kept_and_counted(tmp_path: Path) -> None:
    def write(sheet: Worksheet) -> None:
        sheet.write_row("A1", HEADER)
        sheet.write_row("A2", ["BE-HAS", "2025-Q3", "receptions", 5])
        sheet.write_row("A3", ["BE-HAS", "2025-Q3", "releases", 4, None, "oops"])

    table = read_xlsx(workbook(tmp_path, {"data": write}))
    assert table.header == HEADER
    assert table.extra_columns == 1
    assert table.frame.columns == ["c0", "c1", "c2", "c3", "c4", "c5", "row"]
    assert rows(table)[1] == ("BE-HAS", "2025-Q3", "releases", "4", None, "oops", 3)


def test_an_empty_header_cell_between_names_reads_as_none(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"data": rows_from("A1", ["a", None, "c"], [1, 2, 3])})
    table = read_xlsx(data)
    assert table.header == ["a", None, "c"]
    assert table.extra_columns == 0
    assert rows(table) == [("1", "2", "3", 2)]


def test_header_without_data_rows_gives_an_empty_frame(tmp_path: Path) -> None:
    table = read_xlsx(workbook(tmp_path, {"data": rows_from("C7", HEADER)}))
    assert table.header == HEADER
    assert table.header_row == 7
    assert table.frame.columns == ["c0", "c1", "c2", "c3", "row"]
    assert table.frame.height == 0


def test_empty_sheet_gives_an_empty_header(tmp_path: Path) -> None:
    table = read_xlsx(workbook(tmp_path, {"data": lambda sheet: None}))
    assert table.header == []
    assert table.header_row == 0
    assert table.frame.height == 0
    assert table.frame.columns == ["row"]


def test_cells_without_r_addresses_are_placed_by_counting(tmp_path: Path) -> None:
    # some writers leave out r="..."; calamine then counts rows and cells itself
    data = with_sheet_xml(
        tmp_path,
        '<row r="3"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c>'
        "</row><row><c><v>1</v></c><c><v>2</v></c></row>",
    )
    table = read_xlsx(data)
    assert table.header == ["a", "b"]
    assert table.header_row == 3
    assert rows(table) == [("1", "2", 4)]


# --- refusals -------------------------------------------------------------------------------


def test_text_file_named_xlsx_is_unreadable() -> None:
    error = refusal(b"prison_code,period,data_element,value\nBE-HAS,2025-Q3,receptions,1\n")
    assert error.rule == UNREADABLE
    assert ".xlsx" in str(error)


def test_old_xls_or_encrypted_workbook_is_unreadable_and_says_so() -> None:
    error = refusal(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512))
    assert error.rule == UNREADABLE
    assert "password" in str(error)
    assert ".xls" in str(error)


@pytest.fixture(scope="module")
def zeros_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """~300 KB on disk that declares 300 MiB of zeros, built without holding them."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    chunk = bytes(2**20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(300):
                member.write(chunk)
    return path.read_bytes()


def test_zip_bomb_is_refused_before_anything_is_unpacked(zeros_bomb: bytes) -> None:
    assert len(zeros_bomb) < 2 * 2**20
    started = time.perf_counter()
    error = refusal(zeros_bomb)
    assert time.perf_counter() - started < 0.5
    assert error.rule == TOO_LARGE
    assert "would unpack to 300 MiB" in str(error)


def test_a_part_compressed_far_beyond_a_spreadsheet_is_refused(zeros_bomb: bytes) -> None:
    # within the total budget, but 300 MiB from ~300 KB is no spreadsheet
    error = refusal(zeros_bomb, max_unpacked_bytes=2**30)
    assert error.rule == TOO_LARGE
    assert "from only" in str(error)


def test_the_unpacked_budget_applies_to_ordinary_workbooks(tmp_path: Path) -> None:
    data = workbook(tmp_path, {"data": rows_from("A1", HEADER)})
    assert refusal(data, max_unpacked_bytes=1000).rule == TOO_LARGE


def test_a_part_larger_than_it_declares_is_refused(tmp_path: Path) -> None:
    # calamine ignores declared sizes, so a lying header must not get past the budget
    data = bytearray(workbook(tmp_path, {"data": rows_from("A1", HEADER, ["x" * 5000])}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/sharedStrings.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 10)  # local header's size
    struct.pack_into("<I", data, central_entry(bytes(data), info.filename) + 24, 10)
    error = refusal(bytes(data))
    assert error.rule == UNREADABLE
    assert "more data than the file declares" in str(error)


def test_a_workbook_holding_a_part_twice_is_unreadable(tmp_path: Path) -> None:
    # the copy checked here might not be the copy calamine reads
    original = zipfile.ZipFile(io.BytesIO(workbook(tmp_path, {"data": rows_from("A1", HEADER)})))
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        for info in original.infolist():
            archive.writestr(info.filename, original.read(info))
        archive.writestr("xl/worksheets/sheet1.xml", original.read("xl/worksheets/sheet1.xml"))
    error = refusal(out.getvalue())
    assert error.rule == UNREADABLE
    assert "twice" in str(error)


def test_zip_without_workbook_xml_is_unreadable(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    error = refusal(out.getvalue())
    assert error.rule == UNREADABLE
    assert "not an Excel workbook" in str(error)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_workbook_is_unreadable(tmp_path: Path, keep: float) -> None:
    data = workbook(tmp_path, {"data": rows_from("A1", HEADER, ["BE-HAS", "2025-Q3", "x", 1])})
    error = refusal(data[: int(len(data) * keep)])
    assert error.rule == UNREADABLE
    assert "damaged or incomplete" in str(error)


def test_a_sheet_spanning_excels_whole_grid_is_refused_not_allocated(tmp_path: Path) -> None:
    # two cells in a 6 KB file; handed to calamine as is, this aborts the Python process
    def write(sheet: Worksheet) -> None:
        sheet.write("A1", "prison_code")
        sheet.write("XFD1048576", "stray")

    error = refusal(workbook(tmp_path, {"data": write}))
    assert error.rule == TOO_LARGE
    assert "XFD1048576" in str(error)


def test_rows_stored_out_of_order_are_unreadable(tmp_path: Path) -> None:
    # calamine would size the sheet by its last row and silently drop row 5
    data = with_sheet_xml(
        tmp_path,
        '<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>',
    )
    error = refusal(data)
    assert error.rule == UNREADABLE
    assert "out of order" in str(error)
