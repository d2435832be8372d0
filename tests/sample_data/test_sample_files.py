"""The committed sample data: valid files pass, each invalid file fails its named rule only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from data_contracts.contract import load_contract
from data_contracts.periods import period_index
from data_contracts.register import Register, read_register
from data_contracts.validate import check_files
from sample_data import (
    DEMO_DIRECTOR_PRISON,
    FIRST_QUARTER,
    INVALID_DIR,
    LAST_QUARTER,
    REGISTER_FILE,
    SUBMISSIONS_DIR,
    WARNINGS_DIR,
)

TODAY = date(2026, 11, 22)
STORAGE_RULES = {"authz.prison"}  # judged when a user stores the file (tests/store)
# invalid/ files named after a register rule are registers (submission-format §5), not submissions
REGISTER_RULES = {r["id"] for r in load_contract().register["rules"]}


def rule_of(path: Path) -> str:
    """`value.negative.csv` and `value.negative--variant.csv` both name value.negative."""
    from sample_data.generate import rule_of as rule_of_name

    return rule_of_name(path.name)


@pytest.fixture(scope="module")
def sample_register() -> Register:
    prisons, issues = read_register(REGISTER_FILE)
    assert issues == []
    return Register({p.code: p for p in prisons})


def test_the_register_is_as_promised(sample_register) -> None:
    prisons = list(sample_register.prisons.values())
    assert len(prisons) >= 20
    assert len({p.region for p in prisons}) >= 3
    assert len({p.prison_type for p in prisons}) >= 4
    assert any(p.opened and p.opened > "2023-Q4" for p in prisons)
    assert any(p.closed for p in prisons)
    assert DEMO_DIRECTOR_PRISON in sample_register


def test_every_sample_submission_is_accepted(sample_register) -> None:
    files = sorted(p for p in SUBMISSIONS_DIR.iterdir() if p.is_file())
    series = range(period_index(FIRST_QUARTER), period_index(LAST_QUARTER) + 1)
    in_service = [p for p in sample_register.prisons.values() for i in series if p.open_in(i)]
    assert len(files) == len(in_service), "one file per prison and quarter in service"
    assert {p.suffix for p in files} == {".csv", ".xlsx"}
    results = check_files([(p, p.name) for p in files], sample_register, today=TODAY)
    rejected = [r.report.to_text() for r in results if not r.report.accepted]
    assert rejected == []
    warned = [r.report for r in results if r.report.warnings]
    # notes about values not reported are deliberate; nothing else should warn
    assert {i.rule for r in warned for i in r.warnings} <= {"completeness.missing_elements"}
    periods = {p for r in results for p in r.report.periods}
    assert max(periods) == LAST_QUARTER
    assert len(periods) == len(series)


def test_every_error_rule_has_an_invalid_file() -> None:
    named = {rule_of(p) for p in INVALID_DIR.iterdir()}
    errors = {r.id for r in load_contract().rules if r.severity == "error"}
    assert errors <= named, errors - named


@pytest.mark.parametrize("path", sorted(INVALID_DIR.iterdir()), ids=lambda p: p.name)
def test_invalid_file_is_rejected_with_its_rule(path, sample_register) -> None:
    rule = rule_of(path)
    if rule in REGISTER_RULES:
        prisons, issues = read_register(path)
        assert prisons == [] and issues, "a register with an error stores no prison"
        assert {i.rule for i in issues} == {rule}, [i.message for i in issues]
        return
    [checked] = check_files([(path, path.name)], sample_register, today=TODAY)
    report = checked.report
    if rule in STORAGE_RULES:
        assert report.accepted, "storage-time files must pass validation; tests/store refuse them"
        return
    assert not report.accepted
    assert {i.rule for i in report.errors} == {rule}, report.to_text()
    for issue in report.errors:
        assert issue.message and "{" not in issue.message


@pytest.mark.parametrize("path", sorted(WARNINGS_DIR.iterdir()), ids=lambda p: p.name)
def test_warning_file_is_accepted_with_its_warning(path, sample_register) -> None:
    [checked] = check_files([(path, path.name)], sample_register, today=TODAY)
    assert checked.report.accepted, checked.report.to_text()
    assert {i.rule for i in checked.report.warnings} == {rule_of(path)}


def test_the_generator_is_deterministic(tmp_path) -> None:
    """Regenerating (into a temporary folder) writes the committed bytes again."""
    import hashlib

    from sample_data import SAMPLE_DIR, generate

    generate.main(tmp_path)

    def digest(folder: Path) -> dict[str, str]:
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in {".csv", ".xlsx", ".parquet", ".xls"}
        }

    assert digest(tmp_path) == digest(SAMPLE_DIR)
