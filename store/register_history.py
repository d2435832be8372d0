"""The register's history (governance.md §5): every entry a prison's register row ever had,
appended when it is written, never updated.

`register_as_of` is the register as it stood at a moment (what a release or --as-of
reads): each prison's newest entry recorded by then; prisons added later are absent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from store import audit
from store.schema import register_history

ENTRY_FIELDS = ("name", "region", "prison_type", "opened", "closed", "modules", "peer_group")


def record_entry(
    conn: Connection, code: str, values: dict[str, Any], actor: str, at: datetime | None = None
) -> None:
    """Append one prison's entry (its stored fields) to the history."""
    conn.execute(
        register_history.insert().values(
            code=code,
            recorded_at=at or audit.now(),
            recorded_by=actor,
            **{f: values[f] for f in ENTRY_FIELDS},
        )
    )


def register_as_of(engine: Engine, moment: datetime) -> list[dict[str, Any]]:
    """Each prison's newest entry recorded at or before `moment`, by code (the rows of
    `prisons` as they were then: code and ENTRY_FIELDS)."""
    newest = (
        select(register_history.c.code, func.max(register_history.c.id).label("id"))
        .where(register_history.c.recorded_at <= moment)
        .group_by(register_history.c.code)
        .subquery("newest")
    )
    query = (
        select(register_history.c.code, *(register_history.c[f] for f in ENTRY_FIELDS))
        .join(newest, newest.c.id == register_history.c.id)
        .order_by(register_history.c.code)
    )
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
