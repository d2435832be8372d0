"""The bytes of an uploaded .xlsx, checked before calamine sees them.

A workbook is a ZIP archive; a few hundred KB can declare gigabytes. Here the sizes
the archive declares are refused above a budget before anything is unpacked, every
part is unpacked once, streamed and counted (calamine's zip reader ignores the
declared sizes and would follow a part that lies), and workbook.xml says which
sheets exist and where. `excel.read_xlsx` is the public entry.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from xml.etree import ElementTree as ET

from data_contracts.figures import figure, said

UNREADABLE = "file.unreadable"
TOO_LARGE = "file.too_large"

_MIB = 2**20
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2: .xls, and Office's encrypted wrapper
_MAX_RATIO = 200
_RATIO_MIN_BYTES = 10 * _MIB  # small parts (XML styles, themes) compress far better than 200:1

_PACKED_CHUNK = 256 * 1024
_UNPACKED_CHUNK = 8 * _MIB


class WorkbookError(Exception):
    """Raised for a workbook that cannot be read. `rule` is the contract rule id
    ("file.unreadable" or "file.too_large"); str(exc) is ONE plain sentence for a
    prison director that says what is wrong and what to do."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def damaged(reason: str) -> WorkbookError:
    return WorkbookError(
        UNREADABLE,
        said("excel_damaged", reason=reason),
    )


# --- the bytes, before anything is unpacked -------------------------------------------------


def refuse_non_zip(data: bytes) -> None:
    if data.startswith(_CFB_MAGIC):
        raise WorkbookError(
            UNREADABLE,
            said("xls_or_encrypted"),
        )
    if not data.startswith(_ZIP_MAGIC):
        raise WorkbookError(UNREADABLE, said("not_workbook"))


def refuse_declared_bomb(infos: list[zipfile.ZipInfo], max_unpacked_bytes: int) -> None:
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked_bytes:
        raise WorkbookError(
            TOO_LARGE,
            said(
                "workbook_too_large",
                size=figure(declared / _MIB),
                most=figure(max_unpacked_bytes // _MIB),
            ),
        )
    for info in infos:
        if info.file_size > _RATIO_MIN_BYTES and info.file_size > _MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise WorkbookError(
                TOO_LARGE,
                said(
                    "workbook_part_ratio",
                    size=figure(info.file_size / _MIB),
                    packed=figure(info.compress_size / _MIB, 1, grouped=False),
                ),
            )


def members_by_lower_name(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    # calamine finds parts case-insensitively; with two parts of one name the part checked
    # here might not be the part calamine reads, and Excel never writes such a file
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if members.setdefault(info.filename.lower(), info) is not info:
            raise damaged(said("workbook_part_twice", part=info.filename[:60]))
    return members


# --- unpacking, streamed and capped --------------------------------------------------------


def unpacked_chunks(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as calamine will read them, refused past its declared size.

    Inflates the raw stream itself rather than trusting zipfile, which stops at
    the declared size and so cannot see a member that holds more than it claims.
    """
    if info.flag_bits & 0x1:
        raise WorkbookError(
            UNREADABLE,
            said("workbook_encrypted"),
        )
    start = _member_data_start(data, info)
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) < info.compress_size:
        raise damaged(said("workbook_cut_off"))
    produced = 0
    for chunk in _inflated(packed, info.compress_type):
        produced += len(chunk)
        if produced > info.file_size:
            raise damaged(said("workbook_overflows"))
        yield chunk


def _member_data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or not header.startswith(_ZIP_MAGIC):
        raise damaged(said("workbook_part_lost"))
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    return info.header_offset + 30 + name_length + extra_length


def _inflated(packed: memoryview, method: int) -> Iterator[bytes]:
    if method == zipfile.ZIP_STORED:
        for at in range(0, len(packed), _UNPACKED_CHUNK):
            yield bytes(packed[at : at + _UNPACKED_CHUNK])
        return
    if method != zipfile.ZIP_DEFLATED:
        raise damaged(said("workbook_compression"))
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
        raise damaged(said("workbook_cut_off"))


def drain(chunks: Iterable[bytes]) -> None:
    for _chunk in chunks:
        pass


# --- workbook.xml: which sheets exist and where they are -----------------------------------


def workbook_sheets(data: bytes, members: dict[str, zipfile.ZipInfo]) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, paths resolved the way calamine does."""
    rels = members.get("xl/_rels/workbook.xml.rels")
    targets = {}
    if rels is not None:
        for rel in _xml_elements(unpacked_chunks(data, rels), "Relationship"):
            targets[rel.get("Id", "")] = rel.get("Target", "")
    sheets = []
    workbook = members["xl/workbook.xml"]
    for sheet in _xml_elements(unpacked_chunks(data, workbook), "sheet", last="sheets"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), "")
        sheets.append((sheet.get("name", ""), _part_path(targets.get(rel_id, ""))))
    if not sheets:
        raise damaged(said("workbook_no_sheets"))
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


def chosen_sheet(sheets: list[tuple[str, str]], preferred: str) -> tuple[str, str]:
    wanted = preferred.strip().casefold()
    return next((s for s in sheets if s[0].strip().casefold() == wanted), sheets[0])
