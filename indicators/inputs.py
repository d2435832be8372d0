"""The engine's inputs: the register as a frame, and stored values as prison-quarters.

The store keeps one value per prison, quarter and data element; ``prison_quarters``
pivots them wide once for all indicators, with each prison's region and peer group from
the register and the person-years of each quarter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from data_contracts.countries import default_country
from data_contracts.periods import days_in_quarter_expr, period_index
from indicators.aggregates import COUNTRY, PEER_GROUP

DAYS_PER_YEAR = 365.25
# Polars 2 runs lazy queries on its streaming engine by default. Measured on 1.44 M values:
# the pivot of the values is fastest streaming.
PIVOT_ENGINE = "streaming"
POPULATION = "population_average"
# Combines a dense prison number and a quarter index into one integer group key.
QUARTERS_PER_PRISON_KEY = 1 << 20
PERSON_YEARS_COLUMN = "_person_years"
REGISTER_SCHEMA = {
    "prison_code": pl.String,
    COUNTRY: pl.String,
    "region": pl.String,
    PEER_GROUP: pl.String,
}
# An effective-dated register (store.register_history.register_over_time) has this column:
# the first quarter index each row applies to (null: from the start).
FROM_INDEX = "from_index"


def register_frame(register: Any) -> pl.DataFrame:
    """prison_code, country, region and peer_group from a Register, an iterable of Prison,
    or a frame.

    A prison's peer group is ``Prison.peer`` (its peer_group, else its prison type, else
    none: indicators.md §4.1). A frame without a peer_group column gives every prison none,
    one without a country column the default country (data_contracts.countries); a frame
    with ``from_index`` keeps it (one row per run of quarters of a prison).
    """
    if isinstance(register, pl.DataFrame):
        peer = pl.col(PEER_GROUP) if PEER_GROUP in register.columns else pl.lit(None)
        country = pl.col(COUNTRY) if COUNTRY in register.columns else pl.lit(default_country())
        dated = [pl.col(FROM_INDEX).cast(pl.Int64)] if FROM_INDEX in register.columns else []
        return register.select(
            pl.col("prison_code").cast(pl.String),
            country.cast(pl.String).alias(COUNTRY),
            pl.col("region").cast(pl.String),
            peer.cast(pl.String).alias(PEER_GROUP),
            *dated,
        )
    prisons: Iterable[Any] = register.prisons.values() if hasattr(register, "prisons") else register
    rows = [
        (p.code, getattr(p, COUNTRY, None) or default_country(), p.region, getattr(p, "peer", None))
        for p in prisons
    ]
    return pl.DataFrame(rows, schema=REGISTER_SCHEMA, orient="row")


def as_period_index(period: str | int) -> int:
    """A quarter given as 'YYYY-Qn' or as its index (data_contracts.periods)."""
    return period if isinstance(period, int) else period_index(period)


def person_years(population: pl.Expr, quarter_index: pl.Expr) -> pl.Expr:
    """Average population x the real calendar days of the quarter / 365.25."""
    return population * days_in_quarter_expr(quarter_index) / DAYS_PER_YEAR


def element_code(elements: Sequence[str]) -> pl.Expr:
    """Each row's data element as its position in ``elements`` (null for any other element)."""
    element = pl.col("data_element")
    return pl.coalesce(
        *(pl.when(element == e).then(pl.lit(i, dtype=pl.Int16)) for i, e in enumerate(elements))
    )


def prison_quarters(
    values: pl.DataFrame | pl.LazyFrame, register: pl.DataFrame, elements: Sequence[str]
) -> pl.DataFrame:
    """One row per prison-quarter with its country, region, peer group, person-years and
    each element.

    The pivot is done once for all indicators, grouping on integers (a dense prison
    number and the quarter index), which is several times faster than grouping on the
    code text. Prisons missing from the register are left out: they belong to no region,
    and the store accepts no submission from them. Rows come sorted by quarter, country,
    region and prison, the order of the table. population_average is always read: every stored
    prison-quarter has it, so every submitted prison-quarter gets its rows.
    """
    elements = list(dict.fromkeys([POPULATION, *elements]))
    code = pl.col("_element")
    key = pl.col("_prison").cast(pl.Int64) * QUARTERS_PER_PRISON_KEY + pl.col("period_index")
    wide = (
        values.lazy()
        .with_columns(element_code(elements).alias("_element"))
        .filter(code.is_not_null())
        .with_columns(pl.col("prison_code").rank("dense").alias("_prison"))
        .group_by(key.alias("_key"))
        .agg(
            pl.col("prison_code", "period", "period_index").first(),
            # One value per element and prison-quarter: max() picks it, null if absent,
            # and stays on Polars' fast group-by path.
            *(
                pl.when(code == i).then(pl.col("value")).max().alias(e)
                for i, e in enumerate(elements)
            ),
        )
    )
    return (
        _with_register(wide, register)
        .with_columns(
            person_years(pl.col(POPULATION), pl.col("period_index")).alias(PERSON_YEARS_COLUMN)
        )
        .drop("_key")
        .sort("period_index", COUNTRY, "region", "prison_code")
        .collect(engine=PIVOT_ENGINE)
    )


def _with_register(wide: pl.LazyFrame, register: pl.DataFrame) -> pl.LazyFrame:
    """Each prison-quarter with its region and peer group: from the prison's one register
    row, or (an effective-dated register) from the run of quarters the quarter falls in."""
    if FROM_INDEX not in register.columns:
        return wide.join(register.lazy(), on="prison_code", how="inner")
    runs = register.with_columns(pl.col(FROM_INDEX).fill_null(EARLIEST)).sort(FROM_INDEX)
    return (
        wide.sort("period_index")
        .join_asof(
            runs.lazy(),
            left_on="period_index",
            right_on=FROM_INDEX,
            by="prison_code",
            strategy="backward",
            check_sortedness=False,  # both sorted on the quarter just above
        )
        .filter(pl.col("region").is_not_null())
        .drop(FROM_INDEX)
    )


# Below every quarter index: a run that applies from the start.
EARLIEST = -(10**9)
