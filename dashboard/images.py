"""Static images of charts (PNG, SVG) laid out for a report, with their provenance on them.

The on-screen figure is laid out for a resizable browser; a report needs a page: a title
naming the indicator, quarter, unit and benchmark, a legend that covers nothing, margins on
every side and the provenance footer under everything. Plotly wraps no text and computes
its margins only when drawing, so the export copy is laid out here in pixels, from the
figure's content: the title and footer are wrapped to the image's width by an estimate of
their glyph widths (deliberately on the wide side), the margins are fixed from the tick
labels, legend and colour bar they must hold, and the legend stands to the right of the
plot, no taller than it. tests/browser/test_export_layout.py checks the drawn result.

Kaleido 1.x drives Debian's chromium (dashboard/chart_browser.py); starting a browser costs
2-4 s, so one is started per process on the first export and reused (a few hundredths of a
second to a quarter of a second an image after that). It is not started before: it holds
about 430 MiB (proportional set size, measured), too much to keep in every dashboard
process for people who never export.
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from dashboard.chart_browser import BROWSER
from dashboard.markup import plotly_text

WIDTH = 1100  # px; PNGs are drawn at PNG_SCALE times this
PNG_SCALE = 2
PAD = 24  # px of empty margin on every side of the image
TITLE_SIZE, DETAIL_SIZE, FOOTER_SIZE, LEGEND_SIZE, TICK_SIZE = 18, 13, 11, 12, 13
FOOTER_COLOUR = "#333333"
LINE_SPACING = 1.3  # plotly's line height, as a multiple of the font size
# Text is measured with the font chromium draws for the charts' "Arial" (Liberation Sans,
# metrically the same), else the wider DejaVu Sans; a little is added, because text
# measured too wide only wraps early, text measured too narrow would run off the image.
FONT_FILES = {
    False: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}
MEASURE_MARGIN = 1.06
# Without any font file: an average glyph width in em, on the wide side.
EM_REGULAR, EM_BOLD = 0.62, 0.68
ABOVE_PLOT = 30  # px for what is drawn just above the plot: benchmark label, panel titles
BELOW_PLOT = 76  # px for the x tick labels and the x-axis title
Y_TITLE = 36  # px for the rotated y-axis title and its distance from the tick labels
TICK_GAP = 12  # px between the tick labels and the plot
NUMBER_TICK = "-1,000.0"  # the width reserved for a numeric axis's tick labels
LEGEND_SYMBOL = 48  # px of a legend entry before its text (the symbol and gaps)
LEGEND_ROW = 24  # px per legend entry, one entry a line
LEGEND_GAP = 20  # px between the plot and the legend
COLORBAR = 80  # px of a colour bar before its tick labels (bar, gaps)
MIN_PLOT_HEIGHT = 240  # px: below this a chart is not readable
DEFAULT_HEIGHT, DEFAULT_TOP, DEFAULT_BOTTOM = 450, 100, 80  # plotly's own defaults
NO_LEGEND_TYPES = {"heatmap", "histogram2d", "contour", "surface"}  # legend only if asked
TAG = re.compile(r"<[^>]+>")


# --- Measuring text ---------------------------------------------------------------------


@functools.cache
def _font(size: int, bold: bool) -> Any:
    from PIL import ImageFont  # Pillow comes with Streamlit

    for path in FONT_FILES[bold]:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return None


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in px of one line of text as drawn (tags removed, entities read)."""
    plain = html.unescape(TAG.sub("", text))
    bold = bold or "<b>" in text
    font = _font(round(size), bold)
    if font is None:
        return len(plain) * size * (EM_BOLD if bold else EM_REGULAR)
    return float(font.getlength(plain)) * MEASURE_MARGIN


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """Lines of at most `width` px, broken between words (a word wider than a line, cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] += f" {word}"
            continue
        while text_width(word, size, bold=bold) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold=bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]


def lines_height(lines: int, size: float) -> float:
    return lines * size * LINE_SPACING


# --- What the figure holds ---------------------------------------------------------------


def _in_legend(trace: Any) -> bool:
    if trace.type in NO_LEGEND_TYPES:
        return trace.showlegend is True
    return trace.showlegend is not False


def legend_entries(fig: go.Figure) -> list[str]:
    """The names plotly lists in the legend (none when it draws no legend)."""
    if fig.layout.showlegend is False:
        return []
    names = [t.name or f"trace {i}" for i, t in enumerate(fig.data) if _in_legend(t)]
    if fig.layout.showlegend is None and len(names) < 2:
        return []  # plotly draws no legend for a single trace unless asked
    return names


def _strings(values: Any) -> list[str]:
    if values is None:
        return []
    return [str(v) for v in values if isinstance(v, str)]


def _y_labels(fig: go.Figure) -> list[str]:
    """The tick labels of the y axes: their categories or tick texts (numbers: a wide one)."""
    labels: list[str] = []
    for axis in fig.select_yaxes():
        if axis.showticklabels is False:
            continue
        labels += _strings(axis.ticktext) or _strings(axis.categoryarray)
    for trace in fig.data:
        if trace.type in ("bar", "scatter", "heatmap", "box"):
            labels += _strings(getattr(trace, "y", None))
    return labels or [NUMBER_TICK]


def _colorbar_width(fig: go.Figure) -> float:
    widths = [0.0]
    for trace in fig.data:
        if trace.type in NO_LEGEND_TYPES and trace.showscale is not False:
            bar = trace.colorbar
            texts = [*_strings(bar.ticktext), bar.title.text or "", NUMBER_TICK]
            widths.append(COLORBAR + max(text_width(t, TICK_SIZE) for t in texts))
    return max(widths)


def _plot_height(fig: go.Figure) -> float:
    height = fig.layout.height or DEFAULT_HEIGHT
    margin = fig.layout.margin
    top = DEFAULT_TOP if margin.t is None else margin.t
    bottom = DEFAULT_BOTTOM if margin.b is None else margin.b
    return height - top - bottom


# --- The export layout -------------------------------------------------------------------


def _title_text(headline: str, detail: str, width: float) -> tuple[str, int]:
    """The title as plotly text (bold headline, plain detail) and its number of lines."""
    heads = wrap(headline, TITLE_SIZE, width, bold=True)
    details = wrap(detail, TITLE_SIZE, width) if detail else []  # sized as the title's lines
    parts = [f"<b>{plotly_text(line)}</b>" for line in heads]
    parts += [f"<span style='font-size:{DETAIL_SIZE}px'>{plotly_text(d)}</span>" for d in details]
    return "<br>".join(parts), len(parts)


def export_figure(
    fig: go.Figure, title: tuple[str, str] | None, footer: Sequence[str], width: int = WIDTH
) -> go.Figure:
    """A copy of `fig` laid out for a report: `title` (headline, detail) over the plot, the
    legend beside it, the footer lines under everything; `fig` itself is left as it is.

    ``title`` None keeps the figure's own title text.
    """
    copy = go.Figure(fig)
    inner = width - 2 * PAD
    if title is None:
        own = copy.layout.title.text or ""
        title_text, title_lines = own, own.count("<br>") + 1 if own else 0
    else:
        title_text, title_lines = _title_text(title[0], title[1], inner)
    foot = [w for line in footer for w in wrap(line, FOOTER_SIZE, inner)]
    entries = legend_entries(copy)

    y_title = any(axis.title.text for axis in copy.select_yaxes())
    left = PAD + (Y_TITLE if y_title else 0) + TICK_GAP
    left += max(text_width(label, TICK_SIZE) for label in _y_labels(copy))
    legend_width = (
        LEGEND_GAP + LEGEND_SYMBOL + max(text_width(n, LEGEND_SIZE) for n in entries)
        if entries
        else 0.0
    )
    right = PAD + max(legend_width, _colorbar_width(copy), 0.0)
    top = PAD + lines_height(title_lines, TITLE_SIZE) + ABOVE_PLOT
    footer_height = lines_height(len(foot), FOOTER_SIZE) if foot else 0.0
    bottom = BELOW_PLOT + footer_height + PAD
    plot_height = max(_plot_height(fig), LEGEND_ROW * len(entries), MIN_PLOT_HEIGHT)
    height = math.ceil(top + plot_height + bottom)
    plot_width = width - left - right

    copy.update_layout(
        width=width,
        height=height,
        # Fixed margins: plotly would otherwise grow them while drawing and move the plot
        # under the footer placed here.
        margin={"l": left, "r": right, "t": top, "b": bottom, "pad": 0, "autoexpand": False},
        title={
            "text": title_text,
            "font": {"size": TITLE_SIZE},
            "xref": "container",
            "x": PAD / width,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - PAD / height,
            "yanchor": "top",
            "automargin": False,
        },
        showlegend=bool(entries),
        legend={
            "orientation": "v",
            "xref": "container",
            "x": 1 - PAD / width,
            "xanchor": "right",
            "yref": "paper",
            "y": 1,
            "yanchor": "top",
            "tracegroupgap": 0,
            "font": {"size": LEGEND_SIZE},
        },
    )
    if foot:
        copy.add_annotation(
            text="<br>".join(plotly_text(line) for line in foot),
            xref="paper",
            yref="paper",
            x=-(left - PAD) / plot_width,  # the image's left margin, not the plot's
            y=0,
            yshift=-BELOW_PLOT,  # under the axis labels, in the margin added for it
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": FOOTER_SIZE, "color": FOOTER_COLOUR},
            name="provenance",
        )
    return copy


def with_footer(fig: go.Figure, footer: list[str]) -> go.Figure:
    """A copy of `fig` with the footer lines printed under it (its own title kept)."""
    return export_figure(fig, None, footer)


def figure_image(
    fig: go.Figure,
    fmt: str,
    footer: Sequence[str],
    title: tuple[str, str] | None = None,
    width: int = WIDTH,
) -> bytes:
    """PNG or SVG bytes of `fig` laid out for a report (see export_figure), `width` px wide."""
    final = export_figure(fig, title, footer, width)
    scale = PNG_SCALE if fmt == "png" else 1
    return BROWSER.draw(final.to_dict(), fmt, width, int(final.layout.height), scale)


def start_in_background() -> None:
    """Launch the browser now, for images wanted a moment later (a report reads its figures
    meanwhile); figure_image waits for it."""
    BROWSER.start()
