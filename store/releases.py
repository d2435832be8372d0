"""Releases (governance.md §3): a named, citable set of figures.

A release records the exact submission of each prison-quarter that was current when it was
made; reading "as of a release" selects those submissions and nothing stored since
(store.vintage), so the same command gives the same bytes later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from store import audit
from store.audit import as_utc
from store.db import write_transaction
from store.governance import (
    phrase,
    refusal,
    refusals_audited,
    require_every_country,
    require_ministry,
)
from store.schema import release_submissions, releases
from store.versions import current_submissions

NAME_MOST = 200  # the releases.name column


@dataclass(frozen=True)
class Release:
    id: int
    name: str
    created_by: str
    created_at: datetime
    submissions: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "submissions": self.submissions,
        }


def _release(row: Any, count: int) -> Release:
    return Release(row["id"], row["name"], row["created_by"], as_utc(row["created_at"]), count)  # type: ignore[arg-type]


def _counts(conn: Connection) -> dict[int, int]:
    from sqlalchemy import func

    rows = conn.execute(
        select(release_submissions.c.release_id, func.count()).group_by(
            release_submissions.c.release_id
        )
    )
    return {r[0]: r[1] for r in rows}


def list_releases(engine: Engine) -> list[Release]:
    """Every release, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(releases).order_by(releases.c.id)).mappings().all()
        counts = _counts(conn)
    return [_release(r, counts.get(r["id"], 0)) for r in rows]


def find_release(engine: Engine, name: str) -> Release | None:
    return next((r for r in list_releases(engine) if r.name == name), None)


def latest_release(engine: Engine) -> Release | None:
    found = list_releases(engine)
    return found[-1] if found else None


def create_release(engine: Engine, account: Any, name: str) -> Release:
    """Record a release of every submission current now, as `account` (the ministry).
    GovernanceRefused: authz.role, release.name, release.exists, release.empty; audited."""
    name = (name or "").strip()
    with refusals_audited(engine, account, "release.create", name or "-"):
        require_ministry(account, phrase("what.create_releases"))
        require_every_country(account, phrase("what.create_a_release"))
        if not name or len(name) > NAME_MOST:
            raise refusal("release.name", most=NAME_MOST)
        with write_transaction(engine) as conn:
            same = conn.execute(select(releases).where(releases.c.name == name)).mappings().first()
            if same is not None:
                raise refusal(
                    "release.exists",
                    name=name,
                    by=same["created_by"],
                    at=as_utc(same["created_at"]).isoformat(),  # type: ignore[union-attr]
                )
            current = [r.id for r in conn.execute(current_submissions())]
            if not current:
                raise refusal("release.empty")
            at = audit.now()
            new_id = conn.execute(
                releases.insert().values(name=name, created_by=account.name, created_at=at)
            ).inserted_primary_key[0]
            conn.execute(
                release_submissions.insert(),
                [{"release_id": new_id, "submission_id": s} for s in current],
            )
            audit.record(conn, account.name, "release.create", name, submissions=len(current))
    return Release(new_id, name, account.name, at, len(current))
