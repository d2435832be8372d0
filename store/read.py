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

from collections.abc import Sequence

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

VALUES_SCHEMA = {
    "prison_code": pl.String,
    "period": pl.String,
    "period_index": pl.Int64,
    "data_element": pl.String,
    "value": pl.Float64,
}

_CURRENT_SQL = """
SELECT s.prison_code, s.period, s.period_index, v.data_element, v.value
FROM submissions s
JOIN submission_values v ON v.submission_id = s.id
WHERE s.accepted
  AND s.version = (
      SELECT MAX(s2.version) FROM submissions s2
      WHERE s2.prison_code = s.prison_code AND s2.period_index = s.period_index AND s2.accepted
  )
"""


def _adbc_connect(engine: Engine):  # type: ignore[no-untyped-def]
    url = engine.url
    if engine.dialect.name == "sqlite":
        import adbc_driver_sqlite.dbapi

        return adbc_driver_sqlite.dbapi.connect(url.database or ":memory:")
    import adbc_driver_postgresql.dbapi

    plain = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql")
    return adbc_driver_postgresql.dbapi.connect(plain.render_as_string(hide_password=False))


def _quote(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def current_values(
    engine: Engine,
    *,
    prisons: Sequence[str] | None = None,
    first: int | None = None,
    last: int | None = None,
    exclusive: bool = False,
) -> pl.DataFrame:
    """Every value of the current submission of each prison-quarter (filters optional).

    Quarters are period indexes (see data_contracts.periods). Prison codes
    come from the register (A-Z, 0-9, -, _), and are quoted all the same.
    """
    sql = _CURRENT_SQL
    if prisons is not None:
        if not prisons:
            return pl.DataFrame(schema=VALUES_SCHEMA)
        sql += f" AND s.prison_code IN ({_quote(prisons)})"
    if first is not None:
        sql += f" AND s.period_index >= {int(first)}"
    if last is not None:
        sql += f" AND s.period_index <= {int(last)}"
    if engine.dialect.name != "sqlite" or exclusive:
        if engine.dialect.name == "sqlite":
            engine.dispose()  # no connection of the other SQLite copy may stay open
        with _adbc_connect(engine) as conn:
            frame = pl.read_database(sql, conn)
    else:
        frame = _read_batched(engine, sql)
    if frame.height == 0:
        return pl.DataFrame(schema=VALUES_SCHEMA)
    return frame.cast(VALUES_SCHEMA)  # type: ignore[arg-type]


BATCH = 250_000


def _read_batched(engine: Engine, sql: str) -> pl.DataFrame:
    """Through the engine's own DBAPI connection, a column frame per batch of rows."""
    parts = []
    with engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(BATCH):
                parts.append(pl.DataFrame(rows, schema=VALUES_SCHEMA, orient="row"))
        finally:
            cursor.close()
    return pl.concat(parts) if parts else pl.DataFrame(schema=VALUES_SCHEMA)
