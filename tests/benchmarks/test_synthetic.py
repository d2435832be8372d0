"""The benchmarks' synthetic files are accepted clean: they time whole work, not a rejection."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from data_contracts.contract import load_contract
from data_contracts.register import Register, read_register
from data_contracts.validate import validate_file

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import synthetic

PRISONS = 4
QUARTERS = 3


@pytest.mark.parametrize("modules", [(), synthetic.ALL_MODULES])
def test_scale_files_are_accepted_without_a_warning(tmp_path: Path, modules) -> None:
    register_path, files = synthetic.write_scale_set(tmp_path, PRISONS, QUARTERS, 2, modules)
    prisons, issues = read_register(register_path)
    assert issues == []
    register = Register({p.code: p for p in prisons})
    expected = synthetic.elements_per_quarter(modules) * PRISONS * QUARTERS // 2
    for path in files:
        report = validate_file(path, register)
        assert [i.rule for i in report.errors + report.warnings] == []
        assert report.rows == expected


def test_all_modules_write_every_element_and_breakdowns_add_up(tmp_path: Path) -> None:
    contract = load_contract()
    rows = list(
        synthetic.submission_rows(
            ["BX-0001"], synthetic.quarters(20), 10**6, 7, synthetic.ALL_MODULES
        )
    )
    assert {r[2] for r in rows} == set(contract.element_codes)
    for period in synthetic.quarters(20):
        values = {r[2]: float(r[3]) for r in rows if r[1] == period}
        for b in contract.breakdowns:
            parts = sum(values[p] for p in b.parts)
            if b.kind == "partition":
                assert parts == values[b.total]
            else:
                assert parts >= values[b.total]
                assert all(values[p] <= values[b.total] for p in b.parts)


def test_core_only_is_the_v1_scale() -> None:
    contract = load_contract()
    assert synthetic.elements_per_quarter() == len(contract.codes_of(contract.base_module))
