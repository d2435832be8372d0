"""completeness.missing_elements follows each prison's modules (spec §3, §4, §5): a prison-quarter
must report every element of the base module and of the modules its register row names; the
elements of other modules are never missing, and reporting them is fine."""

from __future__ import annotations

from datetime import date

from module_values import MODULE_VALUES, register_with
from submission_files import csv_text, good_rows

from data_contracts.contract import load_contract
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)
RULE = "completeness.missing_elements"
CONTRACT = load_contract()
OPTIONAL = CONTRACT.optional_module_ids
REPORTED, NOT_REPORTED = OPTIONAL[0], OPTIONAL[1]  # the prison's module; one it does not report


def module_rows(*modules: str) -> list[list[str]]:
    key = good_rows()[0][:2]
    return [[*key, code, MODULE_VALUES[code], ""] for code in CONTRACT.codes_of(*modules)]


def warnings(write, register, rows):  # type: ignore[no-untyped-def]
    report = validate_file(write("c.csv", csv_text(rows)), register, today=TODAY)
    assert report.accepted, report.to_text()
    return [i for i in report.warnings if i.rule == RULE]


def test_a_prison_with_a_module_must_report_its_elements(write) -> None:
    [issue] = warnings(write, register_with(REPORTED), good_rows())
    missing = CONTRACT.codes_of(REPORTED)
    assert issue.message.endswith(
        "Add them if you have them; the indicators that need them cannot be computed."
    )
    assert f": {', '.join(missing)}." in issue.message
    expected = len(CONTRACT.expected_codes([REPORTED]))
    assert f"{len(missing)} of the {expected} data elements" in issue.message
    assert f"({CONTRACT.base_module}, {REPORTED})" in issue.message
    assert issue.row is None and (issue.prison_code, issue.period) == ("BE-HAS", "2025-Q3")


def test_elements_of_other_modules_are_never_missing(write) -> None:
    # core only: reporting part of another module is fine, and the rest of it is not missing
    partial = module_rows(NOT_REPORTED)[:1]
    assert warnings(write, register_with(), [*good_rows(), *partial]) == []
    # a prison with a module: only that module's elements can be missing
    rows = [*good_rows(), *module_rows(REPORTED)]
    assert warnings(write, register_with(REPORTED), rows) == []


def test_the_missing_codes_are_those_of_the_prisons_modules_only(write) -> None:
    rows = [*good_rows(), *module_rows(REPORTED)[1:], *module_rows(NOT_REPORTED)[1:]]
    [issue] = warnings(write, register_with(REPORTED), rows)
    assert issue.message.split(": ")[-1].split(".")[0] == CONTRACT.codes_of(REPORTED)[0]


def test_a_core_element_left_empty_is_missing_for_every_prison(write) -> None:
    code = CONTRACT.codes_of(CONTRACT.base_module)[-1]
    rows = [[*r[:3], "" if r[2] == code else r[3], r[4]] for r in good_rows()]
    for register in (register_with(), register_with(*OPTIONAL)):
        [issue] = warnings(write, register, [*rows, *module_rows(*OPTIONAL)])
        assert issue.message.split(": ")[-1].startswith(f"{code}.")
