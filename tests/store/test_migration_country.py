"""Migration 0007 (international.md §1): a database of before the register's `country` gets
the deployment's default country on every stored entry, now and in the register's history."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from data_contracts.countries import DEFAULT_COUNTRY_SETTING
from store.db import HEAD, MIGRATIONS, get_engine, migrate


def _upgrade(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        config.attributes["connection"] = conn.execution_options(write=True)
        command.upgrade(config, revision)
        conn.commit()


def test_entries_stored_before_get_the_default_country(tmp_path, monkeypatch) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade(engine, "0006")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO prisons (code, name, region, modules, updated_at, updated_by) "
                "VALUES ('BE-A', 'A', 'Flanders', '', :at, 'x')"
            ),
            {"at": at},
        )
        conn.execute(
            sa.text(
                "INSERT INTO register_history (code, name, region, modules, recorded_at, "
                "recorded_by) VALUES ('BE-A', 'A', 'Flanders', '', :at, 'x')"
            ),
            {"at": at},
        )
    monkeypatch.setenv(DEFAULT_COUNTRY_SETTING, "BE")
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert conn.execute(sa.text("SELECT country FROM prisons")).scalars().all() == ["BE"]
        history = conn.execute(sa.text("SELECT country FROM register_history")).scalars().all()
        assert history == ["BE"]
