"""The report's charts as SVG: the dashboard's figures, laid out as its exports are
(dashboard.images: title kept, legend beside the plot, margins), with no provenance footer
on each (the report has its provenance section), drawn by kaleido's one browser.

Drawing is the slow part of a report (a quarter of a second a chart, in the browser's own
processes), so a report being built hands each chart to a `Drawing` as soon as it has it
(`drawn`): one worker thread has the browser draw it while the builder goes on with the
next section on the other core.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from reports.model import Chart

# What a writer is told after each chart is drawn: (charts drawn, charts in all).
Progress = Callable[[int, int], None]
# The page's text width (A4 less the margins of reports/report.typ) and the tallest a chart
# may stand on it, with its caption and heading beside it on the page.
TEXT_WIDTH_MM = 178
MAX_CHART_HEIGHT_MM = 190
SVG_SIZE = re.compile(rb'<svg[^>]*?width="([\d.]+)"[^>]*?height="([\d.]+)"')

Image = dict[str, float | str]
DRAW_ATTEMPTS = 2
RETRY_AFTER_SECONDS = 0.5


def _svg(chart: Chart) -> bytes:
    """The chart drawn; drawn again once if the browser failed it (kaleido can call a tab
    whose page has not finished loading on a busy machine: "kaleido_scopes is not defined")."""
    from dashboard.images import WIDTH, figure_image

    for attempt in range(DRAW_ATTEMPTS):
        try:
            return figure_image(chart.figure, "svg", footer=(), width=chart.width or WIDTH)
        except Exception:
            if attempt + 1 == DRAW_ATTEMPTS:
                raise
            time.sleep(RETRY_AFTER_SECONDS)
    raise AssertionError("unreachable")


def chart_image(chart: Chart) -> Image:
    """The chart's SVG text (``svg``) and the share of the text width it is shown at
    (``share``: a tall chart narrower, so that it fits a page)."""
    svg = _svg(chart)
    size = SVG_SIZE.search(svg)
    aspect = float(size.group(2)) / float(size.group(1)) if size else 1.0
    share = min(1.0, MAX_CHART_HEIGHT_MM / (TEXT_WIDTH_MM * aspect))
    return {"svg": svg.decode("utf-8"), "share": round(share, 3)}


class Drawing:
    """Charts drawn in the background as they are handed over, one at a time."""

    def __init__(self) -> None:
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-charts")
        self._futures: dict[str, Future[Image]] = {}

    def submit(self, chart: Chart) -> None:
        if chart.key not in self._futures:
            self._futures[chart.key] = self._worker.submit(chart_image, chart)

    def images(self, charts: Sequence[Chart], progress: Progress | None = None) -> dict[str, Image]:
        """Every chart's image by its key (drawing those not handed over yet), waiting in
        this thread, which tells `progress` (a page's progress bar lives in this thread)."""
        for chart in charts:
            self.submit(chart)
        images = {}
        for done, chart in enumerate(charts, start=1):
            images[chart.key] = self._futures[chart.key].result()
            if progress is not None:
                progress(done, len(charts))
        return images

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


_CURRENT: ContextVar[Drawing | None] = ContextVar("report_drawing", default=None)


@contextmanager
def drawing() -> Iterator[Drawing]:
    """The charts built inside are drawn as they come (see `drawn`)."""
    made = Drawing()
    token = _CURRENT.set(made)
    try:
        yield made
    finally:
        _CURRENT.reset(token)
        made.close()


def drawn(chart: Chart) -> Chart:
    """A chart just built: handed to the drawing under way, if any; returned as it is."""
    current = _CURRENT.get()
    if current is not None:
        current.submit(chart)
    return chart
