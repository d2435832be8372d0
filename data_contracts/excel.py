"""Read the data sheet of a submitted Excel workbook (.xlsx) as text cells.

Prisons type their quarterly figures into Excel, and the contract checks that
follow want from every file type the same thing: the header cells, every data
cell as text, and the row number the director sees in Excel, so that a message
about "row 14" points at row 14 of the sheet. This module turns the bytes of an
uploaded .xlsx into exactly that (a `SheetTable`), or refuses them with a
`WorkbookError` that names the contract rule and says in one sentence what to do.

calamine (through fastexcel) reads the cells; it is fast but trusts its input,
and an upload is not to be trusted. So before calamine sees the bytes:

* the sizes the ZIP declares are refused above a budget before anything is
  unpacked, because a few hundred KB can declare gigabytes;
* every member is then unpacked once, streamed and counted, because calamine's
  zip reader ignores the declared sizes and would follow a member that lies;
* the chosen sheet's cell references are scanned, because calamine holds a sheet
  as one dense grid from its first to its last used cell: a 5 KB file with
  values in A1 and XFD1048576 asks for 512 GiB and aborts the whole process.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.etree import ElementTree as ET
from xml.parsers import expat

import fastexcel
import polars as pl

UNREADABLE = "file.unreadable"
TOO_LARGE = "file.too_large"

_MIB = 2**20
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2: .xls, and Office's encrypted wrapper
_MAX_RATIO = 200
_RATIO_MIN_BYTES = 10 * _MIB  # small parts (XML styles, themes) compress far better than 200:1

# calamine's dense grid costs about 32 bytes a cell: 5 million cells (~160 MB) still fit
# 100,000 rows x 50 columns, or a stray value on Excel's last row above a 4-column table.
MAX_SHEET_CELLS = 5_000_000

_PACKED_CHUNK = 256 * 1024
_UNPACKED_CHUNK = 8 * _MIB

_ANY_PREFIX = r"(?:[A-Za-z_][\w.\-]*:)?"  # some writers spell elements <x:c>, <x:row>
_ANY_CELL_TAG = "<" + _ANY_PREFIX + r"c[\s/>]"
_CELL_TAG_WITH_REF = (
    "<" + _ANY_PREFIX + r"""c\s+(?:[^>]*?\s)?r\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']"""
)
_REF_PARTS = r"""["']([A-Za-z]+)([0-9]+)["']$"""
_CELL_REF = re.compile(r"([A-Za-z]+)([0-9]+)")

# calamine's names for the error values a formula can leave in a cell, as Excel shows them
_ERROR_TEXT = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_ERROR_KIND = re.compile(r"Error\((\w+)\)")

_RESAVE = "open it in Excel, save it again as an Excel Workbook (.xlsx) and submit that file"


class WorkbookError(Exception):
    """Raised for a workbook that cannot be read. `rule` is the contract rule id
    ("file.unreadable" or "file.too_large"); str(exc) is ONE plain sentence for a
    prison director that says what is wrong and what to do."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class SheetTable:
    """The header and data rows of one sheet, every cell as text.

    `header` is the first non-blank row, untrimmed, with None for a cell that is
    empty or only spaces, up to its last non-blank cell. `frame` has columns
    c0..c{n-1} (pl.String, positional: c{j} is the j-th column from the sheet's
    leftmost used column) and `row` (pl.Int64, Excel's row number), data rows
    only. Columns c0..c{len(header)-1} sit under the header; columns after those
    are kept up to the last one holding a value, and `extra_columns` counts the
    ones among them that hold any value. Blank rows are dropped. A sheet with
    nothing in it gives header [], header_row 0 and a frame with only `row`.
    """

    sheet_name: str
    header: list[str | None]
    header_row: int
    frame: pl.DataFrame
    extra_columns: int


@dataclass(frozen=True)
class _Extent:
    """Where a sheet's cell elements lie, as calamine will place them (0-based)."""

    last_row: int  # row of the last cell element, -1 if there is none
    first_col: int
    last_col: int
    rows_in_order: bool

    @property
    def grid_cells(self) -> int:
        # calamine's grid starts at row 0 when asked for skip_rows=0 (see _cell_grid)
        if self.last_row < 0:
            return 0
        return (self.last_row + 1) * (self.last_col - self.first_col + 1)


def read_xlsx(
    data: bytes, *, preferred_sheet: str = "data", max_unpacked_bytes: int = 256 * 2**20
) -> SheetTable:
    """Read the sheet named `preferred_sheet` (else the first sheet) of an .xlsx file."""
    _refuse_non_zip(data)
    try:
        return _read_workbook(data, preferred_sheet, max_unpacked_bytes)
    except (WorkbookError, MemoryError):
        raise
    except Exception as exc:  # any library failure on these bytes means one thing: unreadable
        raise _damaged(_short_reason(exc)) from exc
    except BaseException as exc:
        # a Rust panic inside fastexcel surfaces as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise _damaged("the reader stopped on malformed content") from exc


def _read_workbook(data: bytes, preferred_sheet: str, max_unpacked_bytes: int) -> SheetTable:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    _refuse_declared_bomb(infos, max_unpacked_bytes)
    members = _members_by_lower_name(infos)
    if "xl/workbook.xml" not in members:
        raise WorkbookError(
            UNREADABLE,
            "The file is a ZIP archive but not an Excel workbook; open the data in Excel, save "
            "it as an Excel Workbook (.xlsx) and submit that file.",
        )
    sheet_name, part = _chosen_sheet(_workbook_sheets(data, members), preferred_sheet)
    sheet_info = members.get(part.lower())
    if sheet_info is None:
        raise _damaged(f'the contents of sheet "{sheet_name}" are missing')
    for info in infos:
        if info is not sheet_info:
            _drain(_unpacked_chunks(data, info))  # proves no member unpacks past its declared size
    extent = _sheet_extent(lambda: _unpacked_chunks(data, sheet_info))
    _refuse_unusable_extent(extent, sheet_name)
    return _sheet_table(sheet_name, _cell_grid(data, sheet_name))


# --- the bytes, before anything is unpacked -------------------------------------------------


def _refuse_non_zip(data: bytes) -> None:
    if data.startswith(_CFB_MAGIC):
        raise WorkbookError(
            UNREADABLE,
            "The file is either an old Excel 97-2003 workbook (.xls) or a password-protected "
            "(encrypted) workbook, and neither can be read; open it in Excel, remove any "
            "password and save it as an Excel Workbook (.xlsx), then submit that file.",
        )
    if not data.startswith(_ZIP_MAGIC):
        raise WorkbookError(UNREADABLE, f"The file is not an Excel workbook (.xlsx); {_RESAVE}.")


def _refuse_declared_bomb(infos: list[zipfile.ZipInfo], max_unpacked_bytes: int) -> None:
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked_bytes:
        raise WorkbookError(
            TOO_LARGE,
            f"The workbook would unpack to {declared / _MIB:,.0f} MiB, more than the "
            f"{max_unpacked_bytes // _MIB:,} MiB that can be checked; remove unneeded sheets, "
            "pictures or formatting, or split the data over several files, and submit again.",
        )
    for info in infos:
        if info.file_size > _RATIO_MIN_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise WorkbookError(
                TOO_LARGE,
                f"Part of the workbook would unpack to {info.file_size / _MIB:,.0f} MiB "
                "from only "
                f"{info.compress_size / _MIB:.1f} MiB, far more than a spreadsheet compresses, "
                f"so it was not opened; {_RESAVE}.",
            )


def _members_by_lower_name(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    # calamine finds parts case-insensitively; with two parts of one name the part checked
    # here might not be the part calamine reads, and Excel never writes such a file
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if members.setdefault(info.filename.lower(), info) is not info:
            raise _damaged(f'it holds the part "{info.filename[:60]}" twice')
    return members


# --- unpacking, streamed and capped --------------------------------------------------------


def _unpacked_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as calamine will read them, refused past its declared size.

    Inflates the raw stream itself rather than trusting zipfile, which stops at
    the declared size and so cannot see a member that holds more than it claims.
    """
    if info.flag_bits & 0x1:
        raise WorkbookError(
            UNREADABLE,
            "The workbook is password-protected (encrypted) and cannot be read; open it in "
            "Excel, remove the password, save it as an Excel Workbook (.xlsx) and submit "
            "that file.",
        )
    start = _member_data_start(data, info)
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) < info.compress_size:
        raise _damaged("a part of the workbook is cut off")
    produced = 0
    for chunk in _inflated(packed, info.compress_type):
        produced += len(chunk)
        if produced > info.file_size:
            raise _damaged("a part of the workbook holds more data than the file declares")
        yield chunk


def _member_data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_ZIP_MAGIC):
        raise _damaged("a part of the workbook cannot be found")
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    return info.header_offset + 30 + name_length + extra_length


def _inflated(packed: memoryview, method: int) -> Iterator[bytes]:
    if method == zipfile.ZIP_STORED:
        for at in range(0, len(packed), _UNPACKED_CHUNK):
            yield bytes(packed[at : at + _UNPACKED_CHUNK])
        return
    if method != zipfile.ZIP_DEFLATED:
        raise _damaged("a part of the workbook is compressed in a way Excel never uses")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for at in range(0, len(packed), _PACKED_CHUNK):
        pending: bytes | memoryview = packed[at : at + _PACKED_CHUNK]
        while pending and not inflater.eof:
            # max_length keeps one step's output bounded whatever the compression ratio
            yield inflater.decompress(pending, _UNPACKED_CHUNK)
            pending = inflater.unconsumed_tail
        if inflater.eof:
            return
    if not inflater.eof:
        raise _damaged("a part of the workbook is cut off")


def _drain(chunks: Iterable[bytes]) -> None:
    for _chunk in chunks:
        pass


# --- workbook.xml: which sheets exist and where they are -----------------------------------


def _workbook_sheets(data: bytes, members: dict[str, zipfile.ZipInfo]) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, paths resolved the way calamine does."""
    rels = members.get("xl/_rels/workbook.xml.rels")
    targets = {}
    if rels is not None:
        for rel in _xml_elements(_unpacked_chunks(data, rels), "Relationship"):
            targets[rel.get("Id", "")] = rel.get("Target", "")
    sheets = []
    workbook = members["xl/workbook.xml"]
    for sheet in _xml_elements(_unpacked_chunks(data, workbook), "sheet", last="sheets"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        sheets.append((sheet.get("name", ""), _part_path(targets.get(rel_id, ""))))
    if not sheets:
        raise _damaged("the workbook has no sheets")
    return sheets


def _part_path(target: str) -> str:
    if target.startswith("/xl/"):
        return target[1:]
    if target.startswith("xl/"):
        return target
    return "xl/" + target


def _xml_elements(
    chunks: Iterable[bytes], wanted: str, *, last: str | None = None
) -> Iterator[ET.Element]:
    """Completed elements named `wanted` (any namespace), stopping after `last` closes."""
    parser = ET.XMLPullParser(events=("end",))
    for chunk in chunks:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            name = element.tag.rpartition("}")[2]
            if name == wanted:
                yield element
            elif name == last:
                return
    parser.close()


def _chosen_sheet(sheets: list[tuple[str, str]], preferred: str) -> tuple[str, str]:
    wanted = preferred.strip().casefold()
    return next((s for s in sheets if s[0].strip().casefold() == wanted), sheets[0])


# --- the sheet's extent, before calamine allocates its grid --------------------------------


def _sheet_extent(chunks: Callable[[], Iterator[bytes]]) -> _Extent:
    # The regex scan runs in polars (Rust) and handles cells that carry r="B7", which is
    # what Excel, LibreOffice and xlsxwriter write; cells placed by counting fall back
    # to an exact, slower XML walk.
    return _extent_from_refs(_tag_aligned(chunks())) or _extent_by_counting(chunks())


def _tag_aligned(chunks: Iterable[bytes]) -> Iterator[str]:
    """Text pieces cut outside tags, so a tag split across chunks is scanned whole."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        open_at = buffer.rfind(b"<")
        cut = open_at if open_at > buffer.rfind(b">") else len(buffer)
        carry = buffer[cut:]
        yield buffer[:cut].decode("utf-8", "replace")
    if carry:
        yield carry.decode("utf-8", "replace")


def _extent_from_refs(pieces: Iterable[str]) -> _Extent | None:
    """The extent from every cell's r attribute; None if some cell has none."""
    last_row, first_col, last_col, in_order = -1, 1 << 30, -1, True
    for piece in pieces:
        text = pl.Series([piece])
        refs = text.str.extract_all(_CELL_TAG_WITH_REF).explode().drop_nulls()
        if len(refs) != text.str.count_matches(_ANY_CELL_TAG).item():
            return None
        if len(refs) == 0:
            continue
        parts = refs.str.extract_groups(_REF_PARTS).struct.unnest()
        rows = parts.get_column("2").cast(pl.Int64) - 1
        in_order = in_order and rows[0] >= last_row and not (rows.diff() < 0).any()
        last_row = rows[-1]
        columns = [_column_index(letters) for letters in parts.get_column("1").unique()]
        first_col, last_col = min(first_col, *columns), max(last_col, *columns)
    return _Extent(last_row, first_col if last_col >= 0 else 0, last_col, in_order)


def _extent_by_counting(chunks: Iterable[bytes]) -> _Extent:
    # expat callbacks rather than ElementTree: no tree is built, so 100,000 rows take
    # about a second instead of four
    counter = _CellCounter()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return counter.extent()


class _CellCounter:
    """Places cells by calamine's own rule: a cell without r follows the previous one."""

    def __init__(self) -> None:
        self.row, self.col = 0, 0
        self.last_row, self.first_col, self.last_col = -1, 1 << 30, -1
        self.in_order = True

    def start(self, name: str, attrs: dict[str, str]) -> None:
        element = name.rpartition("}")[2]
        if element == "row" and attrs.get("r"):
            self.row = int(attrs["r"]) - 1
        elif element == "c":
            ref = attrs.get("r")
            row, col = _cell_position(ref) if ref else (self.row, self.col)
            self.in_order = self.in_order and row >= self.last_row
            self.last_row = row
            self.first_col, self.last_col = min(self.first_col, col), max(self.last_col, col)
            self.col = col + 1

    def end(self, name: str) -> None:
        if name.rpartition("}")[2] == "row":
            self.row, self.col = self.row + 1, 0

    def extent(self) -> _Extent:
        first_col = self.first_col if self.last_col >= 0 else 0
        return _Extent(self.last_row, first_col, self.last_col, self.in_order)


def _cell_position(ref: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise _damaged(f'a cell has the unusable address "{ref[:20]}"')
    return int(match.group(2)) - 1, _column_index(match.group(1))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse_unusable_extent(extent: _Extent, sheet_name: str) -> None:
    if not extent.rows_in_order:
        # calamine sizes the sheet by its last cell and silently drops cells past it
        raise _damaged(f'sheet "{sheet_name}" stores its rows out of order')
    if extent.grid_cells > MAX_SHEET_CELLS:
        last_cell = f"{_column_letters(extent.last_col)}{extent.last_row + 1}"
        raise WorkbookError(
            TOO_LARGE,
            f'Sheet "{sheet_name}" has content as far as cell {last_cell}, an area too large '
            "to read; delete anything stray far below or to the right of the table and "
            "submit the file again.",
        )


# --- cells, through fastexcel ---------------------------------------------------------------


def _cell_grid(data: bytes, sheet_name: str) -> pl.DataFrame:
    """Every cell of the sheet as text; frame row i is the sheet's row i + 1."""
    reader = fastexcel.read_excel(data)
    # With header_row=None an explicit skip_rows=0 makes calamine start the grid at the
    # sheet's row 1 (HeaderRow::Row(0)) instead of at the first used row, which would
    # otherwise lose the offset of a header typed lower down.
    sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
    batch, errors = sheet.to_arrow_with_errors()
    grid = pl.DataFrame(pl.from_arrow(batch))
    grid = grid.rename({name: f"c{i}" for i, name in enumerate(grid.columns)})
    if errors is not None and errors.errors:
        grid = _with_error_values(grid, errors.errors)
    return grid


def _with_error_values(grid: pl.DataFrame, errors: list[fastexcel.CellError]) -> pl.DataFrame:
    """Cells holding a formula error (#DIV/0!, #N/A…) as Excel shows them.

    fastexcel turns them into empty cells, which would read as "not reported".
    """
    fixes: dict[int, tuple[list[int], list[str]]] = {}
    for error in errors:
        row, col = error.offset_position
        kind = _ERROR_KIND.search(error.detail)
        indices, texts = fixes.setdefault(col, ([], []))
        indices.append(row)
        texts.append(_ERROR_TEXT.get(kind.group(1), "#ERROR!") if kind else "#ERROR!")
    columns = []
    for col, (indices, texts) in fixes.items():
        column = grid.get_column(f"c{col}").clone()
        column.scatter(indices, texts)
        columns.append(column)
    return grid.with_columns(columns)


# --- the table ------------------------------------------------------------------------------


def _sheet_table(sheet_name: str, grid: pl.DataFrame) -> SheetTable:
    cells = grid.columns
    if not cells:
        return _empty_table(sheet_name)
    numbered = grid.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("row"))
    filled = numbered.filter(~pl.all_horizontal([_is_blank(c) for c in cells]))
    if filled.height == 0:
        return _empty_table(sheet_name)
    header = [None if _blank_text(cell) else cell for cell in filled.select(cells).row(0)]
    width = max(i for i, cell in enumerate(header) if cell is not None) + 1
    data = filled.slice(1)
    beyond = cells[width:]
    extra = []
    if beyond and data.height:
        holds_value = data.select([_holds_value(c) for c in beyond]).row(0)
        extra = [j for j, held in enumerate(holds_value, start=width) if held]
    kept = max([width, *(j + 1 for j in extra)])
    return SheetTable(
        sheet_name=sheet_name,
        header=header[:width],
        header_row=int(filled.get_column("row")[0]),
        frame=data.select([*cells[:kept], "row"]),
        extra_columns=len(extra),
    )


def _empty_table(sheet_name: str) -> SheetTable:
    return SheetTable(sheet_name, [], 0, pl.DataFrame(schema={"row": pl.Int64}), 0)


def _is_blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def _holds_value(column: str) -> pl.Expr:
    return (pl.col(column).str.strip_chars() != "").any()


def _blank_text(cell: str | None) -> bool:
    return cell is None or not cell.strip()


# --- messages -------------------------------------------------------------------------------


def _damaged(reason: str) -> WorkbookError:
    return WorkbookError(
        UNREADABLE,
        f"The Excel file is damaged or incomplete, so it cannot be read ({reason}); "
        "save it again from Excel as an Excel Workbook (.xlsx) and submit it again.",
    )


def _short_reason(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    detail = first_line if len(first_line) <= 100 else first_line[:97] + "..."
    return f"detail: {detail}"
