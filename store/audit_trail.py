"""The audit trail, read (governance.md §4): every entry, oldest first, no cap, filtered by
time, actor, action and prison, and narrowed to what an account may see.

The log keeps a subject text per entry; which prison and quarter an entry is about is read
from it here, in one place (`subject_keys`), for old entries and new alike.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine, or_, select

from store.audit import as_utc
from store.prisons import prison_countries
from store.schema import audit_log

# The keys of `audit --json` (governance.md §4), in the spec's order.
AUDIT_KEYS = ("at", "actor", "action", "prison_code", "period", "detail")
AUDIT_SCHEMA = {
    "at": pl.Datetime(time_zone="UTC"),
    "actor": pl.String,
    "action": pl.String,
    "prison_code": pl.String,
    "period": pl.String,
    "detail": pl.String,
}
_QUARTER = r"\d{4}-Q[1-4]"
# What each family of actions names as its subject (others: an account, a file, a release).
SUBJECTS = {
    "submission": re.compile(rf"^(?P<prison>\S+) (?P<period>{_QUARTER})$"),
    "review": re.compile(rf"^(?P<prison>\S+) (?P<period>{_QUARTER})$"),
    "period": re.compile(rf"^(?P<period>{_QUARTER})$"),
    "register": re.compile(r"^(?P<prison>.+)$"),
}


def subject_keys(action: str, subject: str) -> tuple[str | None, str | None]:
    """(prison_code, period) an entry is about, None where they do not apply."""
    pattern = SUBJECTS.get(action.split(".", 1)[0])
    match = pattern.match(subject) if pattern is not None else None
    if match is None:
        return None, None
    found = match.groupdict()
    return found.get("prison"), found.get("period")


@dataclass(frozen=True)
class AuditFilter:
    """What to keep: entries at or after `since`, at or before `until`, by `actor`, about
    `prison`, whose action is `action` or (a word without a dot: `review`) of its family."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    prison: str | None = None
    action: str | None = None


def _action_condition(action: str) -> Any:
    if "." in action:
        return audit_log.c.action == action
    return or_(audit_log.c.action == action, audit_log.c.action.startswith(f"{action}."))


def latest_entry_id(engine: Engine) -> int:
    """The newest entry's id (0: none): changes with every entry, a cache key."""
    from sqlalchemy import func

    with engine.connect() as conn:
        return int(conn.execute(select(func.max(audit_log.c.id))).scalar() or 0)


def audit_entries(
    engine: Engine,
    where: AuditFilter = AuditFilter(),
    account: Any = None,
    *,
    ids: tuple[int, int] | None = None,
) -> list[dict[str, Any]]:
    """The entries kept by `where` (and, with an `account`, those it may see), oldest first,
    each with AUDIT_KEYS: `at` a UTC datetime, `detail` a dict. `ids` (after, through):
    only the entries with after < id <= through (the trail is only ever appended to, so a
    reader holding the entries through one id reads only the newer ones)."""
    query = select(audit_log).order_by(audit_log.c.at, audit_log.c.id)
    if ids is not None:
        query = query.where(audit_log.c.id > ids[0], audit_log.c.id <= ids[1])
    if where.since is not None:
        query = query.where(audit_log.c.at >= where.since)
    if where.until is not None:
        query = query.where(audit_log.c.at <= where.until)
    if where.actor is not None:
        query = query.where(audit_log.c.actor == where.actor)
    if where.action is not None:
        query = query.where(_action_condition(where.action))
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    countries = prison_countries(engine) if account is not None else {}
    out = []
    for r in rows:
        prison, period = subject_keys(r["action"], r["subject"])
        if where.prison is not None and prison != where.prison:
            continue
        if account is not None and not account.sees_audit_entry(
            prison, r["actor"], countries.get(prison or "")
        ):
            continue
        out.append(
            {
                "at": as_utc(r["at"]),
                "actor": r["actor"],
                "action": r["action"],
                "prison_code": prison,
                "period": period,
                "detail": _detail(r["detail"]),
            }
        )
    return out


def _detail(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def as_json(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as `audit --json` prints them (`at` in ISO 8601)."""
    return [{**e, "at": e["at"].isoformat()} for e in entries]


def audit_frame(entries: list[dict[str, Any]]) -> pl.DataFrame:
    """Entries as a table (the Audit page, its CSV): `detail` in words (detail_words)."""
    rows = [{**e, "detail": detail_words(e["detail"])} for e in entries]
    return (
        pl.DataFrame(rows, schema=AUDIT_SCHEMA, orient="row")
        if rows
        else pl.DataFrame(schema=AUDIT_SCHEMA)
    )


# Shown first, in this order, when an entry's detail is put in words.
DETAIL_FIRST = ("comment", "reason", "rule")


def detail_words(detail: dict[str, Any]) -> str:
    """An entry's detail on one line: its comment or reason first, then the rest."""
    keys = [k for k in DETAIL_FIRST if k in detail] + sorted(set(detail) - set(DETAIL_FIRST))
    return "; ".join(f"{k}: {detail[k]}" for k in keys if detail[k] not in (None, "", []))


def action_family(action: str) -> str:
    """`review` of `review.approve`: what the filters group actions by."""
    return action.split(".", 1)[0]


def filter_frame(
    frame: pl.DataFrame,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    actors: list[str] | None = None,
    families: list[str] | None = None,
    prisons: list[str] | None = None,
) -> pl.DataFrame:
    """The rows of an audit_frame kept by the filters (None or empty: no filter), in order."""
    keep = pl.lit(True)
    if since is not None:
        keep &= pl.col("at") >= since
    if until is not None:
        keep &= pl.col("at") <= until
    if actors:
        keep &= pl.col("actor").is_in(actors)
    if families:
        keep &= pl.col("action").str.split(".").list.first().is_in(families)
    if prisons:
        keep &= pl.col("prison_code").is_in(prisons)
    return frame.filter(keep)


def appended(frame: pl.DataFrame, newer: list[dict[str, Any]]) -> pl.DataFrame:
    """`frame` (audit_frame's, oldest first) with `newer` entries (audit_entries with `ids`
    after the newest in `frame`), still oldest first: a stable sort by time keeps entries
    of the same moment in id order, as audit_entries reads them."""
    if not newer:
        return frame
    return pl.concat([frame, audit_frame(newer)]).sort("at", maintain_order=True)
