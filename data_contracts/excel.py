"""Read the data sheet of a submitted Excel workbook (.xlsx) as text cells.

Prisons type their quarterly figures into Excel, and the contract checks that
follow want from every file type the same thing: the header cells, every data
cell as text, and the row number the director sees in Excel, so that a message
about "row 14" points at row 14 of the sheet. This module turns the bytes of an
uploaded .xlsx into exactly that (a `SheetTable`), or refuses them with a
`WorkbookError` that names the contract rule and says in one sentence what to do.

calamine (through fastexcel) reads the cells; it is fast but trusts its input,
and an upload is not to be trusted. So before calamine sees the bytes
(xlsx_package.py holds the first two checks, xlsx_extent.py the third):

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
import zipfile
from dataclasses import dataclass

import fastexcel
import polars as pl

from data_contracts.figures import figure, said
from data_contracts.xlsx_extent import MAX_SHEET_CELLS, refuse_unusable_extent, sheet_extent
from data_contracts.xlsx_package import (
    TOO_LARGE,
    UNREADABLE,
    WorkbookError,
    chosen_sheet,
    damaged,
    drain,
    members_by_lower_name,
    refuse_declared_bomb,
    refuse_non_zip,
    unpacked_chunks,
    workbook_sheets,
)

__all__ = [
    "MAX_SHEET_CELLS",
    "MAX_SHEET_COLUMNS",
    "TOO_LARGE",
    "UNREADABLE",
    "SheetTable",
    "WorkbookError",
    "read_xlsx",
]

# Excel's own limit (column XFD); the caller passes the contract's, far lower
MAX_SHEET_COLUMNS = 16_384

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


def read_xlsx(
    data: bytes,
    *,
    preferred_sheet: str = "data",
    max_unpacked_bytes: int = 256 * 2**20,
    max_columns: int = MAX_SHEET_COLUMNS,
) -> SheetTable:
    """Read the sheet named `preferred_sheet` (else the first sheet) of an .xlsx file.

    A sheet whose cells span more than `max_columns` columns is refused before its
    cells are read.
    """
    refuse_non_zip(data)
    try:
        return _read_workbook(data, preferred_sheet, max_unpacked_bytes, max_columns)
    except (WorkbookError, MemoryError):
        raise
    except Exception as exc:  # any library failure on these bytes means one thing: unreadable
        raise damaged(_short_reason(exc)) from exc
    except BaseException as exc:
        # a Rust panic inside fastexcel surfaces as pyo3's PanicException, a BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise damaged(said("excel_reader_stopped")) from exc


def _read_workbook(
    data: bytes, preferred_sheet: str, max_unpacked_bytes: int, max_columns: int
) -> SheetTable:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    refuse_declared_bomb(infos, max_unpacked_bytes)
    members = members_by_lower_name(infos)
    if "xl/workbook.xml" not in members:
        raise WorkbookError(
            UNREADABLE,
            said("zip_not_workbook"),
        )
    sheet_name, part = chosen_sheet(workbook_sheets(data, members), preferred_sheet)
    sheet_info = members.get(part.lower())
    if sheet_info is None:
        raise damaged(said("sheet_missing", sheet=sheet_name))
    for info in infos:
        if info is not sheet_info:
            drain(unpacked_chunks(data, info))  # proves no member unpacks past its declared size
    extent = sheet_extent(lambda: unpacked_chunks(data, sheet_info))
    refuse_unusable_extent(extent, sheet_name)
    columns = extent.last_col - extent.first_col + 1
    if columns > max_columns:
        raise WorkbookError(
            TOO_LARGE,
            said(
                "sheet_too_many_columns",
                sheet=sheet_name,
                columns=figure(columns),
                most=figure(max_columns),
            ),
        )
    return _sheet_table(sheet_name, _cell_grid(data, sheet_name))


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


def _short_reason(exc: BaseException) -> str:
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    detail = first_line if len(first_line) <= 100 else first_line[:97] + "..."
    return said("excel_reason_detail", detail=detail)
