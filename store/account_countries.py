"""The countries of accounts (international.md §2): which roles take them, and who may
manage an account bound to countries (authz.country)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, Engine, select

from data_contracts.countries import is_country_code
from store.account_model import COUNTRY_ROLES, Account, AccountError, read_account, shown_name
from store.governance import GovernanceRefused, refusals_audited, require_account_within
from store.prisons import prison_countries
from store.schema import user_countries


def check_countries(role: str, countries: list[str]) -> None:
    """AccountError unless `countries` are ISO 3166-1 codes and the role takes countries."""
    if not countries:
        return
    if role not in COUNTRY_ROLES:
        raise AccountError(
            f"Only {' and '.join(COUNTRY_ROLES)} accounts are bound to countries; a {role} "
            "account is not (leave out --country)."
        )
    wrong = [c for c in countries if not is_country_code(c)]
    if wrong:
        raise AccountError(
            f"{', '.join(shown_name(c) for c in wrong)} {'is' if len(wrong) == 1 else 'are'} "
            "not an ISO 3166-1 alpha-2 country code; give codes such as BE or FR."
        )


def require_within(
    engine: Engine, actor: str, name: str, role: str, countries: list[str], prisons: list[str]
) -> None:
    """authz.country (audited) when the actor is an account bound to countries and the
    account, as it is or as it would be, reaches beyond them."""
    with engine.connect() as conn:
        by, old = read_account(conn, actor), read_account(conn, name)
    if by is None:  # the operator (the operating system's user) or the sample loader
        return
    where = prison_countries(engine)
    with refusals_audited(engine, by, "account.update", shown_name(name)):
        require_account_within(by, name, role, countries, [where.get(p) for p in prisons])
        if old is not None:
            require_account_within(
                by, name, old.role, old.countries, [where.get(p) for p in old.prisons]
            )


def write_countries(conn: Connection, name: str, countries: list[str]) -> list[str]:
    """Store the account's countries; the ones it had."""
    old = set(
        conn.execute(
            select(user_countries.c.country).where(user_countries.c.user_name == name)
        ).scalars()
    )
    if old != set(countries):
        conn.execute(user_countries.delete().where(user_countries.c.user_name == name))
        if countries:
            conn.execute(
                user_countries.insert(), [{"user_name": name, "country": c} for c in countries]
            )
    return sorted(old)


def manages_account(by: Account, target: Account, countries: Mapping[str, str]) -> bool:
    """Whether `by` (a ministry account) may manage `target` as it is (the rule of
    require_account_within): what the Administration page lists for it."""
    try:
        require_account_within(
            by,
            target.name,
            target.role,
            target.countries,
            [countries.get(p) for p in target.prisons],
        )
    except GovernanceRefused:
        return False
    return True
