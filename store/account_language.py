"""The language a person reads the dashboard in, kept with their account (international.md §3).

Not part of the account's stamp (`account_model.account_stamp`): choosing another
language changes what the person reads, not what they may see or do, so it ends no
session. Not audited either, for the same reason.
"""

from __future__ import annotations

from sqlalchemy import Engine

from data_contracts.languages import check_language, language_from_environment
from store.account_model import Account, AccountError, read_account, shown_name
from store.db import write_transaction
from store.schema import users


def set_language(engine: Engine, name: str, language: str) -> Account:
    """Keep ``language`` (one of data_contracts.languages.LANGUAGES) with account ``name``."""
    code = check_language(language)
    with write_transaction(engine) as conn:
        if read_account(conn, name) is None:
            raise AccountError(
                f"There is no account '{shown_name(name)}'; see 'prison-monitor users list'."
            )
        conn.execute(users.update().where(users.c.name == name).values(language=code))
        account = read_account(conn, name)
    assert account is not None
    return account


def language_of(account: Account | None) -> str:
    """The language the account reads in: its own, else the deployment's
    (PRISON_MONITOR_LANG, English when unset)."""
    return (account.language if account is not None else None) or language_from_environment()
