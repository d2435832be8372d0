"""breakdown.sum (spec §3.3, §4): one rule for every breakdown the contract declares.

A partition's parts, all reported, add up to its total, and those reported never add up to
more; an overlapping breakdown's parts, all reported, add up to at least its total. The error
is on the total's row and names the parts and their sum. Which breakdowns exist, their parts
and their kinds are read from the contract; no test types them in.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from submission_files import GOOD_VALUES, csv_text, good_rows

from data_contracts.contract import CONTRACT_PATH, contract_from_mapping, load_contract
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)
RULE = "breakdown.sum"
CONTRACT = load_contract()
# a total where the core return gives none (its value bounded by no pair of the parts)
TOTAL_VALUE = 60


def of_kind(kind: str):  # type: ignore[no-untyped-def]
    return next(b for b in CONTRACT.breakdowns if b.kind == kind)


def split(total: int, n: int, target: int) -> list[int]:
    """n parts, each within total, adding up to target."""
    parts = [target // n] * n
    parts[0] += target - sum(parts)
    assert all(0 <= p <= total for p in parts) and sum(parts) == target
    return parts


def file_rows(breakdown, parts: list[int | None], total: int = TOTAL_VALUE):  # type: ignore[no-untyped-def]
    """The core return, the total set, then one row per part (None: left empty)."""
    values = {breakdown.total: str(total)}
    core = good_rows(**{k: v for k, v in values.items() if k in GOOD_VALUES})
    extra = (
        [] if breakdown.total in GOOD_VALUES else [[*core[0][:2], breakdown.total, str(total), ""]]
    )
    cells = [
        [*core[0][:2], code, "" if value is None else str(value), ""]
        for code, value in zip(breakdown.parts, parts, strict=True)
    ]
    return [*core, *extra, *cells]


def check(write, register, rows, contract=CONTRACT):  # type: ignore[no-untyped-def]
    return validate_file(write("bd.csv", csv_text(rows)), register, today=TODAY, contract=contract)


def hits(report) -> list:  # type: ignore[no-untyped-def]
    return [i for i in report.issues if i.rule == RULE]


def row_of(rows, code: str) -> int:  # type: ignore[no-untyped-def]
    return next(n for n, r in enumerate(rows, start=2) if r[2] == code)


@pytest.mark.parametrize("kind", ["partition", "overlapping"])
def test_parts_that_add_up_to_the_total_pass(kind, write, register) -> None:
    b = of_kind(kind)
    report = check(write, register, file_rows(b, split(TOTAL_VALUE, len(b.parts), TOTAL_VALUE)))
    assert hits(report) == [] and report.accepted, report.to_text()


@pytest.mark.parametrize(
    ("kind", "target", "fails"),
    [
        ("partition", TOTAL_VALUE - 1, True),  # a person in no part
        ("partition", TOTAL_VALUE + 1, True),  # a person in two parts
        ("overlapping", TOTAL_VALUE - 1, True),  # a person in no part
        ("overlapping", TOTAL_VALUE * 2, False),  # persons in several parts: fine
    ],
)
def test_parts_all_reported(kind, target, fails, write, register) -> None:
    b = of_kind(kind)
    rows = file_rows(b, split(TOTAL_VALUE * 2, len(b.parts), target))
    found = hits(check(write, register, rows))
    if not fails:
        assert found == []
        return
    [issue] = found
    assert (issue.row, issue.column, issue.data_element, issue.severity) == (
        row_of(rows, b.total),
        "value",
        b.total,
        "error",
    )
    for part in b.parts:
        assert f"{part} (" in issue.message and f"row {row_of(rows, part)}" in issue.message
    assert f"add up to {target}" in issue.message or f"add up to only {target}" in issue.message
    assert b.meaning in issue.message and "Correct" in issue.message


def test_a_partition_whose_reported_parts_exceed_the_total_fails(write, register) -> None:
    b = of_kind("partition")
    # all but the last part reported, each within the total, together more than it
    parts: list[int | None] = [*split(TOTAL_VALUE, len(b.parts) - 1, TOTAL_VALUE + 2), None]
    rows = file_rows(b, parts)
    [issue] = hits(check(write, register, rows))
    assert issue.row == row_of(rows, b.total)
    assert f"already add up to {TOTAL_VALUE + 2}" in issue.message
    assert b.parts[-1] not in issue.message  # only the parts reported are named


@pytest.mark.parametrize("kind", ["partition", "overlapping"])
def test_parts_partly_reported_within_the_total_pass(kind, write, register) -> None:
    b = of_kind(kind)
    parts: list[int | None] = [*split(TOTAL_VALUE, len(b.parts) - 1, TOTAL_VALUE - 5), None]
    assert hits(check(write, register, file_rows(b, parts))) == []


@pytest.mark.parametrize("kind", ["partition", "overlapping"])
def test_nothing_is_judged_without_a_total(kind, write, register) -> None:
    b = of_kind(kind)
    rows = file_rows(b, split(TOTAL_VALUE, len(b.parts), 1))
    rows = [[*r[:3], "" if r[2] == b.total else r[3], r[4]] for r in rows]  # total left empty
    assert hits(check(write, register, rows)) == []


def test_every_breakdown_of_the_contract_is_checked_by_the_one_rule(write, register) -> None:
    """A breakdown added to the contract's data is checked with no change of code."""
    raw = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))
    first, second = CONTRACT.pairs[0]  # a core subset pair: as if the subset had one part
    raw["breakdowns"].append(
        {"id": "test_only", "kind": "partition", "total": second, "parts": [first]}
    )
    contract = contract_from_mapping(raw)
    rows = good_rows()  # the subset is smaller than its whole: not all of the total
    report = check(write, register, rows, contract)
    [issue] = hits(report)
    assert (issue.data_element, issue.row) == (second, row_of(rows, second))
    assert hits(check(write, register, rows)) == []  # the contract as it is: no such breakdown


def test_the_contract_refuses_a_breakdown_of_unknown_elements() -> None:
    raw = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))
    raw["breakdowns"].append(
        {"id": "bad", "kind": "partition", "total": "no_such_code", "parts": ["receptions"]}
    )
    with pytest.raises(ValueError, match="breakdown bad"):
        contract_from_mapping(raw)
    raw["breakdowns"][-1] = {"id": "odd", "kind": "nested", "total": "receptions", "parts": []}
    with pytest.raises(ValueError, match="kind 'nested'"):
        contract_from_mapping(raw)


def test_breakdown_errors_sort_with_the_others(write, register) -> None:
    """By row, as every rule: a pair broken on an earlier row comes first."""
    b = of_kind("partition")
    first, second = CONTRACT.pairs[0]
    rows = file_rows(b, split(TOTAL_VALUE, len(b.parts), TOTAL_VALUE - 1))
    rows = [[*r[:3], str(int(GOOD_VALUES[second]) + 1), r[4]] if r[2] == first else r for r in rows]
    report = check(write, register, rows)
    order = CONTRACT.rule_order
    keys = [(i.row, order[i.rule]) for i in report.errors]
    assert keys == sorted(keys)
    assert [i.rule for i in report.errors] == ["pair.exceeds", RULE]  # both on the total's row
