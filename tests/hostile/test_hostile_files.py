"""Broken and hostile files: every one gets a report (or one sentence), never a traceback.

Random bytes, mutated valid files, zip bombs, encrypted workbooks, oversize files,
NUL bytes, formula and SQL-looking strings, path-traversal names. Nothing is stored
from any of them, and memory stays bounded.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from submission_files import csv_text, good_rows

from data_contracts.contract import load_contract
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)
RULES = {r.id for r in load_contract().rules}
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check(tmp_path: Path, register, name: str, content: bytes):
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    report = validate_file(path, register, name=name, today=TODAY)
    assert report.rules <= RULES, report.rules - RULES
    for issue in report.issues:
        assert issue.message.strip(), issue
        assert "Traceback" not in issue.message
        assert "\n" not in issue.message
    data = report.to_dict()
    assert set(data) == {"file", "accepted", "rows", "prisons", "periods", "errors", "warnings"}
    return report


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, ["prison_code", "period", "data_element", "value", "note"])
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()
    return buffer.getvalue()


VALID_CSV = csv_text(good_rows()).encode()
VALID_XLSX = xlsx_bytes(good_rows())


@SETTINGS
@given(
    content=st.binary(max_size=4096),
    ext=st.sampled_from(["csv", "txt", "xlsx", "parquet", "xls", "", "exe"]),
)
def test_random_bytes(tmp_path, register, content, ext) -> None:
    report = check(tmp_path, register, f"f.{ext}" if ext else "f", content)
    if not content.strip():
        assert not report.accepted


def _mutate(data: bytes, positions: list[int], values: list[int], cut: int | None) -> bytes:
    mutable = bytearray(data)
    for p, v in zip(positions, values, strict=False):
        mutable[p % len(mutable)] = v
    return bytes(mutable[:cut] if cut is not None else mutable)


MUTATED = {"mutated.csv": VALID_CSV, "mutated.xlsx": VALID_XLSX}  # name: the valid file


@SETTINGS
@pytest.mark.parametrize("name", list(MUTATED))
@given(
    positions=st.lists(st.integers(min_value=0), max_size=8),
    values=st.lists(st.integers(min_value=0, max_value=255), max_size=8),
    data=st.data(),
)
def test_mutated_valid_file(tmp_path, register, name, positions, values, data) -> None:
    valid = MUTATED[name]
    cut = data.draw(st.one_of(st.none(), st.integers(min_value=0, max_value=len(valid))), "cut")
    check(tmp_path, register, name, _mutate(valid, positions, values, cut))


@SETTINGS
@given(
    cells=st.lists(
        st.tuples(
            st.text(max_size=30),
            st.text(max_size=12),
            st.text(max_size=30),
            st.text(max_size=12),
            st.text(max_size=50),
        ),
        max_size=30,
    ),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_random_text_cells(tmp_path, register, cells, delimiter) -> None:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["prison_code", "period", "data_element", "value", "note"])
    writer.writerows(cells)
    check(tmp_path, register, "cells.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))


def test_zip_bomb_disguised_as_a_workbook_is_refused_unexpanded(tmp_path, register) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):  # 400 MiB of zeros, about 400 KB packed
                member.write(chunk)
    bomb = buffer.getvalue()
    assert len(bomb) < 2 * 2**20
    tracemalloc.start()
    started = time.perf_counter()
    report = check(tmp_path, register, "quarter.xlsx", bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [i.rule for i in report.errors] == ["file.too_large"]
    assert elapsed < 5
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MiB: the bomb was expanded"


def test_encrypted_workbook(tmp_path, register) -> None:
    cfb = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + b"EncryptedPackage" + b"\0" * 2048
    report = check(tmp_path, register, "protected.xlsx", cfb)
    assert [i.rule for i in report.errors] == ["file.unreadable"]
    assert "password" in report.errors[0].message


def test_formula_cells_are_read_as_their_values(tmp_path, register) -> None:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, ["prison_code", "period", "data_element", "value", "note"])
    for r, row in enumerate(good_rows(), start=1):
        sheet.write_row(r, 0, row[:3])
        sheet.write_formula(r, 3, f"=0+{row[3]}", None, float(row[3]))
    workbook.close()
    report = check(tmp_path, register, "formulas.xlsx", buffer.getvalue())
    assert report.accepted, report.to_text()


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("big.csv", VALID_CSV + b"#" * (10 * 2**20 + 1 - len(VALID_CSV)), "file.too_large"),
        ("nul.csv", VALID_CSV.replace(b"BE-HAS", b"BE-\0HAS", 1), "file.unreadable"),
        ("utf16.csv", csv_text(good_rows()).encode("utf-16"), "file.unreadable"),
        ("long.csv", csv_text(good_rows(receptions="9" * 100_000)).encode(), "value.not_a_number"),
        ("code.csv", csv_text(good_rows("X" * 50_000)).encode(), "prison_code.unknown"),
    ],
)
def test_limits_and_encodings(tmp_path, register, name, content, rule) -> None:
    report = check(tmp_path, register, name, content)
    assert rule in {i.rule for i in report.errors}


def test_exactly_10_mib_is_not_too_large(tmp_path, register) -> None:
    padding = 10 * 2**20 - len(VALID_CSV)
    content = VALID_CSV + b"\n" * padding
    report = check(tmp_path, register, "edge.csv", content)
    assert "file.too_large" not in report.rules


def test_sql_looking_codes_and_formula_notes(tmp_path, register) -> None:
    rows = good_rows()
    rows[1][0] = "'; DROP TABLE prisons; --"
    rows[1][4] = "=cmd|' /C calc'!A0"
    rows[2][4] = "@SUM(1+1)"
    report = check(tmp_path, register, "sql.csv", csv_text(rows).encode())
    assert [(i.rule, i.row) for i in report.errors] == [("prison_code.unknown", 3)]


def test_path_traversal_names_are_only_names(engine_with_register, tmp_path) -> None:
    """An uploaded name is stored as text and never used as a path."""
    from store.accounts import get_account
    from store.history import submission_history
    from store.submissions import ingest_files

    engine = engine_with_register
    path = tmp_path / "upload.bin"
    path.write_bytes(VALID_CSV)
    name = "../../../../tmp/evil.csv"
    [outcome] = ingest_files(engine, [(path, name)], get_account(engine, "min"))
    assert outcome.stored
    assert submission_history(engine)[0]["file_name"] == name
    assert not Path("/tmp/evil.csv").exists()
