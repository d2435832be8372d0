"""Ingest: a checked file becomes an immutable submission, or a recorded refusal.

Each file is one transaction: its upload (name, sha256, original bytes, who,
when), one submission per prison-quarter with its version, every value with
its note, and the audit entries, all stored or none. A prison-quarter's
current submission is its highest version (`store.versions`); an earlier one
is superseded by the insert of a newer one, never by an update. A rejected or
refused file is recorded with its report and stores no values and no content;
its history entries name only the prison-quarters its sender may submit for,
so probing another prison leaves no trace in that prison's history.

This module decides; `store.writer` holds the SQL that writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from data_contracts.report import ValidationReport
from store import audit, writer
from store.accounts import Account
from store.db import write_transaction
from store.prisons import prison_countries
from store.storage_rules import storage_refusal
from store.verdict import may_see, replaces_issues, withhold_unseen
from store.versions import current_versions, data_version, latest_versions

__all__ = [
    "IngestOutcome",
    "ReplaceRefused",
    "attempted_quarters",
    "current_versions",
    "data_version",
    "ingest_files",
]

# Times a file's transaction is tried when another ingest took its version (or the lock).
RETRIES = 8
# Seconds waited after the n-th failed try, times n.
RETRY_BACKOFF_SECONDS = 0.05


@dataclass
class IngestOutcome:
    report: ValidationReport
    stored: bool = False
    upload_id: int | None = None
    submission_ids: list[int] = field(default_factory=list)
    refusal: str | None = None  # why a file the contract accepts was not stored

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.report.to_dict(),
            "stored": self.stored,
            "upload_id": self.upload_id,
            "submission_ids": self.submission_ids,
            "refusal": self.refusal,
        }


class ReplaceRefused(Exception):
    """The file may not be stored as it is (it would supersede accepted submissions and
    replacing was not asked for; a quarter is locked; a prison-quarter is approved)."""


def ingest_files(
    engine: Engine,
    files: Sequence[tuple[Path, str]],
    account: Account,
    *,
    replace: bool = False,
    reason: str | None = None,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[IngestOutcome]:
    """Check each (path, name as sent) file as `account` and store it on its own.

    `reason`: why the ministry replaces an approved prison-quarter (governance.md §1)."""
    from store.verdict import check_as, refusal_reason

    verdicts = check_as(engine, files, account, today=today, progress=progress, with_replaces=False)
    outcomes = []
    for n, ((path, name), verdict) in enumerate(zip(files, verdicts, strict=True), start=1):
        if progress:
            progress("storing", n - 1, len(files))
        result, report = verdict.checked, verdict.report
        if not report.accepted or result.values is None:
            # refused (only storage rules failed: not allowed) or rejected by the contract
            refusal = refusal_reason(report)
            outcomes.append(_record_refusal(engine, path, name, account, report, refusal))
            continue
        outcomes.append(_store(engine, path, name, account, report, result.values, replace, reason))
    return outcomes


def attempted_quarters(
    report: ValidationReport, account: Account, countries: Mapping[str, str]
) -> list[tuple[str, str, int]]:
    """The prison-quarters a file that was not stored enters in the history: those its rows
    name (well-formed codes only) that `account` may submit for, never another prison's.
    """
    return [
        q
        for q in report.quarters
        if len(q[0]) <= writer.MAX_CODE_LENGTH and may_see(account, q[0], countries)
    ][: writer.MAX_ATTEMPTED_QUARTERS]


def _record_refusal(
    engine: Engine,
    path: Path,
    name: str,
    account: Account,
    report: ValidationReport,
    refusal: str | None,
) -> IngestOutcome:
    quarters = attempted_quarters(report, account, prison_countries(engine))
    upload_id = writer.record_attempt(engine, path, name, account, report, refusal, quarters)
    return IngestOutcome(report, refusal=refusal, upload_id=upload_id)


def _store(
    engine: Engine,
    path: Path,
    name: str,
    account: Account,
    report: ValidationReport,
    values: pl.DataFrame,
    replace: bool,
    reason: str | None = None,
) -> IngestOutcome:
    content = path.read_bytes()
    quarters = (
        values.select("prison_code", "period", "period_index")
        .unique()
        .sort("prison_code", "period_index")
    )
    base_issues = list(report.issues)
    for attempt in range(RETRIES):
        report.issues = list(base_issues)
        try:
            with write_transaction(engine) as conn:
                return _insert(
                    conn, content, name, account, report, values, quarters, replace, reason
                )
        except ReplaceRefused as exc:
            return _record_refusal(engine, path, name, account, report, str(exc))
        except (IntegrityError, OperationalError):
            # Another ingest took the same version number (or the lock) first: try again.
            if attempt == RETRIES - 1:
                raise
            time.sleep(RETRY_BACKOFF_SECONDS * (attempt + 1))
    raise AssertionError("unreachable")


def _insert(
    conn: Connection,
    content: bytes,
    name: str,
    account: Account,
    report: ValidationReport,
    values: pl.DataFrame,
    quarters: pl.DataFrame,
    replace: bool,
    reason: str | None = None,
) -> IngestOutcome:
    """Inside the write transaction: judge `submission.replaces`, locked quarters and approved
    prison-quarters again, then write it all."""
    writer.lock_quarters(conn, quarters)
    latest = latest_versions(conn, quarters)
    rows = list(quarters.select("prison_code", "period", "period_index").iter_rows())
    governed = storage_refusal(conn, account, rows, latest, reason)
    if governed is not None:
        raise ReplaceRefused(governed)
    replaced = [q for q in rows if (q[0], q[2]) in latest]
    report.add(*replaces_issues(rows, latest))
    withhold_unseen(
        report, account, prison_countries(conn)
    )  # a stored file is the account's own; kept as a fence
    report.sort()
    if replaced and not replace:
        listed = ", ".join(f"{code} {period}" for code, period, _ in replaced)
        raise ReplaceRefused(
            f"{listed} already {'has' if len(replaced) == 1 else 'have'} an accepted submission; "
            "nothing was stored. To replace it, send the file again with --replace "
            "(in the dashboard: confirm the replacement)."
        )
    upload_id = writer.insert_upload(conn, content, name, account, report, accepted=True)
    plan = [
        {
            "upload_id": upload_id,
            "prison_code": q["prison_code"],
            "period": q["period"],
            "period_index": q["period_index"],
            "version": 1
            + latest.get((q["prison_code"], q["period_index"]), {"version": 0})["version"],
            "accepted": True,
        }
        for q in quarters.iter_rows(named=True)
    ]
    inserted = writer.insert_submissions(conn, plan)
    ids = pl.DataFrame(
        {
            "submission_id": inserted,
            "prison_code": [sub["prison_code"] for sub in plan],
            "period_index": [sub["period_index"] for sub in plan],
        },
        schema={"submission_id": pl.Int64, "prison_code": pl.String, "period_index": pl.Int64},
    )
    writer.insert_values(conn, values.join(ids, on=["prison_code", "period_index"]))
    entries = _audit_entries(plan, inserted, latest, upload_id, name)
    if reason and replaced:
        entries = [(a, s, {**d, "reason": reason}) for a, s, d in entries]
    audit.record_many(conn, account.name, entries)
    return IngestOutcome(report, stored=True, upload_id=upload_id, submission_ids=inserted)


def _audit_entries(
    plan: list[dict],
    inserted: list[int],
    latest: dict[tuple[str, int], dict[str, Any]],
    upload_id: int,
    name: str,
) -> list[tuple[str, str, dict[str, Any]]]:
    """One `submission.accept` per stored prison-quarter, and a `submission.supersede` for each
    accepted submission it replaced."""
    entries = []
    for sub, sid in zip(plan, inserted, strict=True):
        subject = f"{sub['prison_code']} {sub['period']}"
        entries.append(
            (
                "submission.accept",
                subject,
                {
                    "submission_id": sid,
                    "version": sub["version"],
                    "upload_id": upload_id,
                    "file_name": name,
                },
            )
        )
        previous = latest.get((sub["prison_code"], sub["period_index"]))
        if previous is not None:
            entries.append(
                (
                    "submission.supersede",
                    subject,
                    {
                        "superseded_submission_id": previous["id"],
                        "superseded_version": previous["version"],
                        "by_submission_id": sid,
                        "by_version": sub["version"],
                    },
                )
            )
    return entries
