"""The prison register in the database: import (add or update), list, and load for checks.

`prisons` holds each prison's entry as it is now; every entry written there is also
appended to `register_history` (store.register_history), which the readings of a past
moment (releases, --as-of) use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, Engine, select

from data_contracts.periods import current_quarter, period_label
from data_contracts.register import MODULE_SEPARATOR, Prison, Register
from store import audit
from store.db import write_transaction
from store.register_history import ENTRY_FIELDS, record_entry, register_as_of
from store.schema import prisons as prisons_table

FIELDS = ENTRY_FIELDS
# The quarters a register change may be dated from on the Administration page: this many
# before the current one (a correction found late) and after it (a change announced ahead).
EFFECTIVE_FROM_PAST = 40
EFFECTIVE_FROM_AHEAD = 4


def _stored(prison: Prison) -> dict[str, str | None]:
    """A prison as its row holds it (modules joined by ';', '' for core only)."""
    values = {f: getattr(prison, f) for f in FIELDS}
    values["modules"] = MODULE_SEPARATOR.join(prison.modules)
    return values


def _prison(row) -> Prison:  # type: ignore[no-untyped-def]
    values = {f: row[f] for f in FIELDS}
    values["modules"] = tuple(m for m in (row["modules"] or "").split(MODULE_SEPARATOR) if m)
    return Prison(code=row["code"], **values)


@dataclass(frozen=True)
class ImportResult:
    added: list[str]
    updated: list[str]
    unchanged: list[str]


def import_prisons(
    engine: Engine,
    prisons: list[Prison],
    actor: str,
    *,
    effective_from: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Add new prisons and update changed ones, in one transaction, each change audited.

    A change applies from `effective_from` (a quarter), by default from the current quarter
    (`default_effective_from`): the quarters before it keep the entry they had
    (store.register_history). A new prison's entry applies from the start."""
    added, updated, unchanged = [], [], []
    since = effective_from or default_effective_from(today)
    _require_countries(engine, prisons, actor)
    with write_transaction(engine) as conn:
        existing = {r["code"]: r for r in conn.execute(select(prisons_table)).mappings()}
        for prison in prisons:
            values = _stored(prison)
            old = existing.get(prison.code)
            if old is None:
                conn.execute(
                    prisons_table.insert().values(
                        code=prison.code, updated_at=audit.now(), updated_by=actor, **values
                    )
                )
                record_entry(conn, prison.code, values, actor)
                audit.record(conn, actor, "register.add", prison.code, **values)
                added.append(prison.code)
            elif any(old[f] != values[f] for f in FIELDS):
                conn.execute(
                    prisons_table.update()
                    .where(prisons_table.c.code == prison.code)
                    .values(updated_at=audit.now(), updated_by=actor, **values)
                )
                record_entry(conn, prison.code, values, actor, since)
                changes = {f: [old[f], values[f]] for f in FIELDS if old[f] != values[f]}
                audit.record(
                    conn, actor, "register.update", prison.code, effective_from=since, **changes
                )
                updated.append(prison.code)
            else:
                unchanged.append(prison.code)
    return ImportResult(added, updated, unchanged)


def _require_countries(engine: Engine, prisons: list[Prison], actor: str) -> None:
    """authz.country (audited) when the actor is an account bound to countries and a row
    names, or moves a prison from, another country."""
    from store.account_model import read_account
    from store.governance import phrase, refusals_audited, require_country

    with engine.connect() as conn:
        by = read_account(conn, actor)
    if by is None or by.every_country:  # the operator, the sample loader, every country
        return
    now = prison_countries(engine)
    with refusals_audited(engine, by, "register.import", "register"):
        for prison in prisons:
            for country in (prison.country, now.get(prison.code, prison.country)):
                require_country(by, country, phrase("what.change_register"), prison.code)


def default_effective_from(today: date | None = None) -> str:
    """The quarter a register change applies from when none is given: the current one."""
    return period_label(current_quarter(today or date.today()))


def effective_from_choices(today: date | None = None) -> list[str]:
    """The quarters a change may be dated from, newest first (the current one among them)."""
    now = current_quarter(today or date.today())
    return [
        period_label(q)
        for q in range(now + EFFECTIVE_FROM_AHEAD, now - EFFECTIVE_FROM_PAST - 1, -1)
    ]


@dataclass(frozen=True)
class ImportPreview:
    """What importing a register would change, before anything is written."""

    added: list[str]
    changed: dict[str, dict[str, tuple[str | None, str | None]]]  # code -> field -> old, new
    closed: list[str]  # changed prisons whose `closed` is newly set
    unchanged: list[str]

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed)

    def summary(self) -> str:
        """One sentence: how many prisons are added, changed (closed among them), unchanged."""
        closed = f" ({len(self.closed)} of them closed)" if self.closed else ""
        return (
            f"{len(self.added)} added, {len(self.changed)} changed{closed}, "
            f"{len(self.unchanged)} unchanged."
        )

    def rows(self) -> list[dict[str, str | None]]:
        """The preview as a table: each added prison once, then each changed field of each
        changed prison (`closed` when its closing quarter is newly set)."""
        rows: list[dict[str, str | None]] = [
            {"prison_code": code, "change": "added", "field": None, "before": None, "after": None}
            for code in self.added
        ]
        for code, fields in self.changed.items():
            for name, (before, after) in fields.items():
                change = "closed" if name == "closed" and after else "changed"
                rows.append(
                    {
                        "prison_code": code,
                        "change": change,
                        "field": name,
                        "before": before,
                        "after": after,
                    }
                )
        return rows


def preview_import(engine: Engine, prisons: list[Prison]) -> ImportPreview:
    """What `import_prisons` would do with `prisons`, field by field (nothing is written)."""
    existing = {p.code: _stored(p) for p in list_prisons(engine)}
    added, changed, closed, unchanged = [], {}, [], []
    for prison in prisons:
        new, old = _stored(prison), existing.get(prison.code)
        if old is None:
            added.append(prison.code)
            continue
        moved = {f: (old[f], new[f]) for f in FIELDS if old[f] != new[f]}
        if not moved:
            unchanged.append(prison.code)
            continue
        changed[prison.code] = moved
        if "closed" in moved and new["closed"]:
            closed.append(prison.code)
    return ImportPreview(added, changed, closed, unchanged)


def list_prisons(engine: Engine, moment: datetime | None = None) -> list[Prison]:
    """The register now, or (`moment`) as it was then (store.register_history)."""
    if moment is not None:
        return [_prison(r) for r in register_as_of(engine, moment)]
    with engine.connect() as conn:
        rows = conn.execute(select(prisons_table).order_by(prisons_table.c.code)).mappings().all()
    return [_prison(r) for r in rows]


def load_register(engine: Engine, moment: datetime | None = None) -> Register:
    return Register({p.code: p for p in list_prisons(engine, moment)})


def prison_dict(prison: Prison) -> dict[str, str | None]:
    """A prison as the register file writes it (modules joined by ';')."""
    return {"prison_code": prison.code, **_stored(prison)}


def prison_countries(store: Engine | Connection) -> dict[str, str]:
    """Each prison's country by its code (who sees and changes what: authz.country); read
    on a connection inside a caller's transaction, or on the engine."""
    query = select(prisons_table.c.code, prisons_table.c.country)
    if isinstance(store, Connection):
        return {code: country for code, country in store.execute(query).all()}
    with store.connect() as conn:
        return {code: country for code, country in conn.execute(query).all()}


REGISTER_TEXT_COLUMNS = (
    "prison_code",
    "name",
    "region",
    "prison_type",
    "opened",
    "closed",
    "country",
)


def register_frame(prisons: list[Prison]) -> pl.DataFrame:
    """The register as the readings take it (indicators.availability.prison_grid and the
    pages): one row per prison, its modules as a list."""
    rows = [
        {
            "prison_code": p.code,
            "name": p.name,
            "region": p.region,
            "prison_type": p.prison_type,
            "opened": p.opened,
            "closed": p.closed,
            "modules": list(p.modules),
            "peer_group": p.peer_group,
            "country": p.country,
        }
        for p in prisons
    ]
    return pl.DataFrame(
        rows,
        schema={
            **{c: pl.String for c in REGISTER_TEXT_COLUMNS},
            "modules": pl.List(pl.String),
            "peer_group": pl.String,
        },
    )
