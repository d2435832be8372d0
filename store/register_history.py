"""The register's history (governance.md §5): every entry a prison's register row ever had,
appended when it is written, never updated, each with the quarter it applies from.

Which entry applies to a quarter, as known at a moment: among the entries recorded by then
whose `effective_from` is not after the quarter, the one recorded last (a prison's first
entry applies from the start). So a change dated 2025-Q1 leaves 2024 as it was, and a later
correction dated 2024-Q1 replaces everything from 2024-Q1 on. `segments` lays this out per
prison as runs of quarters; the engine joins each prison-quarter to its run
(indicators.inputs), and completeness reads the entry of each quarter.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, func, select

from data_contracts.periods import period_index
from data_contracts.register import MODULE_SEPARATOR, Prison
from store import audit
from store.schema import register_history

# A register entry's fields as stored (store.prisons writes the same ones to `prisons`).
ENTRY_FIELDS = (
    "name",
    "region",
    "prison_type",
    "opened",
    "closed",
    "modules",
    "peer_group",
    "country",
)
# A prison's first entry, and an entry dated nowhere, apply from this quarter index on.
FROM_THE_START = -(10**9)
SEGMENT_SCHEMA = {
    "prison_code": pl.String,
    "from_index": pl.Int64,
    "country": pl.String,
    "region": pl.String,
    "peer_group": pl.String,
}


def record_entry(
    conn: Connection,
    code: str,
    values: dict[str, Any],
    actor: str,
    effective_from: str | None = None,
) -> None:
    """Append one prison's entry (its stored fields), applying from `effective_from`."""
    conn.execute(
        register_history.insert().values(
            code=code,
            effective_from=effective_from,
            effective_from_index=None if effective_from is None else period_index(effective_from),
            recorded_at=audit.now(),
            recorded_by=actor,
            **{f: values[f] for f in ENTRY_FIELDS},
        )
    )


def _rows(engine: Engine, moment: datetime | None) -> list[dict[str, Any]]:
    query = select(register_history).order_by(register_history.c.id)
    if moment is not None:
        query = query.where(register_history.c.recorded_at <= moment)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


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


def as_prison(code: str, entry: dict[str, Any]) -> Prison:
    values = {f: entry[f] for f in ENTRY_FIELDS}
    values["modules"] = tuple(m for m in (entry["modules"] or "").split(MODULE_SEPARATOR) if m)
    return Prison(code=code, **values)


def lay_out(rows: Iterable[dict[str, Any]]) -> dict[str, list[tuple[int, Prison]]]:
    """Per prison, its runs: (first quarter index, the entry from then on), in quarter order,
    from history rows in the order they were recorded (the rule of the module docstring)."""
    runs: dict[str, list[tuple[int, Prison]]] = {}
    for row in rows:
        code = row["code"]
        start = row["effective_from_index"]
        if code not in runs or start is None:
            start = FROM_THE_START
        kept = [run for run in runs.get(code, []) if run[0] < start]
        runs[code] = [*kept, (start, as_prison(code, row))]
    return runs


def segments(engine: Engine, moment: datetime | None = None) -> dict[str, list[tuple[int, Prison]]]:
    """Every prison's runs of entries, as known at `moment` (None: now)."""
    return lay_out(_rows(engine, moment))


def entry_for(runs: list[tuple[int, Prison]], index: int) -> Prison:
    """The entry of one prison that applies to quarter `index` (its runs from `segments`)."""
    applying = runs[0][1]
    for start, prison in runs:
        if start <= index:
            applying = prison
    return applying


def segments_frame(runs: dict[str, list[tuple[int, Prison]]]) -> pl.DataFrame:
    """The runs as the engine's register (indicators.inputs.register_frame): prison_code,
    from_index, country, region and peer_group (Prison.peer) of each run."""
    rows = [
        (code, start, prison.country, prison.region, prison.peer)
        for code, prison_runs in sorted(runs.items())
        for start, prison in prison_runs
    ]
    return pl.DataFrame(rows, schema=SEGMENT_SCHEMA, orient="row")


def register_over_time(engine: Engine, moment: datetime | None = None) -> pl.DataFrame:
    """The engine's effective-dated register as known at `moment` (None: now)."""
    return segments_frame(segments(engine, moment))
