"""Completeness (governance.md §6): for every prison and quarter, one status, the share of
expected elements reported, the versions and the review state, apart.

Read from the submissions, their values and the register; nothing here is stored. A
quarter's deadline is its last day plus `deadline_days` (a setting, default 45). Statuses:

- `not open`: the prison was not in service (the register's opened / closed), or the
  quarter is before its series starts (the register's `opened`, else its first accepted
  submission: a prison added with its history not yet loaded is not late for years);
- `not due`: nothing is in and the deadline has not passed (or the quarter has not ended);
- `missing`: nothing is in and the deadline has passed;
- `partial`: the current submission reports fewer than all expected elements (the core
  module and the prison's modules, submission-format.md §3);
- `late` / `on time`: complete, its first version received after / by the deadline.

A resubmission is counted in `versions`, never a status that hides lateness. `share` is
reported / expected x 100: only expected elements are counted, so it stays in 0-100.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Engine, and_, case, func, select

from data_contracts.contract import Contract, load_contract
from data_contracts.periods import last_ended_quarter, period_index, period_label, quarter_end
from data_contracts.register import Prison
from i18n import N_
from store.audit import as_utc
from store.register_history import entry_for, segments
from store.review import SUBMITTED, Review, latest_reviews, reviews_frame
from store.schema import submission_values, submissions, uploads
from store.versions import current_submissions

DEFAULT_DEADLINE_DAYS = 45
# The series start of a prison with no `opened` and no submission: every quarter expected.
NO_START = -(10**9)
NOT_DUE, MISSING, PARTIAL, LATE, ON_TIME, NOT_OPEN = (
    "not due",
    "missing",
    "partial",
    "late",
    "on time",
    "not open",
)
STATUSES = (NOT_DUE, MISSING, PARTIAL, LATE, ON_TIME, NOT_OPEN)
# The statuses' words where pages and charts show them (legend, hover, colour bar).
STATUS_WORDS = {
    NOT_DUE: N_("not due"),
    MISSING: N_("missing"),
    PARTIAL: N_("partial"),
    LATE: N_("late"),
    ON_TIME: N_("on time"),
    NOT_OPEN: N_("not open"),
}
# What each status means, in words shown verbatim by the dashboard and the reports
# (English, marked for the catalogs: shown with `_()`).
STATUS_MEANINGS = {
    NOT_DUE: N_("nothing is in yet, and the deadline has not passed"),
    MISSING: N_("the deadline has passed and nothing is in"),
    PARTIAL: N_("a file is in, but it reports fewer than all the expected elements"),
    LATE: N_("complete, but its first file came after the deadline"),
    ON_TIME: N_("complete, its first file came by the deadline"),
    NOT_OPEN: N_("the prison was not in service that quarter (or its series had not started)"),
}
# The keys of `completeness --json` (governance.md §6), in the spec's order.
JSON_KEYS = (
    "prison_code",
    "period",
    "status",
    "expected",
    "reported",
    "share",
    "versions",
    "state",
)
GRID_SCHEMA = {
    "prison_code": pl.String,
    "name": pl.String,
    "region": pl.String,
    "prison_type": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
    "open": pl.Boolean,
    "deadline": pl.Datetime(time_zone="UTC"),
    "modules": pl.List(pl.String),
}


def _module_counts(engine: Engine, contract: Contract, first: int, last: int) -> pl.DataFrame:
    """Per prison-quarter with an accepted submission in the range: its versions, when the
    first came, its current submission, and how many elements of each module that
    submission reports (one scan of the values, counted per module in SQL)."""
    in_range = (submissions.c.period_index >= first, submissions.c.period_index <= last)
    current = current_submissions(*in_range).subquery("current")
    modules = contract.module_ids
    counted = (
        select(
            submission_values.c.submission_id,
            *(
                func.sum(
                    case((submission_values.c.data_element.in_(contract.codes_of(m)), 1), else_=0)
                ).label(f"m_{n}")
                for n, m in enumerate(modules)
            ),
        )
        .where(
            submission_values.c.value.is_not(None),
            submission_values.c.submission_id.in_(select(current.c.id)),
        )
        .group_by(submission_values.c.submission_id)
    )
    with engine.connect() as conn:
        versions = conn.execute(
            select(
                submissions.c.prison_code,
                submissions.c.period_index,
                func.count().label("versions"),
                func.min(uploads.c.submitted_at).label("first_submitted_at"),
            )
            .join(uploads, uploads.c.id == submissions.c.upload_id)
            .where(submissions.c.accepted, *in_range)
            .group_by(submissions.c.prison_code, submissions.c.period_index)
        ).all()
        ids = conn.execute(select(current.c.id, current.c.prison_code, current.c.period_index))
        current_ids = {(r.prison_code, r.period_index): r.id for r in ids}
        counts = {r[0]: tuple(r[1:]) for r in conn.execute(counted)}
    rows = []
    for r in versions:
        key = (r.prison_code, r.period_index)
        sid = current_ids.get(key)
        per_module = counts.get(sid, (0,) * len(modules))
        rows.append(
            {
                "prison_code": r.prison_code,
                "period_index": r.period_index,
                "versions": r.versions,
                "first_submitted_at": as_utc(r.first_submitted_at),
                "submission_id": sid,
                "counts": dict(zip(modules, (int(c or 0) for c in per_module), strict=True)),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "prison_code": pl.String,
            "period_index": pl.Int64,
            "versions": pl.Int64,
            "first_submitted_at": pl.Datetime(time_zone="UTC"),
            "submission_id": pl.Int64,
            "counts": pl.Struct({m: pl.Int64 for m in modules}),
        },
    )


def completeness(engine: Engine, **window: Any) -> pl.DataFrame:
    """One row per registered prison and quarter from `first` to `last` (default: last
    ended), with the keyword arguments of completeness_without_reviews.

    Columns: prison_code, name, region, prison_type, period, period_index, status (one of
    STATUSES), expected, reported, share, versions (accepted ones), state (the review state
    of the current submission, null when none), first_submitted_at, deadline.
    """
    grid = completeness_without_reviews(engine, **window)
    with engine.connect() as conn:
        return with_review_states(grid, latest_reviews(conn))


def with_review_states(grid: pl.DataFrame, reviewed: dict[int, Review]) -> pl.DataFrame:
    """completeness_without_reviews's grid with the review state of each current
    submission (store.review.latest_reviews; never reviewed: submitted) in `state`, after
    `versions`, in place of its submission id."""
    states = reviews_frame(reviewed).select("submission_id", pl.col("state").alias("reviewed"))
    joined = grid.join(states, on="submission_id", how="left", maintain_order="left")
    state = (
        pl.when(pl.col("submission_id").is_null())
        .then(pl.lit(None, pl.String))
        .otherwise(pl.col("reviewed").fill_null(SUBMITTED))
    )
    columns = [c for c in grid.columns if c != "submission_id"]
    at = columns.index("versions") + 1
    return joined.with_columns(state.alias("state")).select(*columns[:at], "state", *columns[at:])


def completeness_without_reviews(
    engine: Engine,
    *,
    first: int,
    last: int | None = None,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    today: date | None = None,
    contract: Contract | None = None,
) -> pl.DataFrame:
    """completeness's grid with `submission_id` (the current submission, null when none) in
    place of `state`: what changes only when a submission or the register does."""
    contract = contract or load_contract()
    today = today or date.today()
    now = datetime.combine(today, datetime.min.time(), UTC)
    last = last_ended_quarter(today) if last is None else last
    runs = segments(engine)  # the register of each quarter (store.register_history)
    sent = _module_counts(engine, contract, first, last)
    starts = _series_starts(engine)
    size = {m: len(contract.codes_of(m)) for m in contract.module_ids}
    rows = []
    for code in sorted(runs):
        for i in range(first, last + 1):
            p = entry_for(runs[code], i)
            rows.append(
                {
                    "prison_code": p.code,
                    "name": p.name,
                    "region": p.region,
                    "prison_type": p.prison_type,
                    "period": period_label(i),
                    "period_index": i,
                    "open": p.open_in(i) and i >= series_start(p, starts),
                    "deadline": datetime.combine(
                        quarter_end(i) + timedelta(days=deadline_days + 1),
                        datetime.min.time(),
                        UTC,
                    ),
                    "modules": [contract.base_module, *p.modules],
                }
            )
    grid = pl.DataFrame(rows, schema=GRID_SCHEMA)
    expected = pl.sum_horizontal(
        pl.col("modules").list.contains(m).cast(pl.Int64) * n for m, n in size.items()
    )
    reported = pl.sum_horizontal(
        pl.col("modules").list.contains(m).cast(pl.Int64)
        * pl.col("counts").struct.field(m).fill_null(0)
        for m in size
    )
    versions = pl.col("versions")
    return (
        grid.join(sent, on=["prison_code", "period_index"], how="left")
        .with_columns(versions.fill_null(0), expected.alias("expected"), reported.alias("reported"))
        .with_columns(
            pl.when(pl.col("expected") > 0)
            .then(pl.col("reported") * 100.0 / pl.col("expected"))
            .alias("share"),
            pl.when(~pl.col("open"))
            .then(pl.lit(NOT_OPEN))
            .when(versions == 0)
            .then(
                pl.when(pl.col("deadline") > now).then(pl.lit(NOT_DUE)).otherwise(pl.lit(MISSING))
            )
            .when(pl.col("reported") < pl.col("expected"))
            .then(pl.lit(PARTIAL))
            .when(pl.col("first_submitted_at") >= pl.col("deadline"))
            .then(pl.lit(LATE))
            .otherwise(pl.lit(ON_TIME))
            .alias("status"),
        )
        .drop("open", "modules", "counts")
        .select(
            "prison_code",
            "name",
            "region",
            "prison_type",
            "period",
            "period_index",
            "status",
            "expected",
            "reported",
            "share",
            "versions",
            "submission_id",
            "first_submitted_at",
            "deadline",
        )
        .sort("prison_code", "period_index")
    )


def _series_starts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                select(submissions.c.prison_code, func.min(submissions.c.period_index))
                .where(submissions.c.accepted)
                .group_by(submissions.c.prison_code)
            ).all()
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


def as_json(grid: pl.DataFrame) -> list[dict[str, Any]]:
    """The grid as `completeness --json` prints it (JSON_KEYS, share rounded to 0.1)."""
    return [
        {**row, "share": None if row["share"] is None else round(row["share"], 1)}
        for row in grid.select(JSON_KEYS).iter_rows(named=True)
    ]


def missing_elements(
    engine: Engine, prison: Prison, period: str, contract: Contract | None = None
) -> list[tuple[str, str]]:
    """The expected elements (code, title) the current submission of a prison-quarter does
    not report, in the contract's order; every expected one when nothing is stored."""
    contract = contract or load_contract()
    index = period_index(period)
    current = current_submissions(
        and_(submissions.c.prison_code == prison.code, submissions.c.period_index == index)
    ).subquery("current")
    with engine.connect() as conn:
        reported = set(
            conn.execute(
                select(submission_values.c.data_element).where(
                    submission_values.c.submission_id.in_(select(current.c.id)),
                    submission_values.c.value.is_not(None),
                )
            ).scalars()
        )
    expected = contract.expected_codes(list(prison.modules))
    return [(code, contract.title(code)) for code in expected if code not in reported]
