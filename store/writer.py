"""The SQL of ingest: uploads, submissions, values and attempts, written fast on both databases.

Deciding what to store (the checks, who may send what, whether a file
supersedes) is `store.submissions`'; this module only writes what it is
given, inside the caller's transaction, except `record_attempt`, which is its
own. SQLite gets one multi-row statement per table; PostgreSQL gets ids from
the sequence in one round trip and the rows by COPY (RETURNING over thousands
of rows cost a second a file).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, text

from data_contracts.report import ValidationReport
from store import audit
from store.accounts import Account
from store.db import is_sqlite, write_transaction
from store.schema import submissions, uploads

VALUE_COLUMNS = ("submission_id", "data_element", "value", "note", "row")
SUBMISSIONS_SCHEMA = {
    "id": pl.Int64,
    "upload_id": pl.Int64,
    "prison_code": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
    "version": pl.Int64,
    "accepted": pl.Boolean,
}
# A refused file is hashed in chunks of this many bytes (it may be large and is never kept).
DIGEST_CHUNK_BYTES = 1 << 20
# The longest prison code the submissions table holds: longer ones name no prison-quarter.
MAX_CODE_LENGTH: int = submissions.c.prison_code.type.length  # type: ignore[attr-defined]
# At most this many prison-quarters of one refused file are entered in the history.
MAX_ATTEMPTED_QUARTERS = 10_000


def lock_quarters(conn: Connection, quarters: pl.DataFrame) -> None:
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


def insert_upload(
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
    """The upload row (the file, who, when and its report); a refused file keeps no content."""
    data = report.to_stored_dict()  # at most so many issues per rule, with the totals
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


def insert_submissions(conn: Connection, plan: list[dict]) -> list[int]:
    """Insert the planned submissions; their ids, in plan order.

    SQLite: one INSERT ... RETURNING. PostgreSQL: the ids are drawn from the table's
    sequence in one round trip and the rows sent by one COPY.
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
        [{**p, "id": i} for p, i in zip(plan, ids, strict=True)], schema=SUBMISSIONS_SCHEMA
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


def insert_values(conn: Connection, rows: pl.DataFrame) -> None:
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


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size, streamed: a refused file may be large and is never kept."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(DIGEST_CHUNK_BYTES), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        pass
    return digest.hexdigest(), size


def record_attempt(
    engine: Engine,
    path: Path,
    name: str,
    account: Account,
    report: ValidationReport,
    refusal: str | None,
    quarters: Sequence[tuple[str, str, int]],
) -> int:
    """A rejected or refused attempt, in its own transaction: its upload row with the report
    (no content), one versionless submission row per prison-quarter in `quarters` (its entries
    in the history), and the audit entry. Returns the upload id.
    """
    sha, size = file_digest(path)
    with write_transaction(engine) as conn:
        upload_id = insert_upload(
            conn, b"", name, account, report, accepted=False, refusal=refusal, sha256=sha, size=size
        )
        if quarters:
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
                    for code, period, index in quarters
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
