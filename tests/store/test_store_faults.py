"""The store knows where it is: a deleted or replaced SQLite file, a full disk, a read-only
file or server each end in one sentence that says which, and nothing is stored."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, event, func, select, text
from submission_files import PRISONS, csv_text, good_rows

from store.db import StoreError, get_engine, migrate, write_transaction
from store.faults import storage_fault
from store.prisons import import_prisons, list_prisons
from store.schema import uploads
from store.submissions import ingest_files

DELETED = "was deleted or replaced while prison-monitor was running; nothing was stored."
FULL = "is full; nothing was stored."
READ_ONLY = "is read-only"
PG_READ_ONLY = "accepts only reads"
# Pages a SQLite connection may add beyond what the database holds: a disk with no room.
PAGES_OF_ROOM = 0
# Quarters of one prison in the file sent to a full disk, each value with a long note: more
# than the free room inside the database's existing pages.
FULL_DISK_QUARTERS = ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")
NOTE = "counted again after the audit " * 30


def _valid_file(tmp_path: Path, name: str = "has-q3.csv") -> Path:
    path = tmp_path / name
    path.write_text(csv_text(good_rows()), encoding="utf-8")
    return path


def _big_file(tmp_path: Path) -> Path:
    rows = [
        [*row[:4], NOTE.strip()]
        for period in FULL_DISK_QUARTERS
        for row in good_rows(period=period)
    ]
    path = tmp_path / "has-year.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def _uploads(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(uploads)).scalar_one()


def _sqlite_store(tmp_path: Path) -> tuple[Path, Engine]:
    from store.accounts import save_account

    path = tmp_path / "store.db"
    engine = get_engine(f"sqlite:///{path}")
    migrate(engine)
    import_prisons(engine, PRISONS[:1], "test")
    save_account(engine, "min", "ministry", password="long-test-pass-1", actor="test")
    return path, engine


def _fresh(path: Path) -> Engine:
    """An engine on whatever file is at `path` now, outside get_engine's cache."""
    from sqlalchemy import create_engine

    return create_engine(f"sqlite:///{path}")


# ---------------------------------------------------------------- deleted or replaced


def test_a_deleted_database_file_refuses_writes_and_reads(tmp_path) -> None:
    path, engine = _sqlite_store(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(StoreError) as refused:
        import_prisons(engine, PRISONS[1:], "test")
    assert str(refused.value).startswith(f"The database file {path} {DELETED}")
    assert "prison-monitor serve" in str(refused.value)
    with pytest.raises(StoreError, match="deleted or replaced"):
        list_prisons(engine)


def test_a_replaced_database_file_stores_nothing_in_either_file(tmp_path) -> None:
    from store.accounts import get_account

    path, engine = _sqlite_store(tmp_path)
    account = get_account(engine, "min")
    copy = tmp_path / "copy.db"
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    os.replace(copy, path)  # what a restore from a backup does
    with pytest.raises(StoreError, match=DELETED):
        ingest_files(engine, [(_valid_file(tmp_path), "has-q3.csv")], account)
    fresh = _fresh(path)
    assert _uploads(fresh) == 0
    fresh.dispose()


def test_a_file_deleted_during_a_write_is_noticed_before_the_commit(tmp_path) -> None:
    path, engine = _sqlite_store(tmp_path)
    with pytest.raises(StoreError, match=DELETED), write_transaction(engine) as conn:
        conn.execute(text("UPDATE prisons SET name = 'Moved' WHERE 1 = 1"))
        path.unlink()


def test_init_after_the_file_was_removed_makes_and_watches_a_new_one(tmp_path) -> None:
    path, engine = _sqlite_store(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    migrate(engine)
    import_prisons(engine, PRISONS, "test")
    fresh = _fresh(path)
    with fresh.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM prisons").scalar_one() == len(PRISONS)
    fresh.dispose()


# ---------------------------------------------------------------- full disk


def _cap_pages(engine: Engine) -> Callable[..., None]:
    """Let each new connection grow the file by PAGES_OF_ROOM pages at most: a full disk."""

    def _cap(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + PAGES_OF_ROOM}")

    engine.dispose()
    event.listen(engine, "connect", _cap)
    return _cap


def test_a_full_disk_is_one_sentence_and_stores_nothing(tmp_path) -> None:
    from store.accounts import get_account

    path, engine = _sqlite_store(tmp_path)
    account = get_account(engine, "min")
    before = _uploads(engine)
    cap = _cap_pages(engine)
    try:
        with pytest.raises(StoreError) as refused:
            ingest_files(engine, [(_big_file(tmp_path), "has-year.csv")], account)
    finally:
        engine.dispose()
        event.remove(engine, "connect", cap)
    assert str(refused.value).startswith(f"The disk holding the database file {path} {FULL}")
    assert _uploads(engine) == before


# ---------------------------------------------------------------- read-only


def _read_only(engine: Engine, tmp_path: Path) -> Engine:
    """The same database opened so that it refuses writes: mode=ro on SQLite (root ignores
    chmod), default_transaction_read_only on PostgreSQL (what a standby answers)."""
    if engine.dialect.name == "sqlite":
        return get_engine(f"sqlite:///file:{engine.url.database}?mode=ro&uri=true")
    with engine.connect() as conn:
        conn.execute(
            text(f'ALTER DATABASE "{engine.url.database}" SET default_transaction_read_only = on')
        )
        conn.commit()
    engine.dispose()
    return engine


def test_a_read_only_store_says_so_and_stores_nothing(engine, account, tmp_path) -> None:
    before = _uploads(engine)
    user = account("min")
    read_only = _read_only(engine, tmp_path)
    expected = READ_ONLY if engine.dialect.name == "sqlite" else PG_READ_ONLY
    with pytest.raises(StoreError, match=expected):
        ingest_files(read_only, [(_valid_file(tmp_path), "has-q3.csv")], user)
    renamed = dataclasses.replace(PRISONS[0], name="Renamed")
    with pytest.raises(StoreError, match=expected):
        import_prisons(read_only, [renamed], "test")
    assert list_prisons(read_only) == sorted(PRISONS, key=lambda p: p.code)
    assert _uploads(read_only) == before


def test_a_postgresql_disk_full_error_is_one_sentence(pg_url) -> None:
    """The server's own disk_full error, raised through the driver and the engine's hook."""
    engine = get_engine(pg_url)
    full = "has no disk space left; nothing was stored"
    with pytest.raises(StoreError, match=full), write_transaction(engine) as conn:
        conn.execute(text("DO $$ BEGIN RAISE EXCEPTION 'no space' USING ERRCODE = '53100'; END $$"))


def test_only_storage_failures_become_sentences() -> None:
    """A constraint or a missing table stays what it was: the caller decides (ingest retries
    a unique version number another ingest took first)."""
    assert storage_fault(psycopg.errors.DiskFull("no space"), "db on host") is not None
    assert storage_fault(psycopg.errors.ReadOnlySqlTransaction("ro"), "db on host") is not None
    assert storage_fault(psycopg.errors.UniqueViolation("dup"), "db on host") is None
    with pytest.raises(sqlite3.Error) as no_table:
        sqlite3.connect(":memory:").execute("SELECT * FROM missing_table")
    assert storage_fault(no_table.value, "x.db") is None


# ---------------------------------------------------------------- the command line


ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys\nfrom cli.main import main\nsys.exit(main())\n"


def _run(script: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The command line's main() in a process of its own, run from this checkout."""
    env = {**os.environ, "PRISON_MONITOR_DB": ""}
    env.pop("PRISON_MONITOR_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def _one_sentence(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("prison-monitor: ") and expected in lines[-1], result.stderr


def test_ingest_into_a_read_only_store_prints_one_sentence(tmp_path) -> None:
    path, _engine = _sqlite_store(tmp_path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    result = _run(CLI, ["--db", url, "ingest", str(_valid_file(tmp_path)), "--user", "min"])
    _one_sentence(result, f"The database file {path} {READ_ONLY}")


def test_ingest_onto_a_full_disk_prints_one_sentence(tmp_path) -> None:
    """The real command line in its own process, its engine's file given no room to grow."""
    path, _engine = _sqlite_store(tmp_path)
    url = f"sqlite:///{path}"
    script = (
        "from sqlalchemy import event\n"
        "from store.db import get_engine\n"
        "def cap(conn, _record):\n"
        "    pages = conn.execute('PRAGMA page_count').fetchone()[0]\n"
        f"    conn.execute(f'PRAGMA max_page_count = {{pages + {PAGES_OF_ROOM}}}')\n"
        f"event.listen(get_engine({url!r}), 'connect', cap)\n"
    )
    args = ["--db", url, "ingest", str(_big_file(tmp_path)), "--user", "min"]
    result = _run(script + CLI, args)
    _one_sentence(result, f"The disk holding the database file {path} {FULL}")
