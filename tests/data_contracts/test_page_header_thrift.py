"""The page-header reader: fields it does not need are skipped; every length is bounded.

Headers are encoded here by hand (Thrift compact protocol), so that a field of
every type, a long-form field id and nested structs are seen, and so are the
lies a header can tell about its own length: huge lists, deep nesting,
overlong numbers, a header cut short.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from lying_parquet import varint, zigzag

from data_contracts.parquet_pages import (
    DATA_PAGE,
    DATA_PAGE_V2,
    DICTIONARY_PAGE,
    MAX_NESTING,
    PageHeader,
    PagesDamaged,
    read_page_header,
    walk_pages,
)

# Thrift compact protocol's type codes, as the format names them.
TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT, UUID = range(1, 14)
STOP = b"\x00"
# a list whose count takes the long form (more than 14 elements)
LONG_LIST = 20
FAST_SECONDS = 0.1


def field(delta: int, kind: int) -> bytes:
    return bytes([delta << 4 | kind])


def i32(delta: int, value: int) -> bytes:
    return field(delta, I32) + varint(zigzag(value))


def sizes(kind: int, uncompressed: int = 100, compressed: int = 50) -> bytes:
    return i32(1, kind) + i32(1, uncompressed) + i32(1, compressed)


def read(header: bytes) -> PageHeader:
    return read_page_header(memoryview(header), 0, len(header))


def test_a_header_with_a_field_of_every_type_is_read_and_its_length_known() -> None:
    unknown = b"".join(
        [
            field(1, TRUE),  # 4: a boolean (crc is an i32 in the format; skipped by type)
            field(1, STRUCT) + i32(1, 7) + i32(1, 0) + STOP,  # 5: data page header
            field(1, BINARY) + varint(3) + b"abc",  # 6
            field(3, FALSE),  # 9 (7 and 8 are other page types' headers)
            field(1, LIST) + bytes([2 << 4 | I32]) + varint(zigzag(1)) + varint(zigzag(-1)),
            field(1, DOUBLE) + bytes(8),  # 11
            field(1, MAP) + varint(1) + bytes([I32 << 4 | BINARY]) + varint(2) + b"\x01k",
            field(1, SET) + bytes([3 << 4 | TRUE]) + b"\x01\x02\x01",  # 13: booleans, a byte each
            bytes([I64]) + varint(zigzag(100)) + varint(zigzag(2**40)),  # long-form field id 100
            field(1, STRUCT) + field(1, STRUCT) + field(1, I16) + varint(9) + STOP + STOP,
            field(1, UUID) + bytes(16),
            field(1, BYTE) + b"\x7f",
            field(1, LIST) + bytes([0xF0 | I64]) + varint(LONG_LIST) + b"\x02" * LONG_LIST,
            STOP,
        ]
    )
    header = sizes(DATA_PAGE) + unknown
    assert read(header + b"trailing page bytes") == PageHeader(
        kind=DATA_PAGE, uncompressed=100, compressed=50, values=7, length=len(header)
    )


PAGE_TYPES = {
    # DictionaryPageHeader is field 7: num_values
    "dictionary": (DICTIONARY_PAGE, field(4, STRUCT) + i32(1, 3) + STOP, 3),
    # DataPageHeaderV2 is field 8: values, nulls, rows, encoding, level bytes (4 and 0)
    "data-v2": (
        DATA_PAGE_V2,
        field(5, STRUCT) + b"".join(i32(1, v) for v in (5, 0, 5, 0, 4, 0)) + STOP,
        5,
    ),
}


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_each_page_type_gives_its_value_count(name) -> None:
    kind, detail, values = PAGE_TYPES[name]
    header = sizes(kind) + detail + STOP
    page = read(header)
    assert (page.kind, page.values, page.length) == (kind, values, len(header))


# a malformed header, and the words of the sentence that names what is wrong with it
DAMAGED = {
    "cut short": (sizes(DATA_PAGE)[:-1], "runs past"),
    "no stop": (sizes(DATA_PAGE) + field(2, STRUCT) + i32(1, 1) + STOP, "runs past"),
    "no sizes": (i32(1, DATA_PAGE) + STOP, "lacks its type or sizes"),
    "no value count": (sizes(DATA_PAGE) + field(2, STRUCT) + STOP + STOP, "count of values"),
    "unknown page type": (sizes(9) + STOP, "unknown type"),
    "negative size": (sizes(DATA_PAGE, uncompressed=-1) + STOP, "negative size"),
    "size past i32": (
        i32(1, DATA_PAGE) + i32(1, 2**31) + i32(1, 1) + STOP,
        "too large for its field",
    ),
    "size as text": (
        i32(1, DATA_PAGE) + field(1, BINARY) + varint(1) + b"1" + STOP,
        "wrong type",
    ),
    "unknown compact type": (sizes(DATA_PAGE) + field(1, 14) + STOP, "unknown field type"),
    "stop with an id": (sizes(DATA_PAGE) + bytes([0x10]), "unknown field type"),
    "overlong varint": (
        i32(1, DATA_PAGE) + field(1, I32) + b"\xff" * 11 + b"\x01",
        "overlong number",
    ),
    "list longer than the header": (
        sizes(DATA_PAGE) + field(6, LIST) + bytes([0xF0 | I32]) + varint(2**40),
        "counts more items",
    ),
    "map longer than the header": (
        sizes(DATA_PAGE) + field(6, MAP) + varint(2**50) + b"\x55",
        "counts more items",
    ),
    "text longer than the header": (
        sizes(DATA_PAGE) + field(6, BINARY) + varint(2**60),
        "runs past",
    ),
    "nesting too deep": (
        sizes(DATA_PAGE)
        + field(6, STRUCT)
        + field(1, STRUCT) * MAX_NESTING
        + STOP * (MAX_NESTING + 2),
        "nests too deeply",
    ),
    "list nesting too deep": (
        sizes(DATA_PAGE)
        + (field(6, LIST) + bytes([1 << 4 | LIST]))
        + bytes([1 << 4 | LIST]) * MAX_NESTING
        + bytes([1 << 4 | I32])
        + b"\x00"
        + STOP,
        "nests too deeply",
    ),
    "dictionary counting past its bytes": (
        sizes(DICTIONARY_PAGE, uncompressed=3) + field(4, STRUCT) + i32(1, 4) + STOP + STOP,
        "more values than its bytes",
    ),
    "levels past the page": (
        sizes(DATA_PAGE_V2, compressed=3)
        + field(5, STRUCT)
        + b"".join(i32(1, v) for v in (1, 0, 1, 0, 2, 2))
        + STOP
        + STOP,
        "level lengths",
    ),
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_malformed_header_is_damaged_and_found_at_once(name) -> None:
    header, words = DAMAGED[name]
    started = time.perf_counter()
    with pytest.raises(PagesDamaged, match="damaged") as caught:
        read(header)
    assert time.perf_counter() - started < FAST_SECONDS
    assert words in str(caught.value)


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_NESTING - 2  # the header and its page type's header are two levels
    nested = field(1, STRUCT) * depth + STOP * depth
    header = sizes(DATA_PAGE) + field(2, STRUCT) + i32(1, 1) + nested + STOP + STOP
    assert read(header).values == 1


def test_the_reader_reads_nothing_past_its_end() -> None:
    header = sizes(DATA_PAGE) + field(2, STRUCT) + i32(1, 1) + STOP + STOP
    with pytest.raises(PagesDamaged, match="runs past"):
        read_page_header(memoryview(header + b"\x00"), 0, len(header) - 1)


def test_a_chunk_placed_outside_the_file_is_damaged() -> None:
    data = b"PAR1" + bytes(100) + b"PAR1"
    chunk = SimpleNamespace(
        data_page_offset=50,
        dictionary_page_offset=None,
        has_dictionary_page=False,
        total_compressed_size=len(data),
        total_uncompressed_size=len(data),
        num_values=1,
    )
    group = SimpleNamespace(num_columns=1, column=lambda _: chunk)
    metadata = SimpleNamespace(serialized_size=10, num_row_groups=1, row_group=lambda _: group)
    with pytest.raises(PagesDamaged, match="outside the file"):
        walk_pages(data, metadata, len(data))
