"""Migrations build exactly the tables the code uses; accounts keep only password hashes."""

from __future__ import annotations

import json
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from store.accounts import authenticate, get_account
from store.db import HEAD, get_engine, migrate, schema_version
from store.schema import metadata, users


def test_migrations_match_the_schema_module(engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert schema_version(engine) == HEAD


def test_init_upgrades_an_empty_database_and_is_idempotent(store_url) -> None:
    engine = get_engine(store_url)
    assert schema_version(engine) is None
    migrate(engine)
    migrate(engine)
    assert schema_version(engine) == HEAD


def test_passwords_are_hashed_and_verified(engine) -> None:
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "min")).scalar()
    assert stored.startswith("$argon2")
    assert "long-test-pass-1" not in stored
    assert authenticate(engine, "min", "long-test-pass-1").account == get_account(engine, "min")
    assert authenticate(engine, "min", "wrong", sleep=lambda _: None).account is None
    assert authenticate(engine, "nobody", "long-test-pass-1", sleep=lambda _: None).account is None


def test_users_add_through_the_cli(engine, capsys, monkeypatch) -> None:
    import io

    from cli.main import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-s3cret-passphrase\n"))
    code = main(
        ["users", "add", "anna", "--role", "director", "--prison", "BE-NEW", "--password-stdin"]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "a-long-s3cret-passphrase" not in out.out + out.err
    assert authenticate(engine, "anna", "a-long-s3cret-passphrase").account is not None
    assert get_account(engine, "anna").prisons == frozenset({"BE-NEW"})
    from store.audit import entries

    log = entries(engine)
    assert "a-long-s3cret-passphrase" not in " ".join(log["detail"].to_list())
    added = log.filter(action="account.add", subject="anna")["detail"]
    assert json.loads(added[0])["password_changed"] is True
    # errors: exit 1, one sentence
    monkeypatch.setattr(sys, "stdin", io.StringIO("another-long-passphrase\n"))
    assert main(["users", "add", "bob", "--role", "director", "--password-stdin"]) == 1
    assert "--prison" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("another-long-passphrase\n"))
    assert (
        main(["users", "add", "bob", "--role", "director", "--prison", "XX-NO", "--password-stdin"])
        == 1
    )
    assert "not in the prison register" in capsys.readouterr().err
    assert main(["users", "list", "--json"]) == 0
    names = [u["name"] for u in json.loads(capsys.readouterr().out)]
    assert names == ["anna", "dir", "eva", "min"]


def test_init_sample_loads_everything_once(store_url, capsys) -> None:
    from cli.main import main
    from sample_data import SUBMISSIONS_DIR
    from store.history import submission_history

    assert main(["init", "--sample"]) == 0
    out = capsys.readouterr().out
    assert "ministry" in out and "director" in out and "evaluator" in out
    files = [p for p in SUBMISSIONS_DIR.iterdir() if p.is_file()]
    engine = get_engine(store_url)
    history = submission_history(engine)
    assert len(history) == len(files)
    assert {h["status"] for h in history} == {"current"}
    assert main(["init", "--sample"]) == 0
    assert len(submission_history(engine)) == len(files)
    for name in ("ministry", "director", "evaluator"):
        assert authenticate(engine, name, "demo").account is not None


def test_console_script_ingest_exit_codes(engine, store_url, tmp_path) -> None:
    """As a new user would: the installed command, a good and a bad file in one call."""
    from submission_files import csv_text, good_rows

    good = tmp_path / "good.csv"
    good.write_text(csv_text(good_rows()))
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(good_rows(period="2025-Q2", receptions="-5")))
    script = "import sys; from cli.main import main; sys.exit(main())"
    env_run = {"PRISON_MONITOR_DB": store_url}
    import os

    result = subprocess.run(
        [sys.executable, "-c", script, "ingest", str(good), str(bad), "--user", "min", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env_run},
        check=False,
    )
    assert result.returncode == 1, result.stderr
    reports = json.loads(result.stdout)
    assert [r["stored"] for r in reports] == [True, False]
    assert "Traceback" not in result.stderr
    missing_user = subprocess.run(
        [sys.executable, "-c", script, "ingest", str(good), "--user", "ghost"],
        capture_output=True,
        text=True,
        env={**os.environ, **env_run},
        check=False,
    )
    assert missing_user.returncode == 2
    assert "no account 'ghost'" in missing_user.stderr


def test_setup_version_moves_with_register_and_accounts_not_with_log_ins(engine) -> None:
    from data_contracts.register import Prison
    from store.accounts import authenticate, save_account, setup_version
    from store.prisons import import_prisons

    before = setup_version(engine)
    assert authenticate(engine, "min", "long-test-pass-1").account is not None
    assert authenticate(engine, "min", "wrong", sleep=lambda _: None).account is None
    assert setup_version(engine) == before
    save_account(engine, "dir", "director", prisons=["BE-HAS", "BE-NEW"], actor="test")
    after_account = setup_version(engine)
    assert after_account != before
    import_prisons(engine, [Prison("BE-HAS", "Hasselt", "Limburg", "mixed")], "test")
    assert setup_version(engine) != after_account


def test_init_upgrades_a_version_1_database_keeping_its_accounts(store_url, capsys) -> None:
    """A database made before accounts could be disabled: `init` brings it to HEAD."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from cli.main import main
    from store.db import MIGRATIONS
    from store.passwords import hash_password

    engine = get_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        config.attributes["connection"] = conn.execution_options(write=True)
        command.upgrade(config, "0001")
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, created_at, updated_at) "
                "VALUES ('old', 'ministry', :h, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"h": hash_password("an old long password")},
        )
        conn.commit()
    assert schema_version(engine) == "0001"
    assert main(["init"]) == 0
    assert schema_version(engine) == HEAD
    old = get_account(engine, "old")
    assert old is not None and old.disabled is False and old.stamp
    assert authenticate(engine, "old", "an old long password").account == old
