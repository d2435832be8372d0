"""A small Parquet file whose footer is honest but whose page headers claim gigabytes.

pyarrow writes each page header (Thrift compact protocol) with its fields in
order: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc (when
asked for checksums), then the page type's own header. The builder finds a page
from the footer's offsets, drops the crc (the reader does not check it unless
asked), writes the claimed uncompressed size in its place, and pads the
compressed size's varint so the header keeps its length: every offset in the
footer stays right, and only the page header lies.

This encoder is written apart from data_contracts/parquet_pages.py on purpose,
so the attack does not depend on the code that must refuse it.
"""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq

# The largest size a page header's i32 can state: 2 GiB less one byte.
TWO_GIB = 2**31 - 1
_I32_FIELD = 0x15  # field id delta 1, compact type i32
_I64_FIELD = 0x16  # field id delta 1, compact type i64
_MAX_VARINT = 10


def varint(value: int, length: int | None = None) -> bytes:
    """`value` as a varint, padded with empty continuation bytes to `length` if given."""
    out = bytearray()
    while True:
        out.append(value & 0x7F | 0x80)
        value >>= 7
        if not value:
            break
    while length is not None and len(out) < length:
        out.append(0x80)
    out[-1] &= 0x7F
    if length is not None and len(out) != length:
        raise ValueError(f"{len(out)} bytes do not fit in {length}")
    return bytes(out)


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def unzigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def lie_in_header(
    data: bytes,
    start: int,
    *,
    uncompressed: int | None = None,
    compressed: int | None = None,
    values: int | None = None,
) -> bytes:
    """`data` with the page header at `start` stating the sizes (and value count) given.

    The header keeps its length: the crc is dropped and the compressed size's
    varint padded into the room left, so no offset in the footer moves.
    """
    fields, position = [], start
    for _ in range(4):  # type, uncompressed, compressed, crc: each 0x15 then a varint
        if data[position] != _I32_FIELD:
            raise ValueError("the page header does not start with four i32 fields")
        value, position = read_varint(data, position + 1)
        fields.append(unzigzag(value))
    kind, old_uncompressed, old_compressed, _ = fields
    uncompressed = old_uncompressed if uncompressed is None else uncompressed
    compressed = old_compressed if compressed is None else compressed
    sub = data[position]
    delta = (sub >> 4) + 1  # the crc (field 4) is dropped: the next field is one id further
    if delta > 0x0F:
        raise ValueError("the page header's next field is too far to renumber")
    after, end = bytes([delta << 4 | sub & 0x0F]), position + 1
    if values is not None:  # the sub-header's first field is its num_values (an i32)
        if data[end] != _I32_FIELD:
            raise ValueError("the page's own header does not start with its value count")
        _, end = read_varint(data, end + 1)
        after += bytes([_I32_FIELD]) + varint(zigzag(values))
    head = bytes([_I32_FIELD]) + varint(zigzag(kind))
    head += bytes([_I32_FIELD]) + varint(zigzag(uncompressed)) + bytes([_I32_FIELD])
    room = end - start - len(head) - len(after)  # left for the compressed size's varint
    if not len(varint(zigzag(compressed))) <= room <= _MAX_VARINT:
        raise ValueError("no room to rewrite this page header at the same length")
    patched = head + varint(zigzag(compressed), room) + after
    assert len(patched) == end - start
    return data[:start] + patched + data[end:]


def honest_parquet(
    compression: str | None = "zstd", *, data_page_version: str = "1.0", rows: int = 1_000
) -> bytes:
    """Good-looking rows of text, with a crc in every page header (room to rewrite it)."""
    table = pa.table(
        {
            "prison_code": pa.array(["BE-HAS"] * rows),
            "period": pa.array(["2025-Q3"] * rows),
            "data_element": pa.array(["receptions"] * rows),
            "value": pa.array([str(i) for i in range(rows)]),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression=compression,
        write_page_checksum=True,
        data_page_version=data_page_version,
    )
    return buffer.getvalue()


def page_start(data: bytes, page: str = "data") -> int:
    """Where the first column's dictionary page or first data page begins."""
    chunk = pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0).column(0)
    return chunk.dictionary_page_offset if page == "dictionary" else chunk.data_page_offset


def lying_parquet(
    compression: str | None = "zstd",
    *,
    claim: int = TWO_GIB,
    page: str = "data",
    data_page_version: str = "1.0",
) -> bytes:
    """A small file whose first column's `page` says it unpacks to `claim` bytes."""
    data = honest_parquet(compression, data_page_version=data_page_version)
    return lie_in_header(data, page_start(data, page), uncompressed=claim)


def _i64_field(value: int, length: int | None = None) -> bytes:
    return bytes([_I64_FIELD]) + varint(zigzag(value), length)


def understated_footer(table: pa.Table, claim: int, **options: object) -> bytes:
    """`table` written honestly, then each chunk's footer entry saying it unpacks to `claim`.

    ColumnMetaData holds num_values, total_uncompressed_size and
    total_compressed_size as fields 5, 6 and 7, each an i64 after a one-step field
    header; the three are found together by their values and the middle one is
    rewritten, padded to its old length. The pages keep their honest headers.
    """
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    data = buffer.getvalue()
    metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    footer_start = len(data) - 8 - metadata.serialized_size
    footer = data[footer_start:]
    for g in range(metadata.num_row_groups):
        for c in range(metadata.num_columns):
            chunk = metadata.row_group(g).column(c)
            sizes = (chunk.num_values, chunk.total_uncompressed_size, chunk.total_compressed_size)
            found = b"".join(_i64_field(v) for v in sizes)
            if footer.count(found) != 1:
                raise ValueError("the chunk's sizes are not found once in the footer")
            length = len(varint(zigzag(chunk.total_uncompressed_size)))
            honest = _i64_field(sizes[0]) + _i64_field(claim, length) + _i64_field(sizes[2])
            footer = footer.replace(found, honest)
    return data[:footer_start] + footer
