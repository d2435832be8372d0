"""The report's charts as SVG: the dashboard's figures, laid out as its exports are
(dashboard.images: title kept, legend beside the plot, margins), with no provenance footer
on each (the report has its provenance section), drawn by kaleido's one browser."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from reports.model import Chart

# What a writer is told after each chart is drawn: (charts drawn, charts in all).
Progress = Callable[[int, int], None]
# The page's text width (A4 less the margins of reports/report.typ) and the tallest a chart
# may stand on it, with its caption and heading beside it on the page.
TEXT_WIDTH_MM = 178
MAX_CHART_HEIGHT_MM = 190
SVG_SIZE = re.compile(rb'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"')


def chart_images(
    charts: Sequence[Chart], progress: Progress | None = None
) -> dict[str, dict[str, float | str]]:
    """Each chart's SVG text (``svg``) and the share of the text width it is shown at
    (``share``: a tall chart narrower, so that it fits a page), by its key."""
    from dashboard.images import WIDTH, figure_image

    images: dict[str, dict[str, float | str]] = {}
    for done, chart in enumerate(charts, start=1):
        svg = figure_image(chart.figure, "svg", footer=(), width=chart.width or WIDTH)
        size = SVG_SIZE.search(svg)
        aspect = float(size.group(2)) / float(size.group(1)) if size else 1.0
        share = min(1.0, MAX_CHART_HEIGHT_MM / (TEXT_WIDTH_MM * aspect))
        images[chart.key] = {"svg": svg.decode("utf-8"), "share": round(share, 3)}
        if progress is not None:
            progress(done, len(charts))
    return images
