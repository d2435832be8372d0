"""The Administration page's reads and writes (governance.md §5): accounts and the register.

Every write is done as the account the store has now (`_still_current`: a session whose
account changed is logged out) and only if that account may manage
(`store.accounts.require_actor`, the same rule and audited refusal as the command line's
`--by`). A refusal or a rule of the core comes back as its one sentence.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import NamedTuple

import polars as pl

from dashboard import data
from dashboard.data import _still_current, engine
from dashboard.exports import csv_bytes
from data_contracts.register import Prison, read_register
from data_contracts.report import Issue
from i18n import N_, _
from store import accounts
from store import prisons as register
from store.account_countries import manages_account
from store.governance import GovernanceRefused

ACCOUNT_COLUMNS = {
    "name": pl.String,
    "role": pl.String,
    "prisons": pl.String,
    "countries": pl.String,
    "email": pl.String,
    "disabled": pl.Boolean,
}


NEW_ACCOUNT = N_("(a new account)")  # the account picker's first choice (shown with _)
LEAST_ROLE = "evaluator"  # a new account's role until another is chosen: it may do least


def field_key(name: str, chosen: str) -> str:
    """The widget key of the account form's field `name` for the account `chosen`: each
    account has its own fields, so nothing typed for one (a password) shows for another."""
    return f"admin_{name}:{chosen}"


class Done(NamedTuple):
    ok: bool
    sentence: str  # what was done, or why not


def _manager(account: accounts.Account) -> accounts.Account:
    fresh = _still_current(account)  # AccountChanged: app.py logs the session out
    return accounts.require_actor(engine(), fresh.name, may="manage")


def account_table(account: accounts.Account) -> pl.DataFrame:
    """Every account `account` may manage, one row each (store.accounts.account_rows), as
    the page shows it: its status in a word, no e-mail as an empty cell."""
    countries = data.prison_countries()
    managed = {
        a.name for a in accounts.list_accounts(engine()) if manages_account(account, a, countries)
    }
    rows = [r for r in accounts.account_rows(engine()) if r["name"] in managed]
    return pl.DataFrame(rows, schema=ACCOUNT_COLUMNS).select(
        "name",
        "role",
        "prisons",
        "countries",
        pl.col("email").fill_null(""),
        pl.when(pl.col("disabled"))
        .then(pl.lit(_("disabled")))
        .otherwise(pl.lit(_("enabled")))
        .alias("status"),
    )


def register_table(account: accounts.Account) -> pl.DataFrame:
    """The register now as the page shows it to `account` (its countries' prisons): an empty
    quarter as an empty cell."""
    frame = data.prisons_seen(account)
    return frame.with_columns(
        pl.col(c).fill_null("") for c, dtype in frame.schema.items() if dtype == pl.String
    )


def get_account(name: str) -> accounts.Account | None:
    return accounts.get_account(engine(), name)


def save_account(
    account: accounts.Account,
    name: str,
    role: str,
    *,
    prisons: list[str],
    password: str | None,
    email: str | None,
    countries: list[str] | None = None,
) -> Done:
    """Add or change an account as `account` (its password checked by the core's rules)."""
    try:
        by = _manager(account)
        saved, created = accounts.save_account(
            engine(),
            name.strip(),
            role,
            prisons=prisons,
            password=password or None,
            email=email or None,
            countries=countries,
            actor=by.name,
        )
    except (accounts.AccountError, GovernanceRefused) as exc:
        return Done(False, str(exc))
    if created:
        text = (
            _("Added {role} {name} for {prisons}.") if saved.prisons else _("Added {role} {name}.")
        )
    elif password:
        text = (
            _("Saved {role} {name} for {prisons} with a new password (its sessions end).")
            if saved.prisons
            else _("Saved {role} {name} with a new password (its sessions end).")
        )
    else:
        text = (
            _("Saved {role} {name} for {prisons}.") if saved.prisons else _("Saved {role} {name}.")
        )
    prisons_saved = ", ".join(sorted(saved.prisons))
    return Done(True, text.format(role=saved.role, name=saved.name, prisons=prisons_saved))


def set_disabled(account: accounts.Account, name: str, disabled: bool) -> Done:
    try:
        by = _manager(account)
        changed = accounts.set_disabled(engine(), name, disabled, actor=by.name)
    except (accounts.AccountError, GovernanceRefused) as exc:
        return Done(False, str(exc))
    if disabled:
        return Done(
            True,
            _("Disabled {name}: it cannot log in, and its sessions end.").format(name=changed.name),
        )
    return Done(True, _("Enabled {name}: it can log in again.").format(name=changed.name))


def read_register_upload(content: bytes) -> tuple[list[Prison], list[Issue]]:
    """The prisons of an uploaded register file, or its problems (nothing is written). The
    file is saved under a name of ours: a sent file name is never used as a path."""
    with tempfile.TemporaryDirectory(prefix="pm-register-") as folder:
        path = Path(folder) / "register.csv"
        path.write_bytes(content)
        return read_register(path)


def register_file(account: accounts.Account) -> bytes:
    """The register of `account`'s countries as a file `prisons import` and this page read
    back (modules joined by ';'), formulas neutralised."""
    rows = [
        register.prison_dict(p)
        for p in register.list_prisons(engine())
        if account.sees_country(p.country)
    ]
    return csv_bytes(pl.DataFrame(rows, infer_schema_length=None))


def preview_register(prisons: list[Prison]) -> register.ImportPreview:
    return register.preview_import(engine(), prisons)


def apply_register(account: accounts.Account, prisons: list[Prison], since: str) -> Done:
    """Import the register as `account`, its changes applying from quarter `since`."""
    try:
        by = _manager(account)
        result = register.import_prisons(engine(), prisons, by.name, effective_from=since)
    except (accounts.AccountError, GovernanceRefused) as exc:
        return Done(False, str(exc))
    if result.updated:
        text = _(
            "Register imported: {added} added, {updated} updated, {unchanged} unchanged; the "
            "changes apply from {since}."
        )
    else:
        text = _("Register imported: {added} added, {updated} updated, {unchanged} unchanged.")
    counts = {
        "added": len(result.added),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
    }
    return Done(True, text.format(**counts, since=since))
