"""The register's `country` (international.md §1): ISO 3166-1 alpha-2 codes, the codes the
standard leaves to its users, and the setting default_country for a register without the
column (v1 and v2 registers still import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_contracts.contract import load_contract
from data_contracts.countries import DEFAULT_COUNTRY_SETTING, NO_COUNTRY, is_country_code
from data_contracts.register import read_register

CONTRACT = load_contract()
HEADER = "prison_code,name,region,country\n"


def _read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    return read_register(path, CONTRACT)


def test_official_and_user_assigned_codes_only() -> None:
    assert all(is_country_code(c) for c in ("BE", "FR", "NL", "MD", "GE", "XN", "QM", "ZZ"))
    assert not any(is_country_code(c) for c in ("UK", "EU", "be", "BEL", "B", "QA1", ""))


def test_each_prison_has_its_country(tmp_path) -> None:
    prisons, issues = _read(tmp_path, HEADER + "BE-A,A,Flanders,BE\nMD-A,A,Chisinau,MD\n")
    assert issues == []
    assert [p.country for p in prisons] == ["BE", "MD"]


def test_a_wrong_or_empty_country_refuses_the_register_with_its_row(tmp_path) -> None:
    prisons, issues = _read(tmp_path, HEADER + "BE-A,A,Flanders,be\nBE-B,B,Flanders,\nX-1,X,Y,UK\n")
    assert prisons == []
    assert [(i.rule, i.row, i.column) for i in issues] == [
        ("register.country", 2, "country"),
        ("register.required", 3, "country"),
        ("register.country", 4, "country"),
    ]
    assert "'be'" in issues[0].message and "did you mean 'BE'?" in issues[0].message
    assert "did you mean" not in issues[2].message and "ISO 3166-1 alpha-2" in issues[2].message


def test_without_the_column_every_prison_is_of_the_default_country(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(DEFAULT_COUNTRY_SETTING, raising=False)
    prisons, issues = _read(tmp_path, "prison_code,name,region\nBE-A,A,Flanders\n")
    assert issues == [] and prisons[0].country == NO_COUNTRY
    monkeypatch.setenv(DEFAULT_COUNTRY_SETTING, "BE")
    prisons, issues = _read(tmp_path, "prison_code,name,region\nBE-A,A,Flanders\n")
    assert issues == [] and prisons[0].country == "BE"


@pytest.mark.parametrize("setting", ["Belgium", "uk"])
def test_a_wrong_default_country_names_the_setting(tmp_path, monkeypatch, setting) -> None:
    monkeypatch.setenv(DEFAULT_COUNTRY_SETTING, setting)
    prisons, issues = _read(tmp_path, "prison_code,name,region\nBE-A,A,Flanders\n")
    assert prisons == [] and [i.rule for i in issues] == ["register.country"]
    assert DEFAULT_COUNTRY_SETTING in issues[0].message
