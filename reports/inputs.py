"""What a report reads from the store, as one account sees it: the same indicator table as
`prison-monitor indicators --user NAME` (indicators.table.indicator_table, every level the
account reads, suppressed where due), the register of the account's countries, and the
vintage (latest data, a release or a moment) it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Engine

from store.account_model import Account
from store.vintage import Vintage


@dataclass(frozen=True)
class Readings:
    account: Account
    vintage: Vintage
    benchmark: str
    table: pl.DataFrame  # indicators.md §6 at every level the account reads
    register: pl.DataFrame  # store.prisons.register_frame, the account's countries
    data_as_of: datetime | None  # the newest accepted file read (None: none yet)


def read(
    engine: Engine,
    account: Account,
    vintage: Vintage,
    benchmark: str,
    *,
    first: str | None = None,
    last: str | None = None,
) -> Readings:
    """The readings of the quarters `first` to `last` (every quarter: None). Each quarter's
    figures, benchmarks and suppression are those of the whole table: none looks across
    quarters (tests/reports/test_report_edges.py)."""
    from data_contracts.periods import period_index
    from indicators.table import indicator_table
    from store.history import latest_accepted_at
    from store.prisons import list_prisons, prison_countries, register_frame
    from store.read import current_values
    from store.reading_scope import prisons_in_scope
    from store.register_history import register_over_time

    bounds = {
        "first": None if first is None else period_index(first),
        "last": None if last is None else period_index(last),
    }
    table = indicator_table(
        current_values(engine, vintage=vintage, **bounds),
        register_over_time(engine, vintage.moment),
        level=None,
        first=first,
        last=last,
        benchmark=benchmark,  # type: ignore[arg-type]
        account=account,
    )
    register = prisons_in_scope(
        register_frame(list_prisons(engine, vintage.moment)), account, prison_countries(engine)
    )
    moment = vintage.moment if not vintage.latest else latest_accepted_at(engine)
    return Readings(account, vintage, benchmark, table, register, moment)
