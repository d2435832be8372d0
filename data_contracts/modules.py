"""What a prison must report follows its modules (spec §3, §5): completeness.missing_elements.

Every prison reports the contract's base module; the register names the further modules a
prison reports. A prison-quarter that lacks an element of those modules gets one warning
naming the missing codes; an element of a module the prison does not report is never
missing, and reporting it is fine.
"""

from __future__ import annotations

import polars as pl

from data_contracts.contract import Contract
from data_contracts.register import Prison, Register
from data_contracts.report import Issue, make_issue

RULE = "completeness.missing_elements"


def modules_of(prison: Prison | None, contract: Contract) -> list[str]:
    """The modules a prison reports, in the contract's order (the base module for a prison
    the register does not have)."""
    base = contract.base_module
    if prison is None:
        return [base]
    return [m for m in contract.module_ids if prison.reports(m, base)] or [base]


def expected_codes(prison: Prison | None, contract: Contract) -> list[str]:
    """The element codes the prison must report each quarter, in the contract's order."""
    return contract.codes_of(*modules_of(prison, contract))


def completeness_issues(frame: pl.DataFrame, contract: Contract, register: Register) -> list[Issue]:
    """One warning per prison-quarter in scope (`in_scope`) that lacks an element it must
    report; a value left empty is not reported."""
    reported = (
        frame.filter(pl.col("in_scope"))
        .group_by("prison_code", "period")
        .agg(pl.col("data_element").filter(pl.col("value").is_not_null()).unique().alias("have"))
        .sort("prison_code", "period")
    )
    issues = []
    for g in reported.iter_rows(named=True):
        prison = register.prisons.get(g["prison_code"])
        expected = expected_codes(prison, contract)
        have = set(g["have"])
        missing = [c for c in expected if c not in have]
        if missing:
            issues.append(
                make_issue(
                    RULE,
                    prison_code=g["prison_code"],
                    period=g["period"],
                    count=len(missing),
                    elements=len(expected),
                    modules=", ".join(modules_of(prison, contract)),
                    missing=", ".join(missing),
                    contract=contract,
                )
            )
    return issues
