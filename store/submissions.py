"""Ingest: a checked file becomes an immutable submission, or a recorded refusal.

Each file is one transaction: its upload (name, sha256, original bytes, who,
when), one submission per prison-quarter with its version, every value with
its note, and the audit entries, all stored or none. A prison-quarter's
current submission is its highest version; an earlier one is superseded by
the insert of a newer one, never by an update. A rejected or refused file is
recorded with its report and stores no values and no content.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from data_contracts.register import Register
from data_contracts.report import ValidationReport
from store import audit
from store.accounts import Account
from store.db import is_sqlite, write_transaction
from store.prisons import load_register
from store.schema import submissions, uploads
from store.verdict import replaces_issues

RETRIES = 8


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
    """The file would supersede accepted submissions and replacing was not asked for."""


def ingest_files(
    engine: Engine,
    files: Sequence[tuple[Path, str]],
    account: Account,
    *,
    replace: bool = False,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[IngestOutcome]:
    """Check each (path, name as sent) file as `account` and store it on its own."""
    from store.verdict import check_as, refusal_reason

    register = load_register(engine)
    verdicts = check_as(engine, files, account, today=today, progress=progress, with_replaces=False)
    outcomes = []
    for n, ((path, name), verdict) in enumerate(zip(files, verdicts, strict=True), start=1):
        if progress:
            progress("storing", n - 1, len(files))
        result, report = verdict.checked, verdict.report
        if not report.accepted or result.values is None:
            # refused (only storage rules failed: not allowed) or rejected by the contract
            refusal = refusal_reason(report)
            outcome = IngestOutcome(report, refusal=refusal)
            outcome.upload_id = _record_refusal(engine, path, name, account, report, refusal)
            outcomes.append(outcome)
            continue
        outcomes.append(
            _store(engine, path, name, account, report, result.values, replace, register)
        )
    return outcomes


def _store(
    engine: Engine,
    path: Path,
    name: str,
    account: Account,
    report: ValidationReport,
    values: pl.DataFrame,
    replace: bool,
    register: Register,
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
                return _insert(conn, content, name, account, report, values, quarters, replace)
        except ReplaceRefused as exc:
            outcome = IngestOutcome(report, refusal=str(exc))
            outcome.upload_id = _record_refusal(engine, path, name, account, report, str(exc))
            return outcome
        except (IntegrityError, OperationalError):
            # Another ingest took the same version number (or the lock) first: try again.
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _lock_quarters(conn: Connection, quarters: pl.DataFrame) -> None:
    """PostgreSQL: serialise ingests of the same prison-quarters (SQLite's BEGIN IMMEDIATE does)."""
    if is_sqlite(conn.engine):
        return
    keys = sorted(
        {
            zlib.crc32(f"{q['prison_code']}|{q['period_index']}".encode())
            for q in quarters.iter_rows(named=True)
        }
    )
    # One round trip for all of them (a back-fill names thousands of prison-quarters), taken
    # in ascending order like every other ingest's, so two ingests cannot deadlock.
    conn.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(k)) FROM "
            "(SELECT k FROM unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS ordered"
        ),
        {"keys": keys},
    )


def _insert(
    conn: Connection,
    content: bytes,
    name: str,
    account: Account,
    report: ValidationReport,
    values: pl.DataFrame,
    quarters: pl.DataFrame,
    replace: bool,
) -> IngestOutcome:
    _lock_quarters(conn, quarters)
    latest = _latest_versions(conn, quarters)
    rows = list(quarters.select("prison_code", "period", "period_index").iter_rows())
    replaced = [q for q in rows if (q[0], q[2]) in latest]
    report.add(*replaces_issues(rows, latest))
    report.sort()
    if replaced and not replace:
        listed = ", ".join(f"{code} {period}" for code, period, _ in replaced)
        raise ReplaceRefused(
            f"{listed} already {'has' if len(replaced) == 1 else 'have'} an accepted submission; "
            "nothing was stored. To replace it, send the file again with --replace "
            "(in the dashboard: confirm the replacement)."
        )
    upload_id = _insert_upload(conn, content, name, account, report, accepted=True)
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
    inserted = _insert_submissions(conn, plan)
    ids = pl.DataFrame(
        {
            "submission_id": inserted,
            "prison_code": [sub["prison_code"] for sub in plan],
            "period_index": [sub["period_index"] for sub in plan],
        },
        schema={"submission_id": pl.Int64, "prison_code": pl.String, "period_index": pl.Int64},
    )
    _insert_values(conn, values.join(ids, on=["prison_code", "period_index"]))
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
    audit.record_many(conn, account.name, entries)
    return IngestOutcome(report, stored=True, upload_id=upload_id, submission_ids=inserted)


def current_versions(
    engine: Engine, quarters: list[tuple[str, int]]
) -> dict[tuple[str, int], dict]:
    """The current submission (id, version, who, when) of each (prison_code, period_index)."""
    if not quarters:
        return {}
    frame = pl.DataFrame(quarters, schema=["prison_code", "period_index"], orient="row")
    with engine.connect() as conn:
        return _latest_versions(conn, frame)


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever anything is stored (the newest upload id, and the count of uploads)."""
    with engine.connect() as conn:
        row = conn.execute(select(func.max(uploads.c.id), func.count(uploads.c.id))).one()
    return (row[0] or 0, row[1] or 0)


def _latest_versions(conn: Connection, quarters: pl.DataFrame) -> dict[tuple[str, int], dict]:
    codes = quarters["prison_code"].unique().to_list()
    indexes = quarters["period_index"].unique().to_list()
    latest_version = (
        select(
            submissions.c.prison_code,
            submissions.c.period_index,
            func.max(submissions.c.version).label("version"),
        )
        .where(
            submissions.c.accepted,
            submissions.c.prison_code.in_(codes),
            submissions.c.period_index.in_(indexes),
        )
        .group_by(submissions.c.prison_code, submissions.c.period_index)
        .subquery()
    )
    rows = conn.execute(
        select(
            submissions.c.id,
            submissions.c.prison_code,
            submissions.c.period_index,
            submissions.c.version,
            uploads.c.submitted_by,
            uploads.c.submitted_at,
        )
        .join(uploads, uploads.c.id == submissions.c.upload_id)
        .join(
            latest_version,
            (latest_version.c.prison_code == submissions.c.prison_code)
            & (latest_version.c.period_index == submissions.c.period_index)
            & (latest_version.c.version == submissions.c.version),
        )
    ).mappings()
    return {(r["prison_code"], r["period_index"]): dict(r) for r in rows}


def _insert_upload(
    conn: Connection,
    content: bytes,
    name: str,
    account: Account,
    report: ValidationReport,
    *,
    accepted: bool,
    refusal: str | None = None,
    sha256: str | None = None,
    size: int | None = None,
) -> int:
    data = report.to_dict()
    if refusal:
        data["refusal"] = refusal
    return conn.execute(
        uploads.insert().values(
            file_name=name,
            sha256=sha256 or hashlib.sha256(content).hexdigest(),
            content=content if accepted else b"",
            size=len(content) if size is None else size,
            submitted_by=account.name,
            submitted_at=audit.now(),
            accepted=accepted,
            report=json.dumps(data, ensure_ascii=False),
        )
    ).inserted_primary_key[0]


VALUE_COLUMNS = ("submission_id", "data_element", "value", "note", "row")


def _insert_submissions(conn: Connection, plan: list[dict]) -> list[int]:
    """Insert the planned submissions; their ids, in plan order.

    SQLite: one INSERT ... RETURNING. PostgreSQL: the ids are drawn from the table's
    sequence in one round trip and the rows sent by one COPY (RETURNING over thousands of
    rows cost a second a file).
    """
    if is_sqlite(conn.engine):
        returning = submissions.insert().returning(submissions.c.id, sort_by_parameter_order=True)
        return list(conn.execute(returning, plan).scalars())
    ids = sorted(
        conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('submissions', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": len(plan)},
        ).scalars()
    )
    frame = pl.DataFrame(
        [{**p, "id": i} for p, i in zip(plan, ids, strict=True)],
        schema={
            "id": pl.Int64,
            "upload_id": pl.Int64,
            "prison_code": pl.String,
            "period": pl.String,
            "period_index": pl.Int64,
            "version": pl.Int64,
            "accepted": pl.Boolean,
        },
    )
    _copy(conn, "submissions", frame, tuple(frame.columns))
    return ids


def _copy(conn: Connection, table: str, frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    """PostgreSQL: `frame`'s `columns` into `table` by one COPY, written as CSV by Polars.

    In PostgreSQL's CSV format an unquoted empty field is NULL and a quoted one ("") an
    empty string, as Polars writes them; floats round-trip exactly.
    """
    block = frame.select(columns).write_csv(include_header=False, quote_style="necessary")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
        copy.write(block.encode("utf-8"))


def _insert_values(conn: Connection, rows: pl.DataFrame) -> None:
    """All values of a file in one statement (SQLite) or one COPY (PostgreSQL)."""
    values = rows.select(VALUE_COLUMNS)
    if is_sqlite(conn.engine):
        conn.exec_driver_sql(
            f"INSERT INTO submission_values ({', '.join(VALUE_COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            values.rows(),
        )
        return
    # Polars writes the rows as CSV in one go (a row at a time through psycopg was half the
    # time of storing).
    _copy(conn, "submission_values", values, VALUE_COLUMNS)


def _file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size, streamed: a refused file may be large and is never kept."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        pass
    return digest.hexdigest(), size


def _record_refusal(
    engine: Engine,
    path: Path,
    name: str,
    account: Account,
    report: ValidationReport,
    refusal: str | None,
) -> int:
    """A rejected or refused attempt: its report and the prison-quarters it named, no values."""
    sha, size = _file_digest(path)
    pairs = _attempted_quarters(report)
    with write_transaction(engine) as conn:
        upload_id = _insert_upload(
            conn, b"", name, account, report, accepted=False, refusal=refusal, sha256=sha, size=size
        )
        if pairs:
            conn.execute(
                submissions.insert(),
                [
                    {
                        "upload_id": upload_id,
                        "prison_code": code,
                        "period": period,
                        "period_index": index,
                        "version": None,
                        "accepted": False,
                    }
                    for code, period, index in pairs
                ],
            )
        audit.record(
            conn,
            account.name,
            "submission.refuse" if refusal else "submission.reject",
            name,
            upload_id=upload_id,
            rules=sorted(report.rules),
            refusal=refusal,
        )
    return upload_id


def _attempted_quarters(report: ValidationReport) -> list[tuple[str, str, int]]:
    """The prison-quarters the file's rows name (well-formed ones only), for its history."""
    return [q for q in report.quarters if len(q[0]) <= 20][:10_000]
