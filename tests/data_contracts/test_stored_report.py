"""A stored report keeps a bounded number of issues per rule, and the true totals."""

from __future__ import annotations

import json

from data_contracts.contract import load_contract
from data_contracts.report import STORED_ISSUES_PER_RULE, ValidationReport, make_issue

CONTRACT = load_contract()
MANY = 100_000


def report_of(bad_rows: int) -> ValidationReport:
    report = ValidationReport(file="junk.csv", rows=bad_rows)
    for row in range(2, bad_rows + 2):
        report.add(make_issue("value.not_a_number", row=row, column="value", value="x"))
    report.add(make_issue("file.encoding", contract=CONTRACT))
    return report


def test_a_file_of_many_bad_rows_makes_a_small_stored_report() -> None:
    full = report_of(MANY)
    stored = full.to_stored_dict()
    assert len(stored["errors"]) == STORED_ISSUES_PER_RULE
    assert stored["totals"] == {"value.not_a_number": MANY, "file.encoding": 1}
    assert stored["left_out"] == {"value.not_a_number": MANY - STORED_ISSUES_PER_RULE}
    assert [e["row"] for e in stored["errors"]] == list(range(2, STORED_ISSUES_PER_RULE + 2))
    assert stored["warnings"] == full.to_dict()["warnings"]
    assert len(json.dumps(stored)) < len(json.dumps(full.to_dict())) / 100
    # every key of the spec's report is kept, with the verdict of the whole file
    assert set(full.to_dict()) <= set(stored)
    assert stored["accepted"] is False


def test_a_report_under_the_cap_is_stored_whole() -> None:
    full = report_of(STORED_ISSUES_PER_RULE)
    stored = full.to_stored_dict()
    assert stored["errors"] == full.to_dict()["errors"]
    assert stored["left_out"] == {}
