"""Check one submitted file against the contract: the engine behind `validate`.

Reading, header mapping, the row-level expectations (Great Expectations) and
the set-level rules (Polars) all report into one ValidationReport; every
problem is reported, not only the first. For an accepted file the clean
values come back too, ready to be stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from data_contracts import checks
from data_contracts.contract import Contract, load_contract
from data_contracts.gx_bridge import failing_rows
from data_contracts.periods import last_ended_quarter
from data_contracts.prepare import prepare
from data_contracts.reader import FileRejected, read_submission
from data_contracts.register import Register
from data_contracts.report import ValidationReport, make_issue

VALUES_SCHEMA = {
    "row": pl.Int64,
    "prison_code": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
    "data_element": pl.String,
    "value": pl.Float64,
    "note": pl.String,
}


@dataclass
class CheckedFile:
    report: ValidationReport
    # One row per data row of an accepted file (VALUES_SCHEMA); None when rejected.
    values: pl.DataFrame | None


def check_file(
    path: Path,
    register: Register,
    *,
    name: str | None = None,
    today: date | None = None,
    history: pl.DataFrame | None = None,
    contract: Contract | None = None,
) -> CheckedFile:
    """The verdict on a file, as its sender would see it; `name` is the name it was sent under."""
    contract = contract or load_contract()
    today = today or date.today()
    report = ValidationReport(file=name or path.name)
    try:
        raw = read_submission(path, contract, name=report.file)
    except FileRejected as exc:
        report.add(exc.issue)
        return CheckedFile(report, None)
    report.add(*raw.issues)
    prepared = prepare(raw, contract)
    report.add(*prepared.issues)
    frame = prepared.frame
    report.rows = frame.height
    report.prisons = sorted(frame["prison_code"].drop_nulls().unique().to_list())
    report.periods = sorted(frame["period"].drop_nulls().unique().to_list())
    if frame.height == 0:
        if not raw.header:
            report.issues = [i for i in report.issues if i.rule == "file.encoding"]
        detail = "" if raw.header else " (not even a header line)"
        report.add(make_issue("file.empty", detail=detail, contract=contract))
        report.sort(contract)
        return CheckedFile(report, None)
    if not (set(contract.column_names) - prepared.missing):
        report.issues = [
            make_issue(
                "file.unreadable",
                detail=(
                    "No header line was found: the first non-empty line must name the columns "
                    f"{', '.join(contract.required_columns)} (and optionally note)."
                ),
                contract=contract,
            )
        ]
        report.prisons, report.periods = [], []
        return CheckedFile(report, None)
    params = {
        "register": register.codes,
        "data_elements": contract.element_codes,
        "last_ended_quarter": last_ended_quarter(today),
    }
    failures = failing_rows(frame, contract, params, skip_sources=prepared.missing)
    report.add(*checks.row_issues(failures, frame, contract, register, today))
    report.add(
        *checks.set_issues(
            frame, contract, register, prepared.missing, params["last_ended_quarter"]
        )
    )
    if history is not None and not prepared.missing:
        report.add(*checks.outlier_issues(frame, history, contract))
    report.sort(contract)
    if not report.accepted:
        return CheckedFile(report, None)
    values = frame.select(
        "row",
        "prison_code",
        "period",
        "period_index",
        "data_element",
        pl.col("value_number").alias("value"),
        "note",
    )
    return CheckedFile(report, values.cast(VALUES_SCHEMA))  # type: ignore[arg-type]


def validate_file(path: Path, register: Register, **kwargs) -> ValidationReport:
    return check_file(path, register, **kwargs).report
