"""The template is written per prison (spec §2, §3, §5): the elements of core and of the
prison's modules, each with its module; filled in, it is accepted clean."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from module_values import MODULE_VALUES, register_with
from submission_files import GOOD_VALUES, PRISONS

from data_contracts.contract import load_contract
from data_contracts.template import template_rows, write_template
from data_contracts.validate import validate_file

TODAY = date(2026, 11, 22)
CONTRACT = load_contract()
PERIOD = "2025-Q3"
FIGURES = {**GOOD_VALUES, **MODULE_VALUES}
# a prison with no module beyond core, and one reporting every other module but the first
MODULE_SETS = [(), tuple(CONTRACT.optional_module_ids[1:])]


def prison_with(modules: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return replace(PRISONS[0], modules=modules)


@pytest.mark.parametrize("modules", MODULE_SETS, ids=lambda m: "+".join(m) or "core")
def test_the_template_lists_the_prisons_elements_with_their_module(modules) -> None:
    rows = template_rows(prison_with(modules), PERIOD, CONTRACT)
    header, body = rows[0], rows[1:]
    code, module = header.index("data_element"), header.index("module")
    expected = CONTRACT.elements_of(CONTRACT.base_module, *modules)
    assert [(r[code], r[module]) for r in body] == [(e.code, e.module) for e in expected]
    left_out = set(CONTRACT.element_codes) - {e.code for e in expected}
    assert left_out == set(CONTRACT.codes_of(*set(CONTRACT.optional_module_ids) - set(modules)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("modules", MODULE_SETS, ids=lambda m: "+".join(m) or "core")
def test_a_filled_template_is_accepted_clean(modules, fmt, tmp_path) -> None:
    prison = prison_with(modules)
    blank = tmp_path / f"blank.{fmt}"
    write_template(blank, prison, PERIOD, fmt)
    if fmt == "csv":
        with open(blank, encoding="utf-8-sig", newline="") as fh:
            table = list(csv.reader(fh))
    else:
        frame = pl.read_excel(blank, sheet_name=CONTRACT.file["excel_sheet"])
        table = [frame.columns, *([str(c or "") for c in r] for r in frame.iter_rows())]
    header = table[0]
    for row in table[1:]:
        row[header.index("value")] = FIGURES[row[header.index("data_element")]]
    filled = tmp_path / "filled.csv"
    with open(filled, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    report = validate_file(filled, register_with(*modules), today=TODAY)
    assert report.accepted and report.issues == [], report.to_text()
    # the same rows for a prison with fewer modules than the file: still clean (spec §3)
    assert validate_file(filled, register_with(), today=TODAY).issues == []
