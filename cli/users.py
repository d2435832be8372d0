"""`prison-monitor users …`: add, list, disable and enable local accounts.

The rules live in the core (store.accounts): a password a person chooses is
checked there (store.passwords), the last enabled ministry account cannot be
demoted or disabled, an e-mail address belongs to one account. `--by` names the
ministry account making the change; without it the operating system's user is
recorded.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    CliError,
    actor,
    engine,
    print_json,
    rule_refusals,
    say,
    shown,
    table,
    tell,
)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("No password came on standard input; pipe it in, e.g. from a file.")
        return password
    if sys.stdin.isatty():
        return (
            getpass.getpass(f"Password for {shown(args.name)} (empty: no local log-in): ") or None
        )
    return None


def users_add(args: argparse.Namespace) -> int:
    from store.accounts import AccountError, save_account

    store = engine()
    by = actor(store, args.by, may="manage")
    password = _password(args)
    try:
        with rule_refusals():
            account, created = save_account(
                store,
                args.name,
                args.role,
                prisons=args.prison,
                password=password,
                email=args.email,
                countries=args.country,
                actor=by,
            )
    except AccountError as exc:
        tell(f"prison-monitor: {exc}")
        return EXIT_REJECTED
    bound = sorted(account.prisons) or sorted(account.countries)
    prisons = f" for {', '.join(bound)}" if bound else ""
    login = "" if password else " (no password: it can log in only through OpenID Connect)"
    say(f"{'Added' if created else 'Updated'} {account.role} {account.name}{prisons}{login}.")
    return EXIT_OK


def users_list(args: argparse.Namespace) -> int:
    from store.accounts import account_rows

    rows = account_rows(engine())
    if args.json:
        print_json(rows)
    elif rows:
        say(table([{**r, "disabled": "disabled" if r["disabled"] else ""} for r in rows]))
    else:
        say("No accounts.")
    return EXIT_OK


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    from store.accounts import AccountError, get_account, set_disabled

    store = engine()
    by = actor(store, args.by, may="manage")
    before = get_account(store, args.name)
    try:
        with rule_refusals():
            account = set_disabled(store, args.name, disabled, actor=by)
    except AccountError as exc:
        tell(f"prison-monitor: {exc}")
        return EXIT_REJECTED
    word = "disabled" if disabled else "enabled"
    if before is not None and before.disabled == disabled:
        say(f"{account.role.capitalize()} {account.name} was already {word}.")
    elif disabled:
        say(f"Disabled {account.role} {account.name}: it cannot log in, and its sessions end.")
    else:
        say(f"Enabled {account.role} {account.name}: it can log in again.")
    return EXIT_OK


def users_disable(args: argparse.Namespace) -> int:
    return _set_disabled(args, True)


def users_enable(args: argparse.Namespace) -> int:
    return _set_disabled(args, False)
