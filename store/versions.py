"""Which submission of a prison-quarter is the current one, decided in one place.

A prison-quarter's current submission is its accepted submission with the
highest version; each earlier accepted one is superseded (by the insert of a
newer one, never by an update), and a rejected or refused attempt has no
version at all. Everything that asks "which submission counts" selects
through `current_submissions`: the values the indicators read
(`store.read.current_values`), the statuses of the history
(`store.history`), and what a new file would supersede (`current_versions`,
used by the checks and inside ingest's write transaction). So they cannot
disagree.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Connection, Engine, Select, and_, func, select

from store.schema import submissions, uploads


def current_submissions(*where: ColumnElement[bool]) -> Select[Any]:
    """The current submission of each prison-quarter: id, upload_id, prison_code, period,
    period_index, version.

    `where` narrows the submissions considered (conditions on `submissions`'
    columns, e.g. prisons or a range of quarters); it never changes which
    version of a prison-quarter wins, since it applies to all its versions alike.
    """
    latest = (
        select(
            submissions.c.prison_code,
            submissions.c.period_index,
            func.max(submissions.c.version).label("version"),
        )
        .where(submissions.c.accepted, *where)
        .group_by(submissions.c.prison_code, submissions.c.period_index)
        .subquery("latest")
    )
    return select(
        submissions.c.id,
        submissions.c.upload_id,
        submissions.c.prison_code,
        submissions.c.period,
        submissions.c.period_index,
        submissions.c.version,
    ).join(
        latest,
        and_(
            latest.c.prison_code == submissions.c.prison_code,
            latest.c.period_index == submissions.c.period_index,
            latest.c.version == submissions.c.version,
        ),
    )


def latest_versions(
    conn: Connection, quarters: pl.DataFrame
) -> dict[tuple[str, int], dict[str, Any]]:
    """The current submission (id, version, who, when) of each prison-quarter in `quarters`
    (columns prison_code, period_index), keyed by (prison_code, period_index).

    Prison-quarters with no accepted submission are absent. The query selects by
    prison and by quarter separately (a superset of the pairs asked for, at most a
    few thousand rows), so a back-fill of thousands of pairs is one statement.
    """
    if quarters.height == 0:
        return {}
    codes = quarters["prison_code"].unique().to_list()
    indexes = quarters["period_index"].unique().to_list()
    current = current_submissions(
        submissions.c.prison_code.in_(codes), submissions.c.period_index.in_(indexes)
    ).subquery("current")
    rows = conn.execute(
        select(
            current.c.id,
            current.c.prison_code,
            current.c.period_index,
            current.c.version,
            uploads.c.submitted_by,
            uploads.c.submitted_at,
        )
        .select_from(current)
        .join(uploads, uploads.c.id == current.c.upload_id)
    ).mappings()
    return {(r["prison_code"], r["period_index"]): dict(r) for r in rows}


def current_versions(
    engine: Engine, quarters: list[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, Any]]:
    """The current submission (id, version, who, when) of each (prison_code, period_index)."""
    if not quarters:
        return {}
    frame = pl.DataFrame(quarters, schema=["prison_code", "period_index"], orient="row")
    with engine.connect() as conn:
        return latest_versions(conn, frame)


def data_version(engine: Engine) -> tuple[int, int]:
    """Changes whenever anything is stored (the newest upload id, and the count of uploads)."""
    with engine.connect() as conn:
        row = conn.execute(select(func.max(uploads.c.id), func.count(uploads.c.id))).one()
    return (row[0] or 0, row[1] or 0)
