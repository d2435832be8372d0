"""Where a sheet's cells lie, found before calamine allocates its grid.

calamine holds a sheet as one dense grid from its first to its last used cell: a
5 KB file with values in A1 and XFD1048576 asks for 512 GiB and aborts the whole
process. So the chosen sheet's cell references are scanned first (in Polars, or
by an exact XML walk where cells carry no address) and an extent too large to
read is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

import polars as pl

from data_contracts.figures import said
from data_contracts.xlsx_package import TOO_LARGE, WorkbookError, damaged

# calamine's dense grid costs about 32 bytes a cell: 5 million cells (~160 MB) still fit
# 100,000 rows x 50 columns, or a stray value on Excel's last row above a 4-column table.
MAX_SHEET_CELLS = 5_000_000

_ANY_PREFIX = r"(?:[A-Za-z_][\w.\-]*:)?"  # some writers spell elements <x:c>, <x:row>
_ANY_CELL_TAG = "<" + _ANY_PREFIX + r"c[\s/>]"
_CELL_TAG_WITH_REF = (
    "<" + _ANY_PREFIX + r"""c\s+(?:[^>]*?\s)?r\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']"""
)
_REF_PARTS = r"""["']([A-Za-z]+)([0-9]+)["']$"""
_CELL_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_ROW_NUMBER = re.compile(r"[0-9]{1,7}")


@dataclass(frozen=True)
class Extent:
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


# --- the sheet's extent, before calamine allocates its grid --------------------------------


def sheet_extent(chunks: Callable[[], Iterator[bytes]]) -> Extent:
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


def _extent_from_refs(pieces: Iterable[str]) -> Extent | None:
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
    return Extent(last_row, first_col if last_col >= 0 else 0, last_col, in_order)


def _extent_by_counting(chunks: Iterable[bytes]) -> Extent:
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
            self.row = _row_number(attrs["r"]) - 1
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

    def extent(self) -> Extent:
        first_col = self.first_col if self.last_col >= 0 else 0
        return Extent(self.last_row, first_col, self.last_col, self.in_order)


def _row_number(text: str) -> int:
    # ASCII digits only: int() would also read "١٢", "１２" or "1_2"
    if _ROW_NUMBER.fullmatch(text) is None:
        raise damaged(said("sheet_row_number", number=text[:20]))
    return int(text)


def _cell_position(ref: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise damaged(said("sheet_cell_address", address=ref[:20]))
    return int(match.group(2)) - 1, _column_index(match.group(1))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def refuse_unusable_extent(extent: Extent, sheet_name: str) -> None:
    if not extent.rows_in_order:
        # calamine sizes the sheet by its last cell and silently drops cells past it
        raise damaged(said("sheet_out_of_order", sheet=sheet_name))
    if extent.grid_cells > MAX_SHEET_CELLS:
        last_cell = f"{column_letters(extent.last_col)}{extent.last_row + 1}"
        raise WorkbookError(
            TOO_LARGE,
            said("sheet_too_far", sheet=sheet_name, cell=last_cell),
        )
