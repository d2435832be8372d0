"""The audit log: who did what, when, to which subject. Only ever appended to."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, select

from store.schema import audit_log


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A time read back from the store, in UTC (SQLite keeps no zone: what it holds is UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def record(conn: Connection, actor: str, action: str, subject: str, **detail: Any) -> None:
    conn.execute(
        audit_log.insert().values(
            at=now(),
            actor=actor,
            action=action,
            subject=subject,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )


def record_many(conn: Connection, actor: str, items: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Several entries (action, subject, detail) at one time, in one statement."""
    if not items:
        return
    at = now()
    conn.execute(
        audit_log.insert(),
        [
            {
                "at": at,
                "actor": actor,
                "action": action,
                "subject": subject,
                "detail": json.dumps(detail, default=str, sort_keys=True),
            }
            for action, subject, detail in items
        ],
    )


def entries(engine: Engine, *, limit: int | None = None) -> pl.DataFrame:
    """The audit log, newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc())
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pl.DataFrame(
        [dict(r) for r in rows],
        schema={
            "id": pl.Int64,
            "at": pl.Datetime(time_zone="UTC"),
            "actor": pl.String,
            "action": pl.String,
            "subject": pl.String,
            "detail": pl.String,
        },
    )
