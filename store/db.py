"""Opening the database: one SQLAlchemy URL, SQLite by default, PostgreSQL for many users.

SQLite runs in WAL mode with foreign keys on, and a writing transaction takes
the write lock at its start (BEGIN IMMEDIATE) so that concurrent ingests queue
instead of failing half-way. The schema is created and upgraded only through
the Alembic migrations in store/migrations/.

The store also knows where it is. A SQLite file deleted or replaced under a
running process would otherwise go on taking writes into an unlinked inode, so
the file's identity is remembered and checked before every transaction and
again before a write commits. A full disk, a read-only file or server, or a
file that cannot be opened becomes one sentence naming the cause and the fix
(store.faults), raised from the engine's error hook so that every statement of
every module gets it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from store.faults import StoreError, WatchedFile, storage_fault

DEFAULT_URL = "sqlite:///var/prison-monitor.db"
ENV_VAR = "PRISON_MONITOR_DB"
MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0008"  # the newest migration in store/migrations/versions


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(ENV_VAR) or DEFAULT_URL


def _normalise(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"'{url}' is not a database URL; use e.g. sqlite:///var/prison-monitor.db "
            "or postgresql+psycopg://user:password@host/prison_monitor."
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError(
            f"The database kind '{parsed.drivername}' is not supported; use sqlite:/// or "
            "postgresql+psycopg://."
        )
    return parsed.render_as_string(hide_password=False)


def _sqlite_setup(engine: Engine, watched: WatchedFile | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # pysqlite's own transaction handling is switched off so that BEGIN is ours.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        if watched is not None:
            # The first connection has created the file if it was missing: it is ours now.
            watched.learn()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if watched is not None:
            watched.check()
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _fault_hook(engine: Engine) -> None:
    """Every DBAPI error of this engine passes here: the ones about where the database is
    (full, read-only, cannot be opened) leave as one StoreError sentence."""
    where = _where(engine)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        fault = storage_fault(context.original_exception, where)
        if fault is not None:
            raise fault from None


def _where(engine: Engine) -> str:
    """The database in words for a message: the SQLite file as given, or the server's."""
    path = _sqlite_path(engine)
    if is_sqlite(engine):
        return str(path) if path is not None else "in memory"
    url = engine.url
    return f"{url.database} on {url.host or 'localhost'}"


_ENGINES: dict[str, Engine] = {}
# The SQLite file each engine of get_engine opened, checked before its transactions.
_WATCHED: dict[Engine, WatchedFile] = {}


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (or the configured one), made once per process."""
    url = _normalise(database_url(url))
    if url in _ENGINES:
        return _ENGINES[url]
    if make_url(url).drivername.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})
        path = _sqlite_path(engine)
        watched = WatchedFile(path) if path is not None else None
        if watched is not None:
            watched.learn()
            _WATCHED[engine] = watched
        _sqlite_setup(engine, watched)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _fault_hook(engine)
    _ENGINES[url] = engine
    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: all of it is stored, or none of it.

    The SQLite file is checked when the transaction begins (in the begin hook) and again
    just before it commits, so a file deleted during a long ingest stores nothing.
    """
    watched = _WATCHED.get(engine)
    with engine.connect() as conn:
        conn = conn.execution_options(write=True)
        with conn.begin():
            yield conn
            if watched is not None:
                watched.check()


def migrate(engine: Engine) -> None:
    """Create the schema, or upgrade an older one to the newest (idempotent)."""
    from alembic import command
    from alembic.config import Config

    path = _sqlite_path(engine)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        watched = _WATCHED.get(engine)
        if watched is not None and not path.exists():
            # init creates the file afresh: connections to a deleted one are dropped and
            # the new file becomes the one this engine watches.
            engine.dispose()
            watched.forget()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(write=True)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
    except SQLAlchemyError as exc:
        raise StoreError(f"The database could not be set up: {_reason(exc)}.") from None


def _sqlite_path(engine: Engine) -> Path | None:
    """The SQLite file, also for a URI filename (sqlite:///file:x.db?mode=ro&uri=true)."""
    database = engine.url.database if is_sqlite(engine) else None
    if database and engine.url.query.get("uri") in ("true", "1") and database.startswith("file:"):
        database = database.removeprefix("file:")
    return Path(database) if database and database != ":memory:" else None


def schema_version(engine: Engine) -> str | None:
    """The migration the database is at; None for a database without tables (never creates one)."""
    path = _sqlite_path(engine)
    if path is not None and not path.exists():
        return None
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except SQLAlchemyError as exc:
        raise StoreError(f"The database cannot be opened: {_reason(exc)}.") from None


def require_schema(engine: Engine) -> None:
    version = schema_version(engine)
    if version is None:
        raise StoreError(
            "The database has no tables yet; run 'prison-monitor init' (or 'init --sample') first."
        )
    if version != HEAD:
        raise StoreError(
            f"The database is at schema version {version}; run 'prison-monitor init' to upgrade it."
        )


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
