"""The fast read path: stored values straight into Polars, without a Python loop over rows.

The indicator engine reads every current value of chosen prisons and quarters
through here. For PostgreSQL, Arrow comes from the driver itself (ADBC), so
1.44 million values arrive as columns, not as Python tuples.

SQLite needs care: ADBC links its own copy of SQLite, and two copies of SQLite
in one process break each other's POSIX locks on the same file (closing one
drops the other's locks: "disk I/O error", and in the worst case corruption;
see sqlite.org/howtocorrupt.html, 2.2.1). So by default SQLite is read through
the engine's own driver in large batches. A one-shot process that holds no
other connection (the `indicators` command, benchmarks) may ask for
`exclusive=True`: the engine's pool is closed first, then ADBC reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl
from sqlalchemy import Engine, Select
from sqlalchemy.engine import make_url

from store.schema import submissions
from store.versions import current_submissions
from store.vintage import LATEST, Vintage

VALUES_SCHEMA = {
    "prison_code": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
    "data_element": pl.String,
    "value": pl.Float64,
}

CURRENT_SCHEMA = {
    "submission_id": pl.Int64,
    "prison_code": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
}
VALUE_ROWS_SCHEMA = {"submission_id": pl.Int64, "data_element": pl.String, "value": pl.Float64}
# Below this many current submissions their values are fetched by id; above it, every value
# is read and joined in Polars (a join inside SQLite over 1.44 M values is 3-5 times slower).
BY_ID_LIMIT = 2_000


def _adbc_database(engine: Engine):  # type: ignore[no-untyped-def]
    url = engine.url
    if engine.dialect.name == "sqlite":
        import adbc_driver_sqlite

        return adbc_driver_sqlite.connect(url.database or ":memory:")
    import adbc_driver_postgresql

    plain = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return adbc_driver_postgresql.connect(plain.render_as_string(hide_password=False))


def _adbc_read(engine: Engine, sql: str) -> pl.DataFrame:
    """One query's result as Polars columns, through ADBC's own (C) interface.

    The driver manager's low-level API hands an Arrow C stream straight to Polars; its
    DB-API layer would import pyarrow.dataset and pandas (half a second) for nothing.
    """
    import adbc_driver_manager

    database = _adbc_database(engine)
    try:
        connection = adbc_driver_manager.AdbcConnection(database)
        try:
            statement = adbc_driver_manager.AdbcStatement(connection)
            try:
                statement.set_sql_query(sql)
                stream, _ = statement.execute_query()
                return pl.DataFrame(stream)
            finally:
                statement.close()
        finally:
            connection.close()
    finally:
        database.close()


def _literal_sql(engine: Engine, query: Select) -> str:
    """`query` as one SQL string for this engine's dialect, its values rendered (and quoted)
    by SQLAlchemy: ADBC and the batched DBAPI cursor both take plain SQL."""
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def current_values(
    engine: Engine,
    *,
    prisons: Sequence[str] | None = None,
    first: int | None = None,
    last: int | None = None,
    exclusive: bool = False,
    vintage: Vintage = LATEST,
) -> pl.DataFrame:
    """Every value of the current submission of each prison-quarter (filters optional);
    with a `vintage`, of the submission current in that release or at that moment.

    Quarters are period indexes (see data_contracts.periods). The current
    submission of each prison-quarter is chosen by `store.versions`, in SQL over
    the small submissions table; the values are then read as plain columns.
    """
    where = []
    if (kept := vintage.submissions_condition()) is not None:
        where.append(kept)
    if prisons is not None:
        if not prisons:
            return pl.DataFrame(schema=VALUES_SCHEMA)
        where.append(submissions.c.prison_code.in_(list(prisons)))
    if first is not None:
        where.append(submissions.c.period_index >= int(first))
    if last is not None:
        where.append(submissions.c.period_index <= int(last))
    read = _reader(engine, exclusive)
    query = current_submissions(*where).with_only_columns(
        submissions.c.id.label("submission_id"),
        submissions.c.prison_code,
        submissions.c.period,
        submissions.c.period_index,
    )
    current = read(_literal_sql(engine, query), CURRENT_SCHEMA)
    if current.height == 0:
        return pl.DataFrame(schema=VALUES_SCHEMA)
    sql = "SELECT submission_id, data_element, value FROM submission_values"
    if current.height <= BY_ID_LIMIT:
        ids = ", ".join(str(i) for i in current["submission_id"].to_list())
        sql += f" WHERE submission_id IN ({ids})"
    values = read(sql, VALUE_ROWS_SCHEMA)
    return (
        values.join(current, on="submission_id").select(list(VALUES_SCHEMA)).cast(VALUES_SCHEMA)  # type: ignore[arg-type]
    )


Reader = Callable[[str, dict], pl.DataFrame]


def _reader(engine: Engine, exclusive: bool) -> Reader:
    """How this engine's tables are read into Polars (see the module docstring)."""
    if engine.dialect.name != "sqlite" or exclusive:
        if engine.dialect.name == "sqlite":
            engine.dispose()  # no connection of the other SQLite copy may stay open

        def via_adbc(sql: str, schema: dict) -> pl.DataFrame:
            frame = _adbc_read(engine, sql)
            return frame.cast(schema) if frame.height else pl.DataFrame(schema=schema)  # type: ignore[arg-type]

        return via_adbc
    return lambda sql, schema: _read_batched(engine, sql, schema)


BATCH = 250_000


def _read_batched(engine: Engine, sql: str, schema: dict) -> pl.DataFrame:
    """Through the engine's own DBAPI connection, a column frame per batch of rows."""
    parts = []
    with engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(BATCH):
                parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
        finally:
            cursor.close()
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def value_notes(
    engine: Engine, prison: str, period: str, *, vintage: Vintage = LATEST
) -> list[tuple[str, str]]:
    """The notes a prison wrote with its values (submission-format.md §2, `note`) in the
    current submission of one quarter (of that vintage): (data element, note), in the
    file's row order; values without a note are left out."""
    from sqlalchemy import select

    from store.schema import submission_values

    where = [submissions.c.prison_code == prison, submissions.c.period == period]
    if (kept := vintage.submissions_condition()) is not None:
        where.append(kept)
    current = current_submissions(*where).subquery()
    query = (
        select(submission_values.c.data_element, submission_values.c.note)
        .join(current, current.c.id == submission_values.c.submission_id)
        .where(submission_values.c.note.is_not(None), submission_values.c.note != "")
        .order_by(submission_values.c.row)
    )
    with engine.connect() as conn:
        return [(element, note) for element, note in conn.execute(query).all()]
