"""Read a Parquet file's page headers, before pyarrow does, and bound what they declare.

The footer states each column chunk's sizes, but the pages inside a chunk each
begin with their own header (a Thrift PageHeader, compact protocol) stating the
page's compressed and uncompressed size, and pyarrow allocates what the page
header says, not what the footer says. A file whose footer is modest and whose
page headers claim gigabytes passes every footer check. So each chunk's pages
are walked here, from the footer's offsets, decoding only the header fields
needed (types and sizes, and each page's value count, to stop where pyarrow
stops); the rest of a header is skipped field by field, every length and count
bounded by the bytes that remain.

`walk_pages` raises `PagesDamaged` when a header cannot be decoded or a chunk
lies outside the file, and `PagesOversized` when the pages claim more than the
footer declares, more than the budget, or more bytes than their chunk holds;
each carries one sentence for the submitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data_contracts.figures import figure, said

_MIB = 2**20
# pyarrow refuses a page header longer than this (its kDefaultMaxPageHeaderSize).
MAX_HEADER_BYTES = 16 * _MIB
# PageHeader > DataPageHeader > Statistics is three levels; the rest is room for
# fields a later format adds, which are skipped.
MAX_NESTING = 8
# At the writers' default page size (1 MiB unpacked) the 256 MiB budget is a few hundred
# pages; 1,000 row groups of a few columns, each with a dictionary page and a data page,
# are about 10,000. Each header costs some 30 microseconds to read here, so the limit
# also bounds the time spent before refusing (about half a second).
MAX_PAGES = 20_000
# A file begins with the magic and ends with the footer's length and the magic again.
_MAGIC_BYTES = len(b"PAR1")
_FOOTER_LENGTH_BYTES = 4
# A Thrift varint carries at most 64 bits, 7 per byte.
MAX_VARINT_BYTES = 10
_I32 = (-(2**31), 2**31 - 1)
# Parquet's page types (parquet.thrift, enum PageType).
DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2 = 0, 1, 2, 3
PAGE_TYPES = frozenset({DATA_PAGE, INDEX_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2})
DATA_PAGES = frozenset({DATA_PAGE, DATA_PAGE_V2})
# Thrift compact protocol's type codes.
_STOP, _TRUE, _FALSE, _BYTE, _I16, _I32_TYPE, _I64, _DOUBLE = 0, 1, 2, 3, 4, 5, 6, 7
_BINARY, _LIST, _SET, _MAP, _STRUCT, _UUID = 8, 9, 10, 11, 12, 13
_FIXED = {_BYTE: 1, _DOUBLE: 8, _UUID: 16}
_VARINTS = frozenset({_I16, _I32_TYPE, _I64})
# The PageHeader fields read (field id -> Thrift type); sub-structs hold num_values as 1.
_TYPE, _UNCOMPRESSED, _COMPRESSED = 1, 2, 3
_DATA_HEADER, _DICTIONARY_HEADER, _DATA_HEADER_V2 = 5, 7, 8
_NUM_VALUES = 1
_V2_DEFINITION_BYTES, _V2_REPETITION_BYTES = 5, 6
# What is read of a PageHeader: None is an i32, a dict the fields read of a sub-struct.
_WANTED: dict[int, Any] = {
    _TYPE: None,
    _UNCOMPRESSED: None,
    _COMPRESSED: None,
    _DATA_HEADER: {_NUM_VALUES: None},
    _DICTIONARY_HEADER: {_NUM_VALUES: None},
    _DATA_HEADER_V2: {_NUM_VALUES: None, _V2_DEFINITION_BYTES: None, _V2_REPETITION_BYTES: None},
}


class PagesDamaged(ValueError):
    """A page header cannot be decoded, or a chunk lies outside the file (one sentence)."""


class PagesOversized(ValueError):
    """The pages claim more than the footer, the budget or their chunk allows (one sentence)."""


@dataclass(frozen=True)
class PageHeader:
    kind: int
    uncompressed: int
    compressed: int
    values: int
    # bytes the header itself takes, before the page's data
    length: int


@dataclass(frozen=True)
class PagesSeen:
    pages: int
    uncompressed: int


def walk_pages(data: bytes, metadata: Any, max_decoded_bytes: int) -> PagesSeen:
    """Every column chunk's page headers read and bounded; their count and unpacked bytes."""
    body_end = len(data) - metadata.serialized_size - _FOOTER_LENGTH_BYTES - _MAGIC_BYTES
    view = memoryview(data)
    pages = uncompressed = 0
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            start, end = _chunk_range(chunk, body_end)
            seen = _walk_chunk(view, start, end, chunk.num_values, pages)
            declared = chunk.total_uncompressed_size
            pages += seen.pages
            uncompressed += seen.uncompressed
            if uncompressed > max_decoded_bytes:
                raise PagesOversized(
                    said(
                        "pages_unpack",
                        size=figure(uncompressed / _MIB),
                        most=figure(max_decoded_bytes // _MIB),
                    )
                )
            if seen.uncompressed > declared:
                raise PagesOversized(
                    said(
                        "pages_over_footer",
                        column=c + 1,
                        group=g + 1,
                        size=figure(seen.uncompressed),
                        declared=figure(declared),
                    )
                )
    return PagesSeen(pages=pages, uncompressed=uncompressed)


def _chunk_range(chunk: Any, body_end: int) -> tuple[int, int]:
    """Where a chunk's pages lie, as pyarrow computes it (the dictionary page comes first)."""
    start = chunk.data_page_offset
    dictionary = chunk.dictionary_page_offset if chunk.has_dictionary_page else None
    if dictionary is not None and 0 < dictionary < start:
        start = dictionary
    end = start + chunk.total_compressed_size
    if start < _MAGIC_BYTES or chunk.total_compressed_size < 0 or end > body_end:
        raise PagesDamaged(said("pages_footer_outside"))
    return start, end


def _walk_chunk(
    view: memoryview, start: int, end: int, values: int, pages_before: int
) -> PagesSeen:
    """The chunk's pages up to its last value (where pyarrow stops reading)."""
    pages = uncompressed = seen_values = 0
    position = start
    while position < end and seen_values < values:
        header = read_page_header(view, position, min(end, position + MAX_HEADER_BYTES))
        page_end = position + header.length + header.compressed
        if page_end > end:
            raise PagesOversized(
                said(
                    "pages_page_too_big",
                    size=figure(header.compressed),
                    left=figure(end - position - header.length),
                )
            )
        pages += 1
        if pages_before + pages > MAX_PAGES:
            raise PagesOversized(said("pages_too_many", most=figure(MAX_PAGES)))
        uncompressed += header.uncompressed
        if header.kind in DATA_PAGES:
            seen_values += header.values
        position = page_end
    return PagesSeen(pages=pages, uncompressed=uncompressed)


def read_page_header(view: memoryview, start: int, end: int) -> PageHeader:
    """The PageHeader at `start`, reading no byte at or after `end`."""
    reader = _Reader(view, start, end)
    fields = reader.struct(_WANTED, depth=1)
    kind, uncompressed, compressed = (fields.get(f) for f in (_TYPE, _UNCOMPRESSED, _COMPRESSED))
    if not (
        isinstance(kind, int) and isinstance(uncompressed, int) and isinstance(compressed, int)
    ):
        raise _damaged("page_no_sizes")
    if kind not in PAGE_TYPES or uncompressed < 0 or compressed < 0:
        raise _damaged("page_unknown_type")
    sub = {
        DATA_PAGE: _DATA_HEADER,
        DICTIONARY_PAGE: _DICTIONARY_HEADER,
        DATA_PAGE_V2: _DATA_HEADER_V2,
    }.get(kind)
    detail = fields.get(sub, {}) if sub is not None else {}
    if not isinstance(detail, dict):
        raise _damaged("page_not_structure")
    values = detail.get(_NUM_VALUES, 0)
    if sub is not None and (_NUM_VALUES not in detail or values < 0):
        raise _damaged("page_no_count")
    if kind == DICTIONARY_PAGE and values > uncompressed:
        # a dictionary's values are PLAIN, each at least one byte: pyarrow sizes its
        # dictionary by the count (16 bytes a text value), before reading a byte of it
        raise _damaged("page_dictionary_count")
    if kind == DATA_PAGE_V2:
        levels = detail.get(_V2_DEFINITION_BYTES, 0) + detail.get(_V2_REPETITION_BYTES, 0)
        if min(detail.get(_V2_DEFINITION_BYTES, 0), detail.get(_V2_REPETITION_BYTES, 0)) < 0 or (
            levels > min(compressed, uncompressed)
        ):
            raise _damaged("page_levels")
    return PageHeader(
        kind=kind,
        uncompressed=uncompressed,
        compressed=compressed,
        values=values,
        length=reader.position - start,
    )


def _damaged(what: str) -> PagesDamaged:
    """PagesDamaged saying the contract's phrase `what` (a page_… phrase) is wrong."""
    return PagesDamaged(said("pages_damaged", reason=said(what)))


class _Reader:
    """Thrift compact protocol, only as far as a page header needs."""

    def __init__(self, view: memoryview, start: int, end: int) -> None:
        self.view, self.position, self.end = view, start, end

    def byte(self) -> int:
        if self.position >= self.end:
            raise _damaged("page_past_column")
        value = self.view[self.position]
        self.position += 1
        return value

    def varint(self) -> int:
        view, position, value = self.view, self.position, 0
        for shift in range(0, 7 * MAX_VARINT_BYTES, 7):
            if position >= self.end:
                raise _damaged("page_past_column")
            byte = view[position]
            position += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                self.position = position
                return value
        raise _damaged("page_overlong_number")

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def i32(self) -> int:
        value = self.zigzag()
        if not _I32[0] <= value <= _I32[1]:
            raise _damaged("page_number_too_large")
        return value

    def struct(self, wanted: dict[int, Any], depth: int) -> dict[int, Any]:
        """The wanted fields (None: an i32; a dict: a struct of those); others skipped."""
        if depth > MAX_NESTING:
            raise _damaged("page_nests")
        found: dict[int, Any] = {}
        field = 0
        while True:
            head = self.byte()
            kind = head & 0x0F
            if kind == _STOP:
                if head:
                    raise _damaged("page_unknown_field")
                return found
            delta = head >> 4
            field = field + delta if delta else self.zigzag()
            if field in wanted:
                inner = wanted[field]
                if inner is None and kind == _I32_TYPE:
                    found[field] = self.i32()
                    continue
                if isinstance(inner, dict) and kind == _STRUCT:
                    found[field] = self.struct(inner, depth + 1)
                    continue
                raise _damaged("page_wrong_type")
            self.skip(kind, depth)

    def skip(self, kind: int, depth: int) -> None:
        if kind in (_TRUE, _FALSE):
            return
        if kind in _FIXED:
            self.advance(_FIXED[kind])
        elif kind in _VARINTS:
            self.varint()
        elif kind == _BINARY:
            self.advance(self.varint())
        elif kind in (_LIST, _SET):
            head = self.byte()
            size = head >> 4
            if size == 0x0F:
                size = self.varint()
            self.items(size, [head & 0x0F], depth)
        elif kind == _MAP:
            size = self.varint()
            if size:
                types = self.byte()
                self.items(size, [types >> 4, types & 0x0F], depth)
        elif kind == _STRUCT:
            self.struct({}, depth + 1)
        else:
            raise _damaged("page_unknown_field")

    def items(self, size: int, kinds: list[int], depth: int) -> None:
        # every element takes at least one byte, so a count past the bytes left is a lie
        if size * len(kinds) > self.end - self.position:
            raise _damaged("page_list_count")
        if depth + 1 > MAX_NESTING:
            raise _damaged("page_nests")
        for _ in range(size):
            for kind in kinds:
                if kind in (_TRUE, _FALSE):
                    self.advance(1)  # a boolean inside a list is a byte
                else:
                    self.skip(kind, depth + 1)

    def advance(self, count: int) -> None:
        if count > self.end - self.position:
            raise _damaged("page_past_column")
        self.position += count
