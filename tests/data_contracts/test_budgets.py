"""Budgets checked before reading: a small file that would cost gigabytes is refused at once.

A Parquet file whose dictionary holds one long string that every row points at is
2 KB on disk and 100 GB decoded; a header of 200,000 columns is 1 MB. Each is
refused as file.too_large, in well under a second, with the limit in the sentence.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from datetime import date

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from submission_files import csv_text, good_rows

from data_contracts.contract import load_contract
from data_contracts.parquet import MAX_ROW_GROUPS
from data_contracts.reader import max_columns
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)
CONTRACT = load_contract()
HEADER = CONTRACT.column_names
ROWS = CONTRACT.file["max_rows"]
DECODED = CONTRACT.file["parquet_max_decoded_bytes"]
# "well under a second" for the refusal itself (the validate command adds its imports)
REFUSAL_SECONDS = 1.0
# a refused file is never decoded: Python-side allocations stay far below the budget
PEAK_BYTES = 64 * 2**20


def parquet(table: pa.Table, **options) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    return buffer.getvalue()


def dictionary_bomb(rows: int = ROWS, value_bytes: int = 2**20) -> bytes:
    """Every row's prison_code is one 1 MiB string: ~2 KB packed, rows x 1 MiB decoded."""
    codes = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int32()), pa.array(["x" * value_bytes])
    )
    table = pa.table(
        {
            "prison_code": codes,
            "period": pa.array(["2025-Q3"] * rows),
            "data_element": pa.array(["receptions"] * rows),
            "value": pa.array(["1"] * rows),
        }
    )
    return parquet(table, compression="zstd")


def refused(write, register, name: str, content: bytes, *, memory: bool = False):
    """The one error of `content`, and the seconds it took (measured without tracemalloc)."""
    path = write(name, content)
    started = time.perf_counter()
    report = validate_file(path, register, today=TODAY)
    seconds = time.perf_counter() - started
    if memory:
        tracemalloc.start()
        validate_file(path, register, today=TODAY)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MiB allocated: the file was decoded"
    [error] = report.errors
    return error, seconds


def test_a_small_parquet_file_that_decodes_to_gigabytes_is_refused(write, register) -> None:
    bomb = dictionary_bomb()
    assert len(bomb) < 15_000
    error, seconds = refused(write, register, "bomb.parquet", bomb, memory=True)
    assert error.rule == "file.too_large", error
    assert f"{DECODED // 2**20:,} MiB" in error.message
    assert seconds < REFUSAL_SECONDS


def test_a_parquet_file_within_the_decoded_budget_is_read(write, register) -> None:
    rows = good_rows()
    rows[0][4] = "n" * 900  # a long note repeated through a dictionary is still a real note
    frame = pl.DataFrame(rows, schema=HEADER, orient="row")
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    report = validate_file(write("ok.parquet", buffer.getvalue()), register, today=TODAY)
    assert report.accepted, report.to_text()


def test_declared_unpacked_size_over_the_budget_is_refused(write, register) -> None:
    # distinct values, so no dictionary: the pages themselves unpack past the budget
    values = [f"{i}" + "y" * (DECODED // 8) for i in range(9)]
    bomb = parquet(pa.table({"note": pa.array(values)}), compression="zstd", use_dictionary=False)
    assert len(bomb) < 15_000
    error, seconds = refused(write, register, "pages.parquet", bomb, memory=True)
    assert error.rule == "file.too_large" and "unpack" in error.message, error
    assert seconds < REFUSAL_SECONDS


def test_prefix_encoded_text_is_refused_unread(write, register) -> None:
    table = pa.table({name: pa.array(["z" * 2**20] * 200) for name in HEADER})
    bomb = parquet(
        table,
        compression="zstd",
        use_dictionary=False,
        column_encoding=dict.fromkeys(HEADER, "DELTA_BYTE_ARRAY"),
    )
    error, _ = refused(write, register, "delta.parquet", bomb)
    assert error.rule == "file.unreadable" and "delta" in error.message, error


def test_more_rows_in_the_row_groups_than_the_budget_is_refused(write, register) -> None:
    table = pa.table({"prison_code": pa.array(["BE-HAS"] * (ROWS + 1))})
    error, _ = refused(write, register, "rows.parquet", parquet(table))
    assert error.rule == "file.too_large" and f"{ROWS:,}" in error.message, error


def test_too_many_row_groups_is_refused(write, register) -> None:
    table = pa.table({"prison_code": pa.array(["BE-HAS"] * (MAX_ROW_GROUPS + 1))})
    error, _ = refused(write, register, "groups.parquet", parquet(table, row_group_size=1))
    assert error.rule == "file.too_large" and f"{MAX_ROW_GROUPS:,}" in error.message, error


def test_nested_columns_are_refused_before_reading(write, register) -> None:
    table = pa.table({"prison_code": pa.array([[1] * 10] * 10)})
    error, _ = refused(write, register, "nested.parquet", parquet(table))
    assert error.rule == "file.unreadable" and "nested" in error.message, error


WIDE = 200_000


def wide_csv() -> bytes:
    header = ",".join([*HEADER, *(f"x{i}" for i in range(WIDE - len(HEADER)))])
    return (header + "\n" + csv_text(good_rows()).split("\n", 1)[1]).encode()


def wide_parquet() -> bytes:
    names = [*HEADER, *(f"x{i}" for i in range(WIDE - len(HEADER)))]
    return parquet(
        pa.table({n: pa.array([None], pa.string()) for n in names[: max_columns(CONTRACT) + 1]})
    )


def wide_xlsx() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("data")
    sheet.write_row(0, 0, HEADER)
    sheet.write(0, 16_383, "stray")  # Excel's last column, XFD
    for r, row in enumerate(good_rows(), start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "columns"),
    [
        ("wide.csv", wide_csv, WIDE),
        ("wide.parquet", wide_parquet, max_columns(CONTRACT) + 1),
        ("wide.xlsx", wide_xlsx, 16_384),
    ],
)
def test_a_header_of_too_many_columns_is_refused_at_once(write, register, name, make, columns):
    error, seconds = refused(write, register, name, make())
    assert error.rule == "file.too_large", error
    assert f"{columns:,} columns" in error.message
    assert f"at most {max_columns(CONTRACT):,}" in error.message
    assert seconds < REFUSAL_SECONDS


def test_a_header_at_the_column_limit_is_read(write, register) -> None:
    spare = [f"x{i}" for i in range(max_columns(CONTRACT) - len(HEADER))]
    lines = csv_text(good_rows()).split("\n")
    lines[0] = ",".join([*HEADER, *spare])
    report = validate_file(write("edge.csv", "\n".join(lines)), register, today=TODAY)
    assert "file.too_large" not in report.rules
    assert report.accepted, report.to_text()
