"""The one verdict on a file, as `ingest` would give it: the core of `validate` and of Upload.

`validate FILE [--user NAME]`, the dashboard's check of an upload and
`ingest` all call `check_as`: the contract, the register, the stored history
(`outlier.history`), the account (`authz.prison`) and the accepted
submissions a file would supersede (`submission.replaces`) are judged in one
place, so a dry run and a real ingest cannot disagree, and a page never shows
"meets the contract" beside a refusal.

Stored history is read only for the prisons the account may submit for: a
check must not tell a director anything about another prison's figures or
submissions. Two fences hold it: the checks are given only those prisons'
stored values and current versions (`history_loader`, the `visible` quarters
of `check_as`), and whatever a rule that reads stored data says of any other
prison is dropped from the report before anyone sees or stores it
(`withhold_unseen`), so a rule added later cannot leak by forgetting the first.
`authz.prison` alone speaks of such a prison, and it says only that the
account may not submit for it.

Without an account (`validate FILE` with no --user) the check is the
operator's: a person with the database's URL, who can read every prison's
history and unsuppressed indicators from the command line anyway. It sees
the whole stored history, as the spec has `validate` do, and skips
`authz.prison`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from data_contracts.contract import Contract, load_contract
from data_contracts.report import Issue, ValidationReport, make_issue
from data_contracts.validate import CheckedFile, check_files
from store.accounts import Account
from store.prisons import load_register
from store.versions import current_versions

# The verdicts of a file (history's statuses of an attempt that was not stored).
ACCEPTED, REJECTED, REFUSED = "accepted", "rejected", "refused"
# The contract's levels of rules judged against stored data (history, current versions).
STORED_DATA_LEVELS = frozenset({"history", "storage"})
# The storage rule about the account itself: it names a prison, never that prison's data.
AUTHZ_RULE = "authz.prison"


def storage_rules(contract: Contract | None = None) -> frozenset[str]:
    """Rules judged at storage time (who sends, what is stored), not by the contract's checks."""
    contract = contract or load_contract()
    return frozenset(r.id for r in contract.rules if r.level == "storage")


def verdict_of(error_rules: Iterable[str], refusal: str | None = None) -> str:
    """`rejected` when the contract found errors; `refused` when only storage stopped it."""
    rules = set(error_rules)
    if rules - storage_rules():
        return REJECTED
    if rules or refusal:
        return REFUSED
    return ACCEPTED


def refusal_reason(report: ValidationReport) -> str | None:
    """Why a file the contract accepts cannot be stored (its storage errors), or None."""
    if verdict_of(i.rule for i in report.errors) != REFUSED:
        return None
    return " ".join(i.message for i in report.errors)


def may_see(account: Account | None, prison_code: str | None, countries: Mapping[str, str]) -> bool:
    """Whether a check run for `account` may speak of this prison's stored data.

    None is the operator (see the module docstring). For an account, no prison
    named is not seen: a message from stored data that names no prison could be
    of any.
    """
    if account is None:
        return True
    return prison_code is not None and account.may_submit(prison_code, countries.get(prison_code))


def stored_data_rules(contract: Contract | None = None) -> frozenset[str]:
    """Rules whose messages are built from stored data (outlier.history, submission.replaces)."""
    contract = contract or load_contract()
    return frozenset(
        r.id for r in contract.rules if r.level in STORED_DATA_LEVELS and r.id != AUTHZ_RULE
    )


def withhold_unseen(
    report: ValidationReport, account: Account | None, countries: Mapping[str, str]
) -> None:
    """Drop what rules reading stored data say of prisons `account` may not submit for."""
    rules = stored_data_rules()
    report.issues = [
        i
        for i in report.issues
        if i.rule not in rules or may_see(account, i.prison_code, countries)
    ]


def history_loader(
    engine: Engine, account: Account | None, countries: Mapping[str, str]
) -> Callable[[list[str]], pl.DataFrame]:
    """The stored values outlier.history compares with, of the prisons `account` may see."""
    from store.read import current_values

    def load(prisons: list[str]) -> pl.DataFrame:
        allowed = [p for p in prisons if may_see(account, p, countries)]
        values = current_values(engine, prisons=allowed)
        return values.select("prison_code", "period_index", "data_element", "value")

    return load


def authz_issues(
    report: ValidationReport, account: Account, countries: Mapping[str, str]
) -> list[Issue]:
    """`authz.prison` for each prison of the file `account` may not submit for (one, naming no
    prison, for an account that may submit nothing). For a ministry account bound to
    countries (authz.country, international.md §2) these are the prisons of other
    countries, and the message says so: the file contract's rule of who may send a
    prison's figures (submission-format.md §4) is the one that refuses the file."""
    if account.submits_for_every_prison:
        works = ", ".join(sorted(account.countries))
        return [
            make_issue(
                AUTHZ_RULE,
                prison_code=code,
                user=account.name,
                allowed=load_contract().phrase(
                    "works_for", countries=works, prison=code, country=countries[code]
                ),
            )
            for code in report.prisons
            if code in countries and not account.may_submit(code, countries[code])
        ]
    foreign = [p for p in report.prisons if not account.may_submit(p, countries.get(p))]
    if not account.may_submit_anything and not foreign:
        foreign = [None]
    contract = load_contract()
    allowed = (
        contract.phrase("may_not_submit", role=account.role)
        if not account.may_submit_anything
        else contract.phrase("may_submit_for", prisons=", ".join(sorted(account.prisons)))
    )
    return [
        make_issue(AUTHZ_RULE, prison_code=code, user=account.name, allowed=allowed)
        for code in foreign
    ]


def replaces_issues(
    quarters: Iterable[tuple[str, str, int]], latest: dict[tuple[str, int], dict[str, Any]]
) -> list[Issue]:
    """`submission.replaces` for each (prison, period, index) that has an accepted submission."""
    issues = []
    for code, period, index in quarters:
        previous = latest.get((code, index))
        if previous is None:
            continue
        at = previous["submitted_at"]
        issues.append(
            make_issue(
                "submission.replaces",
                prison_code=code,
                period=period,
                version=previous["version"],
                submitted_by=previous["submitted_by"],
                submitted_at=at.isoformat(timespec="seconds") if hasattr(at, "isoformat") else at,
            )
        )
    return issues


@dataclass
class Verdict:
    """What storing a file would do; `status` is ACCEPTED, REJECTED or REFUSED."""

    checked: CheckedFile
    # the accepted submissions (id, version, who, when) it would supersede, by (prison, index)
    replaces: dict[tuple[str, int], dict[str, Any]]

    @property
    def report(self) -> ValidationReport:
        return self.checked.report

    @property
    def status(self) -> str:
        return verdict_of(i.rule for i in self.report.errors)

    @property
    def reason(self) -> str | None:
        return refusal_reason(self.report)


def check_as(
    engine: Engine,
    files: Sequence[tuple[Path, str]],
    account: Account | None,
    *,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    with_replaces: bool = True,
) -> list[Verdict]:
    """The verdict on each (path, name as sent) file as `account` would get it; nothing stored.

    `account` None (the operator's `validate` without --user) skips `authz.prison`.
    `with_replaces=False` leaves `submission.replaces` to the caller: ingest judges it
    again inside its write transaction, where no other ingest can interleave.
    """
    register = load_register(engine)
    countries = {code: prison.country for code, prison in register.prisons.items()}
    checked = check_files(
        files,
        register,
        today=today,
        history=history_loader(engine, account, countries),
        progress=progress,
    )
    verdicts = []
    for result in checked:
        report = result.report
        if account is not None:
            report.add(*authz_issues(report, account, countries))
        replaces: dict[tuple[str, int], dict[str, Any]] = {}
        if with_replaces and report.accepted:
            visible = [q for q in report.quarters if may_see(account, q[0], countries)]
            replaces = current_versions(engine, [(q[0], q[2]) for q in visible])
            report.add(*replaces_issues(visible, replaces))
        withhold_unseen(report, account, countries)
        report.sort()
        verdicts.append(Verdict(result, replaces))
    return verdicts
