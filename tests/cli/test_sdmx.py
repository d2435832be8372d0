"""`indicators --format sdmx-csv` (international.md §4): SDMX-CSV 2.0 read back by pysdmx
against the data structure shipped in docs/sdmx/, every coded value in its codelist, every
figure the suppressed indicator table's, and the shipped structure never stale."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from indicators.sdmx import COLUMNS, STRUCTURE_FILE, structure_xml


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    from tests.dashboard.sample_database import sample_database

    folder = tmp_path_factory.mktemp("sdmx")
    sample_database(folder)
    return folder


def _run(monkeypatch, folder: Path, *args: str) -> int:
    from cli.main import main

    monkeypatch.setenv("PRISON_MONITOR_DB", f"sqlite:///{folder / 'pm.db'}")
    return main(list(args))


def test_the_shipped_structure_is_the_registrys() -> None:
    assert STRUCTURE_FILE.read_text(encoding="utf-8") == structure_xml(), (
        "docs/sdmx/ is stale: run .venv/bin/python -m indicators.sdmx"
    )


def test_sdmx_csv_reads_back_against_the_structure(sample, monkeypatch, tmp_path) -> None:
    from pysdmx.io import get_datasets, read_sdmx

    out = tmp_path / "pm.sdmx.csv"
    assert (
        _run(
            monkeypatch,
            sample,
            "indicators",
            "--format",
            "sdmx-csv",
            "--level",
            "region",
            "--output",
            str(out),
        )
        == 0
    )
    tables = []
    for level in ("national", "region"):
        path = tmp_path / f"{level}.csv"
        assert (
            _run(
                monkeypatch,
                sample,
                "indicators",
                "--level",
                level,
                "--suppress",
                "--output",
                str(path),
            )
            == 0
        )
        tables.append(pl.read_csv(path, infer_schema_length=None))
    rows = pl.concat(tables, how="vertical_relaxed")
    structures = read_sdmx(STRUCTURE_FILE, validate=True).structures
    [dataset] = get_datasets(out, STRUCTURE_FILE)
    assert dataset.short_urn.endswith("PRISON_DRUG_SERVICES(1.0)")
    data = dataset.data
    assert list(pl.read_csv(out, n_rows=0).columns) == list(COLUMNS)
    assert [c.id for c in dataset.structure.components] == list(COLUMNS[3:])
    lists = {s.id: {c.id for c in s.items} for s in structures if s.id.startswith("CL_")}
    for column, codelist in (
        ("FREQ", "CL_FREQ"),
        ("INDICATOR", "CL_INDICATOR"),
        ("UNIT_MEASURE", "CL_UNIT_MEASURE"),
        ("OBS_STATUS", "CL_OBS_STATUS"),
    ):
        assert set(data[column]) <= lists[codelist], column

    written = pl.read_csv(out, infer_schema_length=None)
    assert written.height == rows.height
    assert set(written["OBS_STATUS"]) == {"A", "C", "M"}  # the sample has all three
    hidden = written.filter(pl.col("OBS_STATUS") == "C")
    assert (
        hidden.select("OBS_VALUE", "NUMERATOR", "DENOMINATOR", "LOWER_95").null_count().row(0)
        == (hidden.height,) * 4
    )
    shown = rows.filter(~pl.col("suppressed") & pl.col("value").is_not_null())
    normal = written.filter(pl.col("OBS_STATUS") == "A")
    keys = ("indicator", "period", "value", "numerator", "denominator", "prisons")
    expected = sorted((r[0].upper(), *r[1:]) for r in shown.select(keys).iter_rows())
    got = normal.select(
        "INDICATOR", "TIME_PERIOD", "OBS_VALUE", "NUMERATOR", "DENOMINATOR", "UNIT_COUNT"
    )
    assert sorted(got.iter_rows()) == expected
    assert written.filter(pl.col("OBS_STATUS") == "C").height == rows["suppressed"].sum()
    national = written.filter(~pl.col("REF_AREA").str.contains("-"))
    assert set(national["REF_AREA"]) == set(rows.filter(pl.col("level") == "national")["country"])


def test_sdmx_csv_refuses_prison_rows(sample, monkeypatch, capsys) -> None:
    assert _run(monkeypatch, sample, "indicators", "--format", "sdmx-csv", "--level", "prison") == 2
    assert "national and region rows only" in capsys.readouterr().err
