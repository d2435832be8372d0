"""A figure of the indicator table as a report's table cells: rounded to its unit's
precision (dashboard.columns, as on screen and in exports), in the reader's language; an
absent figure says why (indicators.availability's states), never an empty cell."""

from __future__ import annotations

from typing import Any

from dashboard.chart_style import judgement_word
from dashboard.columns import decimals
from i18n import N_, _
from i18n.formats import in_unit, number, signed
from indicators.availability import SHOWN, STATES
from indicators.changes import change_word

INTERVAL = N_("{lower}–{upper}")
NO_FIGURE = "—"  # a cell with nothing to say: no benchmark, not compared


def value_cell(value: float | None, unit: str) -> str:
    if value is None:
        return NO_FIGURE
    return in_unit(value, unit, decimals("value", unit) or 0)


def interval_cell(lower: float | None, upper: float | None, unit: str) -> str:
    if lower is None or upper is None:
        return NO_FIGURE
    places = decimals("value", unit) or 0
    return _(INTERVAL).format(lower=number(lower, places), upper=number(upper, places))


def figure_cells(row: dict[str, Any], unit: str) -> tuple[str, str, str, str]:
    """(value, 95% interval, benchmark, judgement) of one row of the table (with ``state``
    and ``judgement``, indicators.readings)."""
    benchmark = value_cell(row.get("benchmark"), unit)
    if row["state"] != SHOWN:
        return STATES[row["state"]].said(), NO_FIGURE, benchmark, NO_FIGURE
    judgement = row.get("judgement")
    return (
        value_cell(row["value"], unit),
        interval_cell(row["lower_95"], row["upper_95"], unit),
        benchmark,
        judgement_word(judgement) if judgement else NO_FIGURE,
    )


CHANGE = N_("{change} ({verdict})")


def change_cell(change: float | None, verdict: str | None, unit: str) -> str:
    """A change on an earlier quarter, in the unit's precision, with whether it is
    significant (indicators.changes)."""
    if change is None:
        return NO_FIGURE
    shown = signed(change, decimals("change", unit) or 0)
    if verdict is None:
        return shown
    return _(CHANGE).format(change=shown, verdict=change_word(verdict))
