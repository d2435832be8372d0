"""Page headers that lie are refused before pyarrow allocates what they claim.

pyarrow sizes its buffers from each page's own header, not from the footer. A
3 KB file whose footer is honest and whose first page header claims 2 GiB made
pyarrow try to allocate 2 GiB (under the 3 GiB cap: MemoryError, then the process
aborted on exit); a 78 KB file whose footer understates its chunks' sizes
unpacked 2.5 GB (30 s, 5.5 GB resident, uncapped). Both are now refused from the
page headers alone, and ordinary files of pyarrow, polars and pandas still read.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lying_parquet import (
    TWO_GIB,
    honest_parquet,
    lie_in_header,
    lying_parquet,
    page_start,
    understated_footer,
)

from data_contracts import parquet_pages
from data_contracts.contract import load_contract
from data_contracts.parquet import ParquetBudget, ParquetRefused, read_parquet
from data_contracts.parquet_pages import read_page_header, walk_pages
from data_contracts.reader import max_columns
from data_contracts.validate import validate_file

CONTRACT = load_contract()
DECODED = CONTRACT.file["parquet_max_decoded_bytes"]
BUDGET = ParquetBudget(
    max_rows=CONTRACT.file["max_rows"],
    max_columns=max_columns(CONTRACT),
    max_decoded_bytes=DECODED,
)
BUDGET_WORDS = f"{DECODED // 2**20:,} MiB"
REFUSAL_SECONDS = 1.0
# a refused file is never decoded: Python-side allocations stay far below the budget
PEAK_BYTES = 64 * 2**20
ADDRESS_SPACE = 3 * 2**30  # as tests/hostile/test_capped_cli.py caps the command
CAPPED_SECONDS = 60
ROOT = Path(__file__).resolve().parents[2]
LIES = [
    pytest.param(compression, page, version, id=f"{compression}-{page}-v{version}")
    for compression in (None, "snappy", "zstd")
    for page in ("data", "dictionary")
    for version in ("1.0", "2.0")
]


def refusal(data: bytes) -> tuple[ParquetRefused, float, int]:
    """The refusal of `data`, its seconds, and the peak bytes Python allocated meanwhile."""
    started = time.perf_counter()
    with pytest.raises(ParquetRefused) as caught:
        read_parquet(data, BUDGET)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    with pytest.raises(ParquetRefused):
        read_parquet(data, BUDGET)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return caught.value, seconds, peak


def test_the_rewritten_header_is_sound_when_it_tells_the_truth() -> None:
    honest = honest_parquet()
    start = page_start(honest)
    real = read_page_header(memoryview(honest), start, len(honest))
    same = lie_in_header(honest, start, uncompressed=real.uncompressed)
    assert len(same) == len(honest) and same != honest  # the crc is gone, the rest reads
    assert pq.read_table(io.BytesIO(same)).equals(pq.read_table(io.BytesIO(honest)))
    _, frame = read_parquet(same, BUDGET)
    assert frame.height == pq.ParquetFile(io.BytesIO(same)).metadata.num_rows


@pytest.mark.parametrize(("compression", "page", "version"), LIES)
def test_a_page_header_claiming_two_gib_is_refused_unread(compression, page, version) -> None:
    bomb = lying_parquet(compression, page=page, data_page_version=version)
    assert len(bomb) < 15_000
    error, seconds, peak = refusal(bomb)
    assert error.rule == "file.too_large", error
    assert BUDGET_WORDS in str(error) and f"{TWO_GIB / 2**20:,.0f} MiB" in str(error)
    assert seconds < REFUSAL_SECONDS
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MiB allocated: the file was decoded"


def test_a_page_claiming_more_than_its_footer_entry_is_refused_within_the_budget() -> None:
    honest = honest_parquet("snappy")
    chunk = pq.ParquetFile(io.BytesIO(honest)).metadata.row_group(0).column(0)
    claim = chunk.total_uncompressed_size + 1
    error, _, _ = refusal(lie_in_header(honest, page_start(honest), uncompressed=claim))
    assert error.rule == "file.too_large", error
    assert f"{chunk.total_uncompressed_size:,} bytes its footer declares" in str(error)


def test_a_page_running_past_its_column_is_refused() -> None:
    honest = honest_parquet("zstd")
    start = page_start(honest)
    real = read_page_header(memoryview(honest), start, len(honest))
    claim = real.compressed + len(honest)
    error, _, _ = refusal(lie_in_header(honest, start, compressed=claim))
    assert error.rule == "file.too_large", error
    assert f"holds {claim:,} bytes" in str(error)


def test_a_dictionary_counting_more_values_than_its_bytes_is_unreadable() -> None:
    honest = honest_parquet("zstd")
    start = page_start(honest, "dictionary")
    real = read_page_header(memoryview(honest), start, len(honest))
    bomb = lie_in_header(honest, start, values=real.uncompressed + 1)
    error, _, _ = refusal(bomb)
    assert error.rule == "file.unreadable" and "dictionary" in str(error), error


def understated() -> bytes:
    """Nine distinct texts of an eighth of the budget each, the footer saying 1,000 bytes."""
    values = [f"{i}" + "y" * (DECODED // 8) for i in range(9)]
    table = pa.table({"note": pa.array(values)})
    return understated_footer(table, 1_000, compression="zstd", use_dictionary=False)


def test_honest_pages_under_an_understated_footer_are_refused_unread() -> None:
    bomb = understated()
    assert len(bomb) < 15_000
    metadata = pq.ParquetFile(io.BytesIO(bomb)).metadata
    assert metadata.row_group(0).column(0).total_uncompressed_size == 1_000
    error, seconds, peak = refusal(bomb)
    assert error.rule == "file.too_large" and BUDGET_WORDS in str(error), error
    assert "pages would unpack" in str(error), "refused only after decoding"
    assert seconds < REFUSAL_SECONDS and peak < PEAK_BYTES


_CAPPED_READ = """
import json, sys, time
import pyarrow
from data_contracts.parquet import ParquetBudget, ParquetRefused, read_parquet
budget = ParquetBudget(*json.loads(sys.argv[2]))
started = time.perf_counter()
try:
    read_parquet(open(sys.argv[1], "rb").read(), budget)
    rule = None
except ParquetRefused as exc:
    rule = exc.rule
seconds = time.perf_counter() - started
peak = pyarrow.default_memory_pool().max_memory()
print(json.dumps({"rule": rule, "seconds": seconds, "peak": peak}))
"""


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


@pytest.mark.parametrize("make", [lying_parquet, understated], ids=["header", "footer"])
def test_lying_files_end_in_one_refusal_under_the_address_space_cap(make, tmp_path) -> None:
    path = tmp_path / "lie.parquet"
    path.write_bytes(make())
    budget = json.dumps([BUDGET.max_rows, BUDGET.max_columns, BUDGET.max_decoded_bytes])
    done = subprocess.run(
        [sys.executable, "-c", _CAPPED_READ, str(path), budget],
        capture_output=True,
        text=True,
        timeout=CAPPED_SECONDS,
        cwd=ROOT,
        preexec_fn=_capped,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    answer = json.loads(done.stdout)
    assert answer["rule"] == "file.too_large" and answer["seconds"] < REFUSAL_SECONDS, answer
    assert answer["peak"] < PEAK_BYTES, f"pyarrow allocated {answer['peak'] / 2**20:.0f} MiB"


def test_the_report_names_the_rule_of_a_lying_page(write, register) -> None:
    path = write("lie.parquet", lying_parquet())
    report = validate_file(path, register, today=date(2026, 11, 22))
    [error] = report.errors
    assert error.rule == "file.too_large" and BUDGET_WORDS in error.message, error


def _table(rows: int = 30_000) -> pa.Table:
    return pa.table(
        {
            "prison_code": pa.array([f"P{i % 7}" for i in range(rows)]),
            "value": pa.array([float(i) for i in range(rows)]),
            "note": pa.array([None if i % 3 else f"note {i}" for i in range(rows)]),
        }
    )


def _pyarrow(**options) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(_table(), buffer, **options)
    return buffer.getvalue()


def _polars(**options) -> bytes:
    buffer = io.BytesIO()
    pl.from_arrow(_table()).write_parquet(buffer, **options)
    return buffer.getvalue()


def _pandas(**options) -> bytes:
    buffer = io.BytesIO()
    _table().to_pandas().to_parquet(buffer, **options)
    return buffer.getvalue()


ORDINARY = {
    "pyarrow": lambda: _pyarrow(),
    "pyarrow-uncompressed": lambda: _pyarrow(compression=None),
    "pyarrow-zstd": lambda: _pyarrow(compression="zstd"),
    "pyarrow-gzip": lambda: _pyarrow(compression="gzip"),
    "pyarrow-plain": lambda: _pyarrow(use_dictionary=False),
    "pyarrow-row-groups": lambda: _pyarrow(row_group_size=4_000),
    "pyarrow-small-pages": lambda: _pyarrow(data_page_size=2_000),
    "pyarrow-page-v2": lambda: _pyarrow(data_page_version="2.0"),
    "pyarrow-page-v2-plain": lambda: _pyarrow(data_page_version="2.0", use_dictionary=False),
    "pyarrow-checksums": lambda: _pyarrow(write_page_checksum=True),
    "pyarrow-no-statistics": lambda: _pyarrow(write_statistics=False),
    "polars": lambda: _polars(),
    "polars-uncompressed": lambda: _polars(compression="uncompressed"),
    "polars-row-groups": lambda: _polars(row_group_size=4_000, data_page_size=2_000),
    "polars-full-statistics": lambda: _polars(statistics="full"),
    "pandas": lambda: _pandas(),
    "pandas-plain": lambda: _pandas(use_dictionary=False),
}


@pytest.mark.parametrize("name", list(ORDINARY))
def test_ordinary_files_pass_their_page_headers_and_are_read(name) -> None:
    data = ORDINARY[name]()
    metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    chunks = metadata.num_row_groups * metadata.num_columns
    seen = walk_pages(data, metadata, DECODED)
    assert seen.pages >= chunks
    declared = sum(
        metadata.row_group(g).column(c).total_uncompressed_size
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    )
    assert 0 < seen.uncompressed <= declared
    header, frame = read_parquet(data, BUDGET)
    assert header == _table().column_names and frame.height == metadata.num_rows


def test_more_pages_than_the_limit_is_refused(monkeypatch) -> None:
    data = ORDINARY["pyarrow-small-pages"]()
    pages = walk_pages(data, pq.ParquetFile(io.BytesIO(data)).metadata, DECODED).pages
    monkeypatch.setattr(parquet_pages, "MAX_PAGES", pages)
    read_parquet(data, BUDGET)
    monkeypatch.setattr(parquet_pages, "MAX_PAGES", pages - 1)
    error, _, _ = refusal(data)
    assert error.rule == "file.too_large" and f"{pages - 1:,} pages" in str(error), error


def test_a_header_bytes_that_are_not_thrift_are_unreadable() -> None:
    honest = honest_parquet()
    start = page_start(honest)
    error, _, _ = refusal(honest[:start] + b"\x0e" + honest[start + 1 :])
    assert error.rule == "file.unreadable" and "damaged" in str(error), error
