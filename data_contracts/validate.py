"""Check submitted files against the contract: the engine behind `validate` and `ingest`.

Reading, header mapping, the row-level expectations (Great Expectations) and
the set-level rules (Polars) all report into one ValidationReport per file;
every problem is reported, not only the first. For an accepted file the clean
values come back too, ready to be stored.

Great Expectations spends a few tenths of a second building its metric graph
per run, whatever the size of the data, so many files are checked in one run
(their rows stacked, each with a unique id) and the failures handed back to
the file they came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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
History = pl.DataFrame | Callable[[list[str]], pl.DataFrame]
Progress = Callable[[str, int, int], None]
# Rows checked in one Great Expectations run at most (bounds memory in bulk ingests).
GX_BATCH_ROWS = 250_000


@dataclass
class CheckedFile:
    report: ValidationReport
    # One row per data row of an accepted file (VALUES_SCHEMA); None when rejected.
    values: pl.DataFrame | None


@dataclass
class _Pending:
    report: ValidationReport
    frame: pl.DataFrame | None = None  # the prepared frame, while rows still need checking
    missing: frozenset[str] = frozenset()


def _read(path: Path, name: str, contract: Contract) -> _Pending:
    """Read and prepare one file; a file that cannot be checked further comes back finished."""
    report = ValidationReport(file=name)
    try:
        raw = read_submission(path, contract, name=name)
    except FileRejected as exc:
        report.add(exc.issue)
        return _Pending(report)
    report.add(*raw.issues)
    prepared = prepare(raw, contract)
    report.add(*prepared.issues)
    frame = prepared.frame
    report.rows = frame.height
    report.prisons = sorted(frame["prison_code"].drop_nulls().unique().to_list())
    report.periods = sorted(frame["period"].drop_nulls().unique().to_list())
    report.quarters = [
        tuple(q)  # type: ignore[misc]
        for q in frame.filter(
            pl.col("prison_code").is_not_null() & pl.col("period_index").is_not_null()
        )
        .select("prison_code", "period", "period_index")
        .unique()
        .sort("prison_code", "period_index")
        .iter_rows()
    ]
    if frame.height == 0 and "row.malformed" in report.rules:
        return _Pending(report)  # e.g. an unclosed quote in the first data row: not "empty"
    if frame.height == 0:
        if not raw.header:
            report.issues = [i for i in report.issues if i.rule == "file.encoding"]
        detail = "" if raw.header else contract.phrase("no_header_line")
        report.add(make_issue("file.empty", detail=detail, contract=contract))
        return _Pending(report)
    if not (set(contract.column_names) - prepared.missing):
        report.issues = [
            make_issue(
                "file.unreadable",
                detail=contract.phrase("no_header", columns=", ".join(contract.required_columns)),
                contract=contract,
            )
        ]
        report.prisons, report.periods, report.rows = [], [], 0
        return _Pending(report)
    return _Pending(report, frame, frozenset(prepared.missing))


def _batches(pending: list[_Pending]) -> Iterator[list[int]]:
    """Indexes of files to check together: same columns, bounded rows."""
    groups: dict[frozenset[str], list[int]] = {}
    for i, p in enumerate(pending):
        if p.frame is not None:
            groups.setdefault(p.missing, []).append(i)
    for members in groups.values():
        batch: list[int] = []
        rows = 0
        for i in members:
            height = pending[i].frame.height  # type: ignore[union-attr]
            if batch and rows + height > GX_BATCH_ROWS:
                yield batch
                batch, rows = [], 0
            batch.append(i)
            rows += height
        if batch:
            yield batch


def check_files(
    files: Sequence[tuple[Path, str]],
    register: Register,
    *,
    today: date | None = None,
    history: History | None = None,
    contract: Contract | None = None,
    progress: Progress | None = None,
) -> list[CheckedFile]:
    """The verdict on each (path, name as sent) file, as its sender would see it.

    `history` gives the stored values of the file's prisons (for
    outlier.history): a frame, or a function of the prison codes.
    `progress(stage, done, total)` is told how far the work is.
    """
    contract = contract or load_contract()
    today = today or date.today()
    pending = []
    for n, (path, name) in enumerate(files, start=1):
        if progress:
            progress("reading", n, len(files))
        pending.append(_read(path, name, contract))
    params = {
        "register": register.codes,
        "data_elements": contract.element_codes,
        "last_ended_quarter": last_ended_quarter(today),
    }
    failures: dict[int, pl.DataFrame] = {}
    for batch in _batches(pending):
        if progress:
            progress("checking", len(failures), len(pending))
        stacked = pl.concat(
            pending[i].frame.with_columns(pl.lit(i).alias("file"))  # type: ignore[union-attr]
            for i in batch
        ).with_row_index("uid")
        found = failing_rows(
            stacked, contract, params, skip_sources=set(pending[batch[0]].missing), key="uid"
        ).join(stacked.select("uid", "file", "row"), on="uid")
        for i in batch:
            failures[i] = found.filter(pl.col("file") == i).drop("uid", "file")
    results = []
    for i, p in enumerate(pending):
        if p.frame is None:
            p.report.sort(contract)
            results.append(CheckedFile(p.report, None))
            continue
        results.append(_finish(p, failures[i], register, today, history, params, contract))
    return results


def _finish(
    p: _Pending,
    failures: pl.DataFrame,
    register: Register,
    today: date,
    history: History | None,
    params: dict,
    contract: Contract,
) -> CheckedFile:
    frame, report = p.frame, p.report
    assert frame is not None
    report.add(*checks.row_issues(failures, frame, contract, register, today))
    report.add(
        *checks.set_issues(frame, contract, register, p.missing, params["last_ended_quarter"])
    )
    if history is not None and not p.missing:
        past = history(report.prisons) if callable(history) else history
        report.add(*checks.outlier_issues(frame, past, contract))
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


def check_file(path: Path, register: Register, *, name: str | None = None, **kwargs) -> CheckedFile:
    """One file; `name` is the name it was sent under (default: the path's)."""
    return check_files([(path, name or path.name)], register, **kwargs)[0]


def validate_file(path: Path, register: Register, **kwargs) -> ValidationReport:
    return check_file(path, register, **kwargs).report
