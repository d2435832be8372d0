"""Which stored data a reading uses (governance.md §3): the latest, a release, or the data as
they were at a moment.

Every reading path (the indicator table, the funnel, the history, the dashboard) takes a
Vintage and selects its submissions through `submissions_condition`, so a release or a
moment gives the same figures whatever was stored afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, select

from store.releases import Release, find_release, list_releases
from store.schema import release_submissions, submissions, uploads


class VintageError(ValueError):
    """A release or moment that cannot be read from: str(exc) says what and how to fix it."""


@dataclass(frozen=True)
class Vintage:
    release: Release | None = None
    as_of: datetime | None = None

    @property
    def latest(self) -> bool:
        return self.release is None and self.as_of is None

    @property
    def moment(self) -> datetime | None:
        """When the data read were current (None: now)."""
        return self.release.created_at if self.release is not None else self.as_of

    def submissions_condition(self) -> ColumnElement[bool] | None:
        """The condition on `submissions` that keeps what this vintage may read."""
        if self.release is not None:
            return submissions.c.id.in_(
                select(release_submissions.c.submission_id).where(
                    release_submissions.c.release_id == self.release.id
                )
            )
        if self.as_of is not None:
            return submissions.c.upload_id.in_(
                select(uploads.c.id).where(uploads.c.submitted_at <= self.as_of)
            )
        return None

    def uploads_condition(self) -> ColumnElement[bool] | None:
        """The uploads this vintage knows of (the history as it was then)."""
        moment = self.moment
        return None if moment is None else uploads.c.submitted_at <= moment

    def describe(self) -> str:
        """In words, for provenance: which data a figure comes from."""
        if self.release is not None:
            return f"release '{self.release.name}' (made {words_of(self.release.created_at)})"
        if self.as_of is not None:
            return f"data as they were at {words_of(self.as_of)}"
        return "the latest data"

    def as_dict(self) -> dict[str, Any]:
        return {
            "release": None if self.release is None else self.release.name,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
        }


LATEST = Vintage()


def words_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date or time; a time without a zone is UTC, a date alone its first
    moment (00:00 UTC). VintageError when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise VintageError(
            f"'{text[:40]}' is not an ISO 8601 date or time; write e.g. 2026-10-01 or "
            "2026-10-01T12:00:00+00:00."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def resolve(engine: Engine, release: str | None = None, as_of: str | None = None) -> Vintage:
    """The vintage a user named (neither: the latest data). VintageError for an unknown
    release, an unreadable moment, or both at once."""
    if release is not None and as_of is not None:
        raise VintageError("Name a release or a moment (--as-of), not both.")
    if as_of is not None:
        return Vintage(as_of=parse_moment(as_of))
    if release is None:
        return LATEST
    found = find_release(engine, release)
    if found is None:
        names = [r.name for r in list_releases(engine)]
        known = f"the releases are: {', '.join(names)}" if names else "there is no release yet"
        raise VintageError(f"There is no release named '{release[:80]}'; {known}.")
    return Vintage(release=found)
