"""A migrated SQLite database with the small test register and a ministry account."""

from __future__ import annotations

import pytest
from submission_files import PRISONS


@pytest.fixture
def engine_with_register(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from store.accounts import save_account
    from store.db import get_engine, migrate
    from store.prisons import import_prisons

    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    monkeypatch.setenv("PRISON_MONITOR_DB", url)
    engine = get_engine(url)
    migrate(engine)
    import_prisons(engine, PRISONS, "test")
    save_account(engine, "min", "ministry", password="long-test-pass-1", actor="test")
    return engine
