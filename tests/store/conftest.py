"""Databases for the store tests: SQLite always, PostgreSQL when PRISON_MONITOR_TEST_PG_URL is set.

Each PostgreSQL test gets a database of its own, created and dropped around it.
CI sets PRISON_MONITOR_REQUIRE_PG=1, so there a missing server fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from submission_files import PRISONS

PG_ENV = "PRISON_MONITOR_TEST_PG_URL"


def _pg_database() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("PRISON_MONITOR_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} is not set, but PRISON_MONITOR_REQUIRE_PG asks for PostgreSQL")
        pytest.skip(f"no PostgreSQL here: set {PG_ENV} to run the PostgreSQL variant")
    name = f"pm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        from store import db

        for url, engine in list(db._ENGINES.items()):
            if name in url:
                engine.dispose()
                del db._ENGINES[url]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        monkeypatch.setenv("PRISON_MONITOR_DB", url)
        yield url
        return
    for url in _pg_database():
        monkeypatch.setenv("PRISON_MONITOR_DB", url)
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A database of its own on PostgreSQL alone, for what only PostgreSQL can say."""
    yield from _pg_database()


@pytest.fixture
def engine(store_url):  # type: ignore[no-untyped-def]
    """A migrated database with the test register and three accounts."""
    from store.accounts import save_account
    from store.db import get_engine, migrate
    from store.prisons import import_prisons

    engine = get_engine(store_url)
    migrate(engine)
    import_prisons(engine, PRISONS, "test")
    save_account(engine, "min", "ministry", password="long-test-pass-1", actor="test")
    save_account(
        engine,
        "dir",
        "director",
        prisons=["BE-HAS"],
        password="long-test-pass-2",
        actor="test",
    )
    save_account(engine, "eva", "evaluator", password="long-test-pass-3", actor="test")
    return engine


@pytest.fixture
def account(engine):  # type: ignore[no-untyped-def]
    from store.accounts import get_account

    return lambda name: get_account(engine, name)
