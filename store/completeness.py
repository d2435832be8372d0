"""Which prison-quarters have been submitted, resubmitted, sent late, or are still missing.

Read from the submissions and the register; nothing here is stored. A
quarter's deadline is its last day plus `deadline_days` (a setting, default
45), and a submission is late when its first accepted version came after it;
a quarter with a replaced submission is `resubmitted` whatever its lateness.
A prison's series starts at the register's `opened`, else at its first
accepted submission; quarters before it are `not open`, not `missing`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
from sqlalchemy import Engine, func, select

from data_contracts.periods import last_ended_quarter, period_index, period_label, quarter_end
from data_contracts.register import Prison
from store.audit import as_utc
from store.prisons import list_prisons
from store.schema import submissions, uploads

DEFAULT_DEADLINE_DAYS = 45
# The series start of a prison with no `opened` and no submission: every quarter expected.
NO_START = -(10**9)
STATUSES = ("submitted", "resubmitted", "late", "missing", "not open")


def completeness(
    engine: Engine,
    *,
    first: int,
    last: int | None = None,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    today: date | None = None,
) -> pl.DataFrame:
    """One row per registered prison and quarter from `first` to `last` (default: last ended).

    Columns: prison_code, name, region, prison_type, period, period_index,
    status (one of STATUSES), versions (accepted ones), first_submitted_at,
    deadline.
    """
    today = today or date.today()
    last = last_ended_quarter(today) if last is None else last
    prisons = list_prisons(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                submissions.c.prison_code,
                submissions.c.period_index,
                func.count().label("versions"),
                func.min(uploads.c.submitted_at).label("first_submitted_at"),
            )
            .join(uploads, uploads.c.id == submissions.c.upload_id)
            .where(
                submissions.c.accepted,
                submissions.c.period_index >= first,
                submissions.c.period_index <= last,
            )
            .group_by(submissions.c.prison_code, submissions.c.period_index)
        ).all()
        starts = dict(
            conn.execute(
                select(submissions.c.prison_code, func.min(submissions.c.period_index))
                .where(submissions.c.accepted)
                .group_by(submissions.c.prison_code)
            ).all()
        )
    sent = pl.DataFrame(
        [
            {
                "prison_code": r.prison_code,
                "period_index": r.period_index,
                "versions": r.versions,
                "first_submitted_at": as_utc(r.first_submitted_at),
            }
            for r in rows
        ],
        schema={
            "prison_code": pl.String,
            "period_index": pl.Int64,
            "versions": pl.Int64,
            "first_submitted_at": pl.Datetime(time_zone="UTC"),
        },
    )
    grid = pl.DataFrame(
        [
            {
                "prison_code": p.code,
                "name": p.name,
                "region": p.region,
                "prison_type": p.prison_type,
                "period": period_label(i),
                "period_index": i,
                "open": p.open_in(i) and i >= series_start(p, starts),
                "deadline": datetime.combine(
                    quarter_end(i) + timedelta(days=deadline_days + 1), datetime.min.time(), UTC
                ),
            }
            for p in prisons
            for i in range(first, last + 1)
        ],
        schema={
            "prison_code": pl.String,
            "name": pl.String,
            "region": pl.String,
            "prison_type": pl.String,
            "period": pl.String,
            "period_index": pl.Int64,
            "open": pl.Boolean,
            "deadline": pl.Datetime(time_zone="UTC"),
        },
    )
    return (
        grid.join(sent, on=["prison_code", "period_index"], how="left")
        .with_columns(pl.col("versions").fill_null(0))
        .with_columns(
            pl.when(pl.col("versions") == 0)
            .then(pl.when(pl.col("open")).then(pl.lit("missing")).otherwise(pl.lit("not open")))
            # a replaced quarter was resubmitted, however late its first version came
            .when(pl.col("versions") > 1)
            .then(pl.lit("resubmitted"))
            .when(pl.col("first_submitted_at") >= pl.col("deadline"))
            .then(pl.lit("late"))
            .otherwise(pl.lit("submitted"))
            .alias("status")
        )
        .drop("open")
        .sort("prison_code", "period_index")
    )


def series_start(prison: Prison, first_submitted: dict[str, int]) -> int:
    """The first quarter a prison's series is expected: the register's `opened`, else its
    first accepted submission (a prison that never submitted is expected from the start).

    Quarters before it are `not open`, never `missing`: a prison added to the register
    with its history not yet loaded is not late for years before anyone asked.
    """
    if prison.opened:
        return period_index(prison.opened)
    return first_submitted.get(prison.code, NO_START)
