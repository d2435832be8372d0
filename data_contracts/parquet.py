"""Read a submitted Parquet file as text cells, refusing what would cost too much first.

Parquet stores a column as encoded pages: a dictionary of distinct values and,
per row, an index into it, or values sharing their prefix with the previous one.
A 2 KB file whose dictionary holds one 1 MiB string that 100,000 rows point at
decodes to 100 GB, and pyarrow would allocate all of it. So, before any value is
decoded:

* the footer's counts are checked: columns, row groups, rows (per row group, not
  only the total, which a writer may state falsely), and the pages' declared
  uncompressed sizes;
* every page header inside the column chunks is read (`parquet_pages.py`), since
  pyarrow allocates what a page header says, not what the footer says: pages that
  claim more than their chunk's footer entry, more than the budget, or more bytes
  than their chunk holds are refused;
* every column must be flat and of a plain type (text, numbers, dates), read from
  the schema;
* text columns are read as dictionaries (their encoded size), and the text they
  would decode to is summed from the dictionary's value lengths and the rows'
  indices, and refused above the budget; only then is anything decoded.

Prefix (DELTA_BYTE_ARRAY) encoded text cannot be read as a dictionary, so its
decoded size cannot be bounded in advance; such a file is refused with a sentence
saying how to write it instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import polars as pl

from data_contracts.figures import figure, said
from data_contracts.parquet_pages import PagesDamaged, PagesOversized, walk_pages

UNREADABLE = "file.unreadable"
TOO_LARGE = "file.too_large"
PARQUET_MAGIC = b"PAR1"
_MIB = 2**20
# More row groups than this is no real export of at most 100,000 rows (writers put up to
# a million rows in one), and each costs a round of reading.
MAX_ROW_GROUPS = 1_000
# Text encoded by shared prefixes: decodes to far more than it stores, unboundedly.
UNBOUNDED_ENCODINGS = frozenset({"DELTA_BYTE_ARRAY"})


class ParquetRefused(Exception):
    """The file cannot be checked; `rule` is the contract rule, str(exc) one sentence."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class ParquetBudget:
    """What a Parquet file may cost; each limit told in the sentence that refuses it."""

    max_rows: int
    max_columns: int
    max_decoded_bytes: int


def read_parquet(data: bytes, budget: ParquetBudget) -> tuple[list[str | None], pl.DataFrame]:
    """The header and every cell as text (columns c0..c{n-1}, pl.String) plus `row`."""
    import pyarrow.parquet as pq

    if not (data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC)):
        raise ParquetRefused(
            UNREADABLE,
            said("parquet_signature"),
        )
    try:
        footer = pq.ParquetFile(io.BytesIO(data))
        schema = footer.schema_arrow
        metadata = footer.metadata
    except Exception as exc:  # pyarrow raises many types for corrupt input
        raise _damaged(exc) from None
    _refuse_over_budget(metadata, len(schema.names), budget)
    try:
        walk_pages(data, metadata, budget.max_decoded_bytes)
    except PagesDamaged as exc:
        raise ParquetRefused(UNREADABLE, str(exc)) from None
    except PagesOversized as exc:
        raise ParquetRefused(TOO_LARGE, str(exc)) from None
    text_columns = _refuse_unusable_schema(schema)
    _refuse_unbounded_encodings(metadata, schema.names, text_columns)
    try:
        table = pq.ParquetFile(io.BytesIO(data), read_dictionary=text_columns).read(
            use_threads=False
        )
        decoded = _decoded_bytes(table)
        if decoded > budget.max_decoded_bytes:
            raise ParquetRefused(
                TOO_LARGE,
                said(
                    "parquet_text_too_large",
                    size=figure(decoded / _MIB),
                    most=figure(budget.max_decoded_bytes // _MIB),
                ),
            )
        frame = pl.from_arrow(_decoded(table))
    except ParquetRefused:
        raise
    except Exception as exc:
        raise _damaged(exc) from None
    assert isinstance(frame, pl.DataFrame)
    return _as_text(frame)


def _refuse_over_budget(metadata: Any, columns: int, budget: ParquetBudget) -> None:
    if max(columns, metadata.num_columns) > budget.max_columns:
        raise ParquetRefused(
            TOO_LARGE,
            said(
                "parquet_columns",
                columns=figure(max(columns, metadata.num_columns)),
                most=figure(budget.max_columns),
            ),
        )
    groups = metadata.num_row_groups
    if groups > MAX_ROW_GROUPS:
        raise ParquetRefused(
            TOO_LARGE,
            said("parquet_row_groups", groups=figure(groups), most=figure(MAX_ROW_GROUPS)),
        )
    rows = max(metadata.num_rows, sum(metadata.row_group(g).num_rows for g in range(groups)))
    if rows > budget.max_rows:
        raise ParquetRefused(
            TOO_LARGE,
            said(
                "too_many_rows",
                rows=figure(rows),
                most=figure(budget.max_rows),
                advice=said("split_advice"),
            ),
        )
    declared = sum(
        max(group.column(c).total_uncompressed_size, 0)
        for group in (metadata.row_group(g) for g in range(groups))
        for c in range(group.num_columns)
    )
    if declared > budget.max_decoded_bytes:
        raise ParquetRefused(
            TOO_LARGE,
            said(
                "parquet_unpack",
                size=figure(declared / _MIB),
                most=figure(budget.max_decoded_bytes // _MIB),
            ),
        )


def _refuse_unusable_schema(schema: Any) -> list[str]:
    """The names of the text columns; refused if any column is nested or binary."""
    import pyarrow as pa

    text = []
    for column in schema:
        kind = column.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            text.append(column.name)
        elif not (
            pa.types.is_integer(kind)
            or pa.types.is_floating(kind)
            or pa.types.is_decimal(kind)
            or pa.types.is_boolean(kind)
            or pa.types.is_temporal(kind)
            or pa.types.is_null(kind)
        ):
            raise ParquetRefused(
                UNREADABLE,
                said("parquet_nested"),
            )
    return text


def _refuse_unbounded_encodings(metadata: Any, names: list[str], text: list[str]) -> None:
    wanted = {names.index(name) for name in text if name in names}
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            if c in wanted and UNBOUNDED_ENCODINGS & set(group.column(c).encodings):
                raise ParquetRefused(
                    UNREADABLE,
                    said("parquet_prefix_encoding"),
                )


def _decoded_bytes(table: Any) -> int:
    """Bytes the table's dictionary columns decode to, without decoding them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.binary_length(chunk.dictionary)
                total += pc.sum(pc.take(lengths, chunk.indices)).as_py() or 0
            else:
                total += chunk.nbytes
    return total


def _decoded(table: Any) -> Any:
    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = pa.chunked_array(
                [chunk.dictionary_decode() for chunk in column.chunks],
                type=column.type.value_type,
            )
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def _as_text(frame: pl.DataFrame) -> tuple[list[str | None], pl.DataFrame]:
    header: list[str | None] = list(frame.columns)
    try:
        text = frame.select(
            pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(frame.columns)
        )
    except Exception:
        raise ParquetRefused(
            UNREADABLE,
            said("parquet_nested"),
        ) from None
    text = text.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    cells = [pl.col(f"c{i}") for i in range(len(header))]
    if cells:
        blank = pl.all_horizontal(c.is_null() | (c.str.strip_chars() == "") for c in cells)
        text = text.filter(~blank)
    return header, text.select(*[f"c{i}" for i in range(len(header))], "row")


def _damaged(exc: BaseException) -> ParquetRefused:
    return ParquetRefused(
        UNREADABLE,
        said("parquet_damaged", reason=type(exc).__name__),
    )
