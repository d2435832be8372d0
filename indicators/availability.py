"""Why a figure is absent: suppressed, not computable, not reported, or prison not in service.

A chart or table that leaves a prison-quarter empty must say which of four different things
happened, because they mean different things to a reader:

- suppressed: the figure exists but is hidden to protect small numbers (it is about 1–4
  persons, or it is hidden with such a figure so that one cannot be recovered by
  subtraction from a total);
- not computable: the prison reported, but the denominator is 0;
- not reported: the prison was in service but sent no file for the quarter, or left the
  numerator or the denominator empty;
- not in service: the register says the prison was not open in that quarter.

The words, symbols' meanings and footnotes live here, once; pages and exports show them
verbatim. The functions work on the table as a reader sees it (after suppression), so they
never reveal more than that table does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from data_contracts.periods import period_index_expr
from i18n import N_, _
from indicators.suppression import SUPPRESSION_THRESHOLD

SHOWN, SUPPRESSED, NOT_COMPUTABLE, NOT_REPORTED, NOT_IN_SERVICE = (
    "shown",
    "suppressed",
    "not computable",
    "not reported",
    "not in service",
)


@dataclass(frozen=True)
class State:
    """A state's texts in English (marked for the catalogs); `said` and `meaning` give them
    in the current language."""

    word: str  # what a table cell says
    footnote: str  # what it means, for captions and export footers ({largest}: 1–N persons)

    def said(self) -> str:
        return _(self.word)

    def meaning(self) -> str:
        return _(self.footnote).format(largest=SUPPRESSION_THRESHOLD - 1)


STATES: dict[str, State] = {
    SUPPRESSED: State(
        N_("suppressed"),
        N_(
            "Suppressed: hidden to protect small numbers (a figure about 1–{largest} persons, "
            "or a figure hidden with one so that it cannot be recovered by subtraction from a "
            "total)."
        ),
    ),
    NOT_COMPUTABLE: State(
        N_("not computable"),
        N_("Not computable: the prison reported, but the denominator is 0."),
    ),
    NOT_REPORTED: State(
        N_("not reported"),
        N_(
            "Not reported: the prison was in service but sent no figure for this quarter "
            "(no file, or the numerator or denominator left empty)."
        ),
    ),
    NOT_IN_SERVICE: State(
        N_("not in service"),
        N_("Not in service: the prison was not open in this quarter (prison register)."),
    ),
}
ABSENT_STATES = tuple(STATES)


def footnotes(states: Sequence[str | None]) -> list[str]:
    """The footnotes of the absent states that occur in ``states``, in the order of STATES."""
    present = set(states)
    return [STATES[s].meaning() for s in ABSENT_STATES if s in present]


def row_state() -> pl.Expr:
    """The state of each row of an indicator table (as its reader sees it).

    A row exists only for a submitted prison-quarter or an aggregate; the value is absent
    because it is suppressed, because the denominator is 0, or because a figure was not
    reported (an aggregate that no prison contributes to is "not reported" too).
    """
    return (
        pl.when(pl.col("suppressed"))
        .then(pl.lit(SUPPRESSED))
        .when(pl.col("value").is_not_null())
        .then(pl.lit(SHOWN))
        .when(pl.col("denominator") == 0)
        .then(pl.lit(NOT_COMPUTABLE))
        .otherwise(pl.lit(NOT_REPORTED))
    )


def with_state(table: pl.DataFrame) -> pl.DataFrame:
    """The table with a ``state`` column (see row_state)."""
    return table.with_columns(row_state().alias("state"))


def in_service() -> pl.Expr:
    """Whether the row's ``period`` lies within its prison's ``opened``..``closed`` (both
    inclusive; the register's columns joined to the rows). Empty bounds are open-ended."""
    quarter = period_index_expr(pl.col("period"))
    after_opening = pl.col("opened").is_null() | (quarter >= period_index_expr(pl.col("opened")))
    before_closing = pl.col("closed").is_null() | (quarter <= period_index_expr(pl.col("closed")))
    return after_opening & before_closing


def prison_grid(
    table: pl.DataFrame,
    register: pl.DataFrame,
    periods: Sequence[str],
    *,
    prisons: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Every prison × quarter × indicator asked for, with its row of ``table`` and its state.

    ``table`` is an indicator table as its reader sees it; ``register`` has prison_code,
    region, opened and closed. A prison-quarter without a row is "not in service" when the
    register says the prison was closed or not yet open, else "not reported". Columns: the
    table's columns (nulls where there was no row) and ``state``; rows sorted by indicator
    (in the order given, else the table's), quarter and prison.
    """
    rows = table.filter(pl.col("level") == "prison")
    codes = list(prisons) if prisons is not None else register["prison_code"].to_list()
    ids = (
        list(indicators)
        if indicators is not None
        else list(dict.fromkeys(rows["indicator"].to_list()))
    )
    grid = (
        pl.DataFrame({"indicator": ids}, schema={"indicator": pl.String})
        .join(pl.DataFrame({"period": list(periods)}, schema={"period": pl.String}), how="cross")
        .join(pl.DataFrame({"prison_code": codes}, schema={"prison_code": pl.String}), how="cross")
    )
    places = register.select("prison_code", "region", "opened", "closed")
    joined = grid.join(
        rows.drop("region"), on=["indicator", "period", "prison_code"], how="left"
    ).join(places, on="prison_code", how="left")
    order = {i: n for n, i in enumerate(ids)}
    return (
        joined.with_columns(
            pl.when(pl.col("level").is_not_null())
            .then(row_state())
            .when(~in_service().fill_null(True))
            .then(pl.lit(NOT_IN_SERVICE))
            .otherwise(pl.lit(NOT_REPORTED))
            .alias("state"),
            pl.lit("prison").alias("level"),
            pl.col("suppressed").fill_null(False),
        )
        .sort(pl.col("indicator").replace_strict(order), "period", "prison_code")
        .select(*table.columns, "state")
    )
