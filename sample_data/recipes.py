"""The broken-file recipes: files that break one error rule each (invalid/) or carry one
warning each (warnings/), made from a valid return of the sample model.

The base return is the core return of a prison that reports no other module, so the roles of
its elements (which pairs they sit in) are read from the pairs among the base module's
elements only: the elements and pairs of the other modules move no recipe. The breakdown files
add the rows of a breakdown to that return, which any file may hold (spec §3). The register
files of invalid/ are registers, not submissions: named after a register rule, checked by
tests/sample_data as registers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sample_data.model import CONTRACT, HEADER, SEED, Record, population_element
from sample_data.recipes_modules import breakdown_files, register_files
from sample_data.writers import (
    csv_text,
    text_rows,
    write_csv,
    write_xlsx,
    xlsx_rows,
)

# --------------------------------------------------------------------------- invalid files
# Each file breaks one error rule. All start from a complete, valid return of the demo
# director's prison for SPARE_QUARTER, so the named rule is the only error even when the
# demo director sends them; a bad value goes on an element where no pair check can fire.


class Folder:
    """Writes the files of invalid/ or warnings/ and remembers what each one shows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.made: dict[str, str] = {}

    def bytes(self, name: str, shows: str, data: bytes) -> None:
        (self.path / name).write_bytes(data)
        self.made[name] = shows

    def rows(self, name: str, shows: str, header: Sequence[str], rows: Iterable, **kw) -> None:
        write_csv(self.path / name, header, rows, **kw)
        self.made[name] = shows

    def records(self, name: str, shows: str, records: Iterable[Record], **kw) -> None:
        self.rows(name, shows, HEADER, text_rows(records), **kw)

    def workbook(self, name: str, shows: str, records: Iterable[Record]) -> None:
        write_xlsx(self.path / name, HEADER, xlsx_rows(records))
        self.made[name] = shows


@dataclass(frozen=True)
class Roles:
    """Where the contract's count elements sit in its subset pairs."""

    unpaired: list[str]  # in no pair: a bad value there trips no pair check
    supersets: list[str]  # only ever the larger side: raising one breaks no pair
    subsets: list[str]  # only ever the smaller side: leaving one out affects no other check


def element_roles() -> Roles:
    """The roles of the base module's count elements in the pairs among them."""
    base = set(CONTRACT.codes_of(CONTRACT.base_module))
    pairs = [(a, b) for a, b in CONTRACT.pairs if {a, b} <= base]
    firsts = {a for a, _ in pairs}
    seconds = {b for _, b in pairs}
    counts = [c for c in CONTRACT.count_codes if c in base]
    return Roles(
        unpaired=[c for c in counts if c not in firsts | seconds],
        supersets=[c for c in counts if c in seconds and c not in firsts],
        subsets=[c for c in counts if c in firsts and c not in seconds],
    )


def value_of(records: list[Record], element: str) -> float | int | None:
    return next(r.value for r in records if r.element == element)


def with_value(records: list[Record], element: str, value, note: str | None = None) -> list:
    return [
        Record(r.prison_code, r.period, r.element, value, r.note if note is None else note)
        if r.element == element
        else r
        for r in records
    ]


def with_raw_value(records: list[Record], element: str, raw: str) -> list[list[str]]:
    """Text rows with one element's value replaced by text that is not a valid value."""
    return [[*row[:3], raw, row[4]] if row[2] == element else row for row in text_rows(records)]


def with_period(records: list[Record], period: str) -> list[Record]:
    return [Record(r.prison_code, period, r.element, r.value, r.note) for r in records]


def with_prison(records: list[Record], code: str) -> list[Record]:
    return [Record(code, r.period, r.element, r.value, r.note) for r in records]


def with_element_code(records: list[Record], element: str, written: str) -> list[Record]:
    return [
        Record(r.prison_code, r.period, written if r.element == element else r.element, r.value)
        for r in records
    ]


def swapped_tail(code: str) -> str:
    """A plausible typo of a prison code (last two characters swapped)."""
    return code[:-2] + code[-1] + code[-2]


def long_text(length: int) -> str:
    sentence = "Release planning meeting held with community services and probation. "
    return (sentence * (length // len(sentence) + 1))[:length]


def ole2_bytes(*stream_names: bytes) -> bytes:
    """The header of an OLE2 compound file (old .xls, or an encrypted .xlsx), then junk."""
    junk = random.Random(SEED + 1)
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24))
    for name in stream_names:  # directory entries hold stream names in UTF-16
        body += name.decode().encode("utf-16-le") + bytes(8)
    body += bytes(junk.randrange(256) for _ in range(2048))
    return bytes(body)


def pdf_bytes() -> bytes:
    junk = random.Random(SEED + 2)
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 512 /Filter /FlateDecode >>\nstream\n"
        + bytes(junk.randrange(256) for _ in range(512))
        + b"\x00\x00\nendstream\nendobj\n%%EOF\n"
    )


def truncated_workbook(folder: Path, records: list[Record]) -> bytes:
    """The first half of a real workbook: a zip archive cut off before its directory."""
    path = folder / "truncated.tmp"
    write_xlsx(path, HEADER, xlsx_rows(records))
    whole = path.read_bytes()
    path.unlink()
    return whole[: len(whole) // 2]


def unreadable_files(out: Folder, base: list[Record]) -> None:
    """Content that is not what the extension says, or a type the contract does not take."""
    plain = csv_text(HEADER, text_rows(base)).encode()
    rule = "file.unreadable"
    out.bytes(f"{rule}--text-as-xlsx.xlsx", "a CSV text saved under an .xlsx name", plain)
    out.bytes(
        f"{rule}--old-excel.xls",
        "an .xls file (the message asks for .xlsx)",
        ole2_bytes(b"Workbook"),
    )
    out.bytes(f"{rule}--pdf-as-csv.csv", "a PDF (binary, NUL bytes) named .csv", pdf_bytes())
    out.bytes(
        f"{rule}--encrypted.xlsx",
        "a password-protected workbook (an OLE2 container)",
        ole2_bytes(b"EncryptionInfo", b"EncryptedPackage"),
    )
    out.bytes(f"{rule}--not-parquet.parquet", "CSV text named .parquet", plain)
    out.bytes(
        f"{rule}--truncated.xlsx",
        "a workbook cut off half way (corrupt zip)",
        truncated_workbook(out.path, base),
    )


def empty_and_oversized_files(out: Folder, base: list[Record]) -> None:
    out.records("file.empty.csv", "the header line only", [])
    out.bytes(
        "file.empty--blank-lines.csv",
        "the header, then blank lines (which are ignored)",
        (",".join(HEADER) + "\n\n\n\n").encode(),
    )
    out.workbook("file.empty--excel.xlsx", "a workbook whose data sheet has the header only", [])
    # One row over the limit; short rows (no note column) keep the file small. The rows
    # repeat, but a file this long is refused before its rows are looked at.
    max_rows = CONTRACT.file["max_rows"]
    short = [row[:4] for row in text_rows(base)]
    rows = (short[i % len(short)] for i in range(max_rows + 1))
    out.rows("file.too_large.csv", f"{max_rows + 1:,} data rows", HEADER[:4], rows)


def column_and_row_files(out: Folder, base: list[Record]) -> None:
    kept = [i for i, name in enumerate(HEADER) if name != "value"]
    out.rows(
        "column.missing.csv",
        "no 'value' column",
        [HEADER[i] for i in kept],
        ([row[i] for i in kept] for row in text_rows(base)),
    )
    # An unquoted comma in a note makes one row a field longer than the header.
    lines = csv_text(HEADER, text_rows(base)).splitlines()
    i = next(n for n, line in enumerate(lines) if ",releases," in line)
    lines[i] = lines[i].rstrip(",") + ",incl. 4 transfers to hospital, 2 deportations"
    out.bytes(
        "row.malformed.csv",
        "a row with more fields than the header (unquoted comma)",
        ("\n".join(lines) + "\n").encode(),
    )
    limit = CONTRACT.limits["note_max_chars"]
    element = element_roles().subsets[1]
    out.records(
        "row.malformed--long-note.csv",
        f"a note of {limit + 1:,} characters",
        with_value(base, element, value_of(base, element), long_text(limit + 1)),
    )


def key_files(out: Folder, base: list[Record]) -> None:
    """Faults in the prison, period or data element. The prison and period faults run
    through every row, so the file still holds one complete prison-quarter."""
    code = base[0].prison_code
    typo = swapped_tail(code)
    out.records(
        "prison_code.unknown.csv",
        f"prison code '{typo}' (a typo of {code})",
        with_prison(base, typo),
    )
    out.records(
        "prison_code.unknown--empty.csv",
        "the prison code left empty in every row",
        with_prison(base, ""),
    )
    out.records("period.format.csv", "period written 2023Q3", with_period(base, "2023Q3"))
    out.records(
        "period.format--quarter-first.csv", "period written Q3-2023", with_period(base, "Q3-2023")
    )
    out.records(
        "period.not_ended.csv", "a far-future quarter, 2099-Q1", with_period(base, "2099-Q1")
    )
    # Hepatitis B testing at reception: plausible, and no element of any module (in v1 this
    # file named hiv_tested_reception, which v2's blood_borne_viruses module made a code).
    extra = "hbv_tested_reception"
    assert extra not in CONTRACT.element_codes
    value = value_of(base, "hcv_tested_reception")  # most are tested for both at reception
    out.records(
        "data_element.unknown.csv",
        f"an extra row for '{extra}', not a contract code",
        [*base, Record(code, base[0].period, extra, value)],
    )
    element = element_roles().unpaired[-1]
    out.records(
        "data_element.unknown--typo.csv",
        f"'{element[:-1]}' written for '{element}'",
        with_element_code(base, element, element[:-1]),
    )


def value_files(out: Folder, base: list[Record]) -> None:
    roles = element_roles()
    superset, unpaired = roles.supersets[0], roles.unpaired
    n = value_of(base, superset)
    out.rows(
        "value.not_a_number.csv",
        f"{superset} written '{n} persons'",
        HEADER,
        with_raw_value(base, superset, f"{n} persons"),
    )
    out.rows(
        "value.not_a_number--n-a.csv",
        f"{unpaired[-1]} written 'n/a'",
        HEADER,
        with_raw_value(base, unpaired[-1], "n/a"),
    )
    out.records(
        "value.negative.csv",
        f"{unpaired[0]} = -1",
        with_value(base, unpaired[0], -1, "correction of last quarter"),
    )
    out.rows(
        "value.not_integer.csv",
        f"{superset} = {n}.5",
        HEADER,
        with_raw_value(base, superset, f"{n}.5"),
    )


def set_files(out: Folder, base: list[Record], other: list[Record]) -> None:
    """Faults found only by looking at several rows together."""
    code, period = base[0].prison_code, base[0].period
    element = element_roles().unpaired[0]
    corrected = Record(code, period, element, value_of(base, element) + 1, "corrected figure")
    out.records("row.duplicate.csv", f"a second {element} row added at the end", [*base, corrected])
    pop = population_element()
    out.records(
        "population.missing.csv",
        f"{pop} left empty",
        with_value(base, pop, None, "not available yet"),
    )
    out.records(
        "population.missing--row-absent.csv",
        f"no {pop} row at all",
        [r for r in base if r.element != pop],
    )
    out.records("population.zero.csv", f"{pop} = 0", with_value(base, pop, 0.0))
    first, second = CONTRACT.pairs[0]
    bigger = value_of(base, second) + 12
    out.records(
        "pair.exceeds.csv",
        f"{first} ({bigger}) > {second} ({value_of(base, second)})",
        with_value(base, first, bigger),
    )
    breakdown_files(out, base)
    # Valid in every way; refused only at storage, when the demo director sends it.
    out.records(
        "authz.prison.csv",
        f"a valid file for {code} and {other[0].prison_code}, {period}",
        [*base, *other],
    )


def make_invalid_files(folder: Path, base: list[Record], other: list[Record]) -> dict[str, str]:
    """Write invalid/ into `folder`; return {submission file name: what it shows}.

    The register files are written too (`register_files`), but not returned: the names
    returned are those of submission rules."""
    out = Folder(folder)
    register_files(folder)
    unreadable_files(out, base)
    empty_and_oversized_files(out, base)
    column_and_row_files(out, base)
    key_files(out, base)
    value_files(out, base)
    set_files(out, base, other)
    return out.made


# --------------------------------------------------------------------------- warnings files


def make_warning_files(
    folder: Path, base: list[Record], after_closing: list[Record]
) -> dict[str, str]:
    """Write warnings/ into `folder`: accepted files that carry one warning each."""
    out = Folder(folder)
    # A note typed in Excel on Windows and saved as Windows-1252.
    element = element_roles().subsets[-3]
    note = "Übergabe an Suchtberatung – café"
    out.records(
        "file.encoding.csv",
        "a note in Windows-1252, not UTF-8",
        with_value(base, element, value_of(base, element), note),
        encoding="cp1252",
    )
    # A column of the sender's own (the template's helper columns are known and do not warn).
    rows = [[*row, CONTRACT.element(row[2]).definition] for row in text_rows(base)]
    out.rows("column.unknown.csv", "an extra 'remarks' column", [*HEADER, "remarks"], rows)
    # Two elements left out that no pair needs as its larger side.
    left_out = element_roles().subsets[-2:]
    out.records(
        "completeness.missing_elements.csv",
        f"{' and '.join(left_out)} left out",
        [r for r in base if r.element not in left_out],
    )
    out.records(
        "period.out_of_service.csv", "the closed prison, a quarter after it closed", after_closing
    )
    return out.made
