"""Static images of charts (PNG, SVG) with their provenance printed on them.

Kaleido 1.x drives Debian's chromium; starting a browser costs 2-4 s, so one
is started per process on the first export and reused (~0.1 s an image after
that). It is not started before: it holds about 430 MiB (proportional set
size, measured), too much to keep in every dashboard process for people who
never export.
"""

from __future__ import annotations

import textwrap
import threading
import warnings

import plotly.graph_objects as go

_LOCK = threading.Lock()
_STARTED = False
WIDTH = 1100


def _ensure_server() -> None:
    global _STARTED
    with _LOCK:
        if not _STARTED:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True, mathjax=False)
            _STARTED = True


def with_footer(fig: go.Figure, footer: list[str]) -> go.Figure:
    """A copy of `fig` with the footer lines printed under the plot area."""
    lines = [wrapped for line in footer for wrapped in textwrap.wrap(line, 150)]
    copy = go.Figure(fig)
    height = int(copy.layout.height or 480)
    bottom = copy.layout.margin.b if copy.layout.margin.b is not None else 80
    extra = 16 * len(lines) + 24
    copy.update_layout(height=height + extra, margin={"b": bottom + extra})
    copy.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom,  # just under the axis labels, inside the added margin
        yanchor="top",
        xanchor="left",
        align="left",
        showarrow=False,
        font={"size": 11, "color": "#333333"},
    )
    return copy


def figure_image(fig: go.Figure, fmt: str, footer: list[str]) -> bytes:
    """PNG or SVG bytes of `fig` with its footer."""
    _ensure_server()
    final = with_footer(fig, footer)
    scale = 2 if fmt == "png" else 1
    with warnings.catch_warnings():  # plotly notes that a running server ignores its options
        warnings.simplefilter("ignore", UserWarning)
        return final.to_image(format=fmt, width=WIDTH, height=int(final.layout.height), scale=scale)
