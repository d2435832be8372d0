"""The look every chart shares: colours, symbols of absent figures, fonts, layout.

Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies), and
colour is never the only signal: significance is also written in the hover text and in the
tables beside each chart, and each kind of absent figure has its own marker symbol and its
own legend entry (their words and meanings come from indicators.availability).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from data_contracts.contract import translated
from i18n import N_, _
from i18n.formats import plotly_separators
from indicators.availability import NOT_COMPUTABLE, NOT_IN_SERVICE, NOT_REPORTED, SUPPRESSED
from indicators.registry import unit_label

BETTER, SIMILAR, WORSE = "#0072B2", "#8C8C8C", "#D55E00"
HIGHER, LOWER = "#56B4E9", "#CC79A7"  # compared, but the indicator makes no judgement
NEUTRAL, BAND = "#4D4D4D", "rgba(0, 114, 178, 0.15)"
LIMIT_95, LIMIT_998 = "#E69F00", "#009E73"
HIGHLIGHT = "#000000"
JUDGEMENT_COLOURS = {
    "better": BETTER,
    "similar": SIMILAR,
    "worse": WORSE,
    "higher": HIGHER,
    "lower": LOWER,
    "not compared": NEUTRAL,
}
# The words of the judgements where a chart shows them (legend, hover): marked here, shown
# with `judgement_word`.
JUDGEMENT_WORDS = {
    "better": N_("better"),
    "similar": N_("similar"),
    "worse": N_("worse"),
    "higher": N_("higher"),
    "lower": N_("lower"),
    "not compared": N_("not compared"),
}
# One marker per kind of absent figure (plotly symbol names), all in grey.
STATE_SYMBOLS = {
    SUPPRESSED: "asterisk-open",
    NOT_COMPUTABLE: "circle-open",
    NOT_REPORTED: "diamond-open",
    NOT_IN_SERVICE: "line-ew-open",
}
# The words of those states (indicators.availability's, which are not marked there), marked
# here for the catalogs and shown with `state_word`.
STATE_WORDS = (
    N_("suppressed"),
    N_("not computable"),
    N_("not reported"),
    N_("not in service"),
)
ABSENT_COLOUR = "#7F7F7F"
SERIES_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 13}
# Above this many prisons a chart cannot give each its own labelled line: the comparison
# becomes a ranked caterpillar without labels (the hover and the table name them), and the
# completeness grid shows the prisons with the most missing or late quarters.
LABELLED_PRISONS = 60
DEFAULT_HEIGHT = 480


def layout(fig: go.Figure, title: str, x: str, y: str, height: int = DEFAULT_HEIGHT) -> go.Figure:
    """Title, axis titles, fonts and a legend beside the plot, where it covers nothing; the
    numbers in the language's way (its decimal mark and thousands separator)."""
    fig.update_layout(
        separators=plotly_separators(),
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x,
        yaxis_title=y,
        font=FONT,
        height=height,
        template="plotly_white",
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"},
    )
    return fig


def axis_label(meta: Any) -> str:
    return f"{translated(meta, 'title')} ({unit_label(meta.unit)})"


def judgement_word(kind: str) -> str:
    """A judgement ("better", ...) in the current language."""
    return _(JUDGEMENT_WORDS.get(kind, kind))


def state_word(word: str) -> str:
    """The word of an absent figure's state (indicators.availability) in the current
    language."""
    return _(word)


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def absent_marker(state: str, size: int = 11) -> dict[str, Any]:
    return {
        "symbol": STATE_SYMBOLS[state],
        "color": ABSENT_COLOUR,
        "size": size,
        "line": {"width": 1.5, "color": ABSENT_COLOUR},
    }


def bold(text: str) -> str:
    return f"<b>{text}</b>"
