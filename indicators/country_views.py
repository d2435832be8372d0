"""Countries side by side (international.md §1): the national rows of one indicator, each
country against the value of every country shown, and the country a page looks at.

A country is shaped like a prison of `indicators.availability.prison_grid` (its code in
``prison_code``, its name in ``name``), so the charts and tables that show prisons side by
side, with their intervals, states and judgements, show countries too. Its benchmark is
the international value of the same quarter (the pooled figure of the countries shown,
`indicators.international`), and ``significance`` says whether that value lies outside
its 95% interval, as for a prison against its nation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from data_contracts.countries import country_name
from i18n import N_, _
from indicators.aggregates import COUNTRY, NATIONAL
from indicators.availability import NOT_REPORTED, row_state
from indicators.stats import benchmark_comparison

# What a country is compared with, in words (the captions and the exports name it).
# (English, marked for the catalogs: show it with `international_words()`.)
INTERNATIONAL_WORDS = N_("value of all the countries shown")


def international_words() -> str:
    return _(INTERNATIONAL_WORDS)


def countries_in(table: pl.DataFrame) -> list[str]:
    """The countries that have a national row in `table`, in code order."""
    national = table.filter(pl.col("level") == NATIONAL)
    return sorted(national[COUNTRY].drop_nulls().unique().to_list())


def main_country(prison_countries: Mapping[str, str], among: Sequence[str]) -> str | None:
    """The country of `among` with the most prisons in the register (the first code on a
    tie): where a page starts when nothing else says which country to show."""
    counts = {c: 0 for c in among}
    for country in prison_countries.values():
        if country in counts:
            counts[country] += 1
    return max(sorted(counts), key=lambda c: counts[c]) if counts else None


def of_country(table: pl.DataFrame, country: str | None) -> pl.DataFrame:
    """The rows of one country (every level of it); None: `table` as it is."""
    if country is None:
        return table
    return table.filter(pl.col(COUNTRY) == country)


def country_grid(
    table: pl.DataFrame,
    international: pl.DataFrame,
    indicator: str,
    periods: Sequence[str],
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every country x quarter of `periods` for `indicator`: its national row (as the
    reader sees it), its ``state``, the international value of the quarter as its
    ``benchmark`` and its ``significance`` against it; a country without a national row
    in a quarter is "not reported". Columns: the table's, ``name`` and ``state``; rows by
    quarter, then country."""
    codes = list(countries) if countries is not None else countries_in(table)
    rows = table.filter((pl.col("level") == NATIONAL) & (pl.col("indicator") == indicator))
    pooled = international.filter(
        (pl.col("indicator") == indicator) & ~pl.col("suppressed")
    ).select("period", pl.col("value").alias("_international"))
    grid = pl.DataFrame({"period": list(periods)}, schema={"period": pl.String}).join(
        pl.DataFrame({COUNTRY: codes}, schema={COUNTRY: pl.String}), how="cross"
    )
    joined = (
        grid.join(rows, on=["period", COUNTRY], how="left")
        .join(pooled, on="period", how="left")
        .with_columns(
            pl.when(pl.col("value").is_not_null())
            .then(pl.col("_international"))
            .alias("benchmark"),
        )
    )
    names = {code: country_name(code) for code in codes}
    return (
        joined.with_columns(
            pl.when(pl.col("level").is_not_null())
            .then(row_state())
            .otherwise(pl.lit(NOT_REPORTED))
            .alias("state"),
            benchmark_comparison(pl.col("lower_95"), pl.col("upper_95"), pl.col("benchmark"))
            .cast(pl.String)
            .alias("significance"),
            pl.lit(NATIONAL).alias("level"),
            pl.lit(indicator).alias("indicator"),
            pl.col("suppressed").fill_null(False),
            pl.col(COUNTRY).alias("prison_code"),
            pl.col(COUNTRY).replace_strict(names, return_dtype=pl.String).alias("name"),
        )
        .sort("period", COUNTRY)
        .select(*table.columns, "name", "state")
    )
