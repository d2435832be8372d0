"""The command line's accounts: users disable/enable, the password rules, --user/--by that name
a real account, serve's demo warning, terminal-safe output, and `python -m cli.main`."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from submission_files import csv_text, good_rows

from cli.common import terminal_safe

GOOD = "correct horse battery staple"
HOSTILE = ["\x1b[2J", "\x1b]8;;http://x\x07", "\r", "\x9b31m", "\u202e"]


def add(cli, monkeypatch, *args: str, password: str | None = None):  # type: ignore[no-untyped-def]
    if password is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        args = (*args, "--password-stdin")
    return cli("users", "add", *args)


def test_users_disable_and_enable(initialised, monkeypatch) -> None:
    assert add(initialised, monkeypatch, "min", "--role", "ministry").code == 0
    assert (
        add(initialised, monkeypatch, "dir", "--role", "director", "--prison", "BE-HAS").code == 0
    )
    off = initialised("users", "disable", "dir", "--by", "min")
    assert off.code == 0 and "Disabled director dir" in off.out
    listed = initialised("users", "list", "--json").json
    assert {u["name"]: u["disabled"] for u in listed} == {"dir": True, "min": False}
    again = initialised("users", "enable", "dir", "--by", "min")
    assert again.code == 0 and "Enabled director dir" in again.out
    unknown = initialised("users", "disable", "ghost", "--by", "min")
    assert (
        unknown.code == 1 and unknown.err.count("\n") == 1 and "no account 'ghost'" in unknown.err
    )
    last = initialised("users", "disable", "min", "--by", "min")
    assert last.code == 1 and "last enabled ministry" in last.err
    demote = add(initialised, monkeypatch, "min", "--role", "evaluator", "--by", "min")
    assert demote.code == 1 and "last enabled ministry" in demote.err
    from store.audit import entries
    from store.db import get_engine

    done = entries(get_engine())["action"].to_list()
    assert "account.disable" in done and "account.enable" in done


def test_a_disabled_or_unknown_user_cannot_ingest(initialised, monkeypatch, write) -> None:
    assert add(initialised, monkeypatch, "min", "--role", "ministry").code == 0
    assert add(initialised, monkeypatch, "eva", "--role", "evaluator").code == 0
    path = write("good.csv", csv_text(good_rows()))
    for user, says in (("ghost", "no account 'ghost'"), ("eva", "may not submit")):
        result = initialised("ingest", path, "--user", user)
        assert result.code == 2 and says in result.err
        assert initialised("validate", path, "--user", user).code == 2
    assert initialised("users", "disable", "eva", "--by", "min").code == 0
    assert add(initialised, monkeypatch, "d", "--role", "director", "--prison", "BE-HAS").code == 0
    assert initialised("users", "disable", "d", "--by", "min").code == 0
    result = initialised("ingest", path, "--user", "d")
    assert result.code == 2 and "disabled" in result.err
    assert initialised("history", "--json").json == []


@pytest.mark.parametrize("by", ["ghost", "eva"])
def test_by_and_user_name_an_account_allowed_to_manage(initialised, monkeypatch, write, by) -> None:
    from submission_files import register_csv

    assert add(initialised, monkeypatch, "eva", "--role", "evaluator").code == 0
    # no such account: cannot run (2); an account of another role: refused, authz.role (1)
    code = 2 if by == "ghost" else 1
    result = add(initialised, monkeypatch, "x", "--role", "evaluator", "--by", by)
    assert result.code == code and result.err.count("\n") == 1
    imported = initialised("prisons", "import", write("r.csv", register_csv()), "--user", by)
    assert imported.code == code
    assert [u["name"] for u in initialised("users", "list", "--json").json] == ["eva"]


def test_users_add_enforces_the_password_rules(initialised, monkeypatch) -> None:
    from store.passwords import DEMO_PASSWORD, MIN_PASSWORD_LENGTH

    for password in (DEMO_PASSWORD, "x" * (MIN_PASSWORD_LENGTH - 1), "passwordpassword", "anna"):
        result = add(initialised, monkeypatch, "anna", "--role", "evaluator", password=password)
        assert result.code == 1 and result.err.count("\n") == 1, password
    assert initialised("users", "list", "--json").json == []
    ok = add(initialised, monkeypatch, "anna", "--role", "evaluator", password=GOOD)
    assert ok.code == 0 and GOOD not in ok.out + ok.err


def test_a_duplicate_email_is_one_sentence(initialised, monkeypatch) -> None:
    assert add(initialised, monkeypatch, "a", "--role", "evaluator", "--email", "x@y.org").code == 0
    result = add(initialised, monkeypatch, "b", "--role", "evaluator", "--email", "X@y.org")
    assert result.code == 1 and "already used by account 'a'" in result.err
    assert "IntegrityError" not in result.err and result.err.count("\n") == 1


def test_serve_warns_first_while_demo_passwords_exist(initialised, monkeypatch) -> None:
    from store.accounts import save_demo_account
    from store.db import get_engine

    launched = []
    monkeypatch.setattr(subprocess, "call", lambda command, **_: launched.append(command) or 0)
    quiet = initialised("serve")
    assert quiet.code == 0 and launched and not quiet.out.startswith("WARNING")
    # found by the hash, whatever the name
    save_demo_account(get_engine(), "kim", "evaluator", prisons=[], actor="test")
    warned = initialised("serve")
    assert warned.out.splitlines()[0].startswith("WARNING: the account kim still has")
    assert add(initialised, monkeypatch, "kim", "--role", "evaluator", password=GOOD).code == 0
    assert not initialised("serve").out.startswith("WARNING")


def test_serve_demo_warns_before_loading_the_sample(cli, monkeypatch) -> None:
    from store.sample import demo_accounts

    monkeypatch.setattr(subprocess, "call", lambda command, **_: 0)
    monkeypatch.setattr("store.sample.load_sample", lambda engine, progress=None: ["loaded"])
    result = cli("serve", "--demo")
    first = result.out.splitlines()[0]
    assert first.startswith("WARNING") and all(n in first for n, *_ in demo_accounts())


@pytest.mark.parametrize("sequence", HOSTILE)
def test_terminal_safe_shows_control_sequences_as_text(sequence) -> None:
    cleaned = terminal_safe(f"before{sequence}after\nnext\tline")
    assert cleaned.startswith("before") and cleaned.endswith("after\nnext\tline")
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in cleaned if c not in "\n\t")
    assert "\u202e" not in cleaned


def test_register_names_reach_the_terminal_escaped(initialised) -> None:
    from data_contracts.register import Prison
    from store.db import get_engine
    from store.prisons import import_prisons

    hostile = "Has\x1b[2Jselt\x1b]8;;http://x\x07\r\x9b"
    import_prisons(get_engine(), [Prison("BE-X", hostile, "Limburg", "mixed")], "test")
    for result in (initialised("prisons", "list"), initialised("prisons", "list", "--json")):
        assert "Has" in result.out
        assert not {"\x1b", "\r", "\x07", "\x9b"} & set(result.out)


def test_an_account_name_in_an_error_reaches_the_terminal_escaped(initialised, write) -> None:
    path = write("good.csv", csv_text(good_rows()))
    result = initialised("ingest", path, "--user", "gh\x1b[2Jost\r")
    assert result.code == 2 and "\x1b" not in result.err and "\r" not in result.err
    bad_choice = initialised("history", "--period", "\x1b]8;;http://x\x07")
    assert bad_choice.code == 2 and "\x1b" not in bad_choice.err and "\x07" not in bad_choice.err


def test_python_m_cli_main_reports_its_own_errors(tmp_path) -> None:
    """Run as `python -m cli.main`, the module is __main__: its errors are still its own."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "validate", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PRISON_MONITOR_DB": f"sqlite:///{tmp_path / 'x.db'}"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("prison-monitor: There is no file"), result.stderr
    assert "unexpected" not in result.stderr


def test_the_parser_roles_are_the_store_roles() -> None:
    from cli.main import ROLES
    from store.accounts import ROLES as STORE_ROLES

    assert ROLES == STORE_ROLES
