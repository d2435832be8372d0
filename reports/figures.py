"""The report's charts as SVG: the dashboard's figures, laid out as its exports are
(dashboard.images: title kept, legend beside the plot, margins), with no provenance footer
on each (the report has its provenance section), drawn by kaleido's one browser."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reports.model import Chart

# What a writer is told after each chart is drawn: (charts drawn, charts in all).
Progress = Callable[[int, int], None]


def chart_images(charts: Sequence[Chart], progress: Progress | None = None) -> dict[str, str]:
    """Each chart's SVG text by its key."""
    from dashboard.images import figure_image

    images: dict[str, str] = {}
    for done, chart in enumerate(charts, start=1):
        images[chart.key] = figure_image(chart.figure, "svg", footer=()).decode("utf-8")
        if progress is not None:
            progress(done, len(charts))
    return images
