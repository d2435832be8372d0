"""Exported images as drawn: title, plot, legend and footer apart, and inside the image.

dashboard.images lays the export copy out from estimates (text widths, legend rows);
only drawing it shows whether they hold. Each chart kind of tests/dashboard/export_gallery
is exported as SVG by the real exporter (kaleido, chromium), loaded in chromium, and its
parts measured with getBoundingClientRect. The PNGs go to test-artifacts/exports/ to be
looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard.images import figure_image, legend_entries
from dashboard.provenance import Provenance, detail, footer_lines, headline
from indicators.suppression import SUPPRESSION_THRESHOLD
from store.account_model import Unsuppressed
from tests.dashboard.export_gallery import gallery

EXPORTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"
AS_OF = "2026-07-14 09:30 UTC"
# Sub-pixel rounding of text boxes; anything more is a real overlap.
TOLERANCE = 0.5

# Boxes (left, top, right, bottom) of the parts of a plotly SVG, in the SVG's own pixels.
MEASURE = """
() => {
  const svg = document.querySelector('svg.main-svg');
  const box = (els) => {
    const rects = [...els].map(e => e.getBoundingClientRect()).filter(r => r.width && r.height);
    if (!rects.length) return null;
    return [Math.min(...rects.map(r => r.left)), Math.min(...rects.map(r => r.top)),
            Math.max(...rects.map(r => r.right)), Math.max(...rects.map(r => r.bottom))];
  };
  const all = (sel) => document.querySelectorAll(sel);
  const footer = [...all('.infolayer .annotation')].filter(
    a => a.textContent.includes('Small numbers'));
  return {
    size: [svg.width.baseVal.value, svg.height.baseVal.value],
    title: box(all('.g-gtitle text')),
    plot: box(all('.cartesianlayer .gridlayer, .cartesianlayer .zerolinelayer, ' +
                  '.cartesianlayer .plot')),
    axes: box(all('.xtick text, .g-xtitle text, .g-x2title text, .g-x3title text')),
    legend: box(all('.legend .bg')),
    colorbar: box(all('.colorbar')),
    footer: box(footer),
    footer_count: footer.length,
    texts: [...all('text')].filter(t => t.textContent.trim()).map(t => {
      const r = t.getBoundingClientRect();
      return [t.textContent, r.left, r.top, r.right, r.bottom];
    }),
    title_text: [...all('.g-gtitle text')].map(t => t.textContent).join(' '),
    footer_text: footer.map(a => a.textContent).join(' '),
    point_labels: [...all('.textpoint text')].map(t => t.textContent),
  };
}
"""
PAIRS = (
    ("title", "plot"),
    ("title", "legend"),
    ("title", "footer"),
    ("title", "colorbar"),
    ("plot", "legend"),
    ("plot", "footer"),
    ("legend", "footer"),
    ("legend", "axes"),
    ("axes", "footer"),
    ("colorbar", "footer"),
    ("colorbar", "plot"),
)


def _apart(a: list[float], b: list[float]) -> bool:
    return (
        a[2] <= b[0] + TOLERANCE
        or b[2] <= a[0] + TOLERANCE
        or a[3] <= b[1] + TOLERANCE
        or b[3] <= a[1] + TOLERANCE
    )


@pytest.fixture(scope="module")
def svg_page(pm_browser):  # type: ignore[no-untyped-def]
    context = pm_browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", list(gallery()))
def test_exported_image_parts_do_not_intersect(name: str, svg_page: Any) -> None:
    fig, context = gallery()[name]
    provenance = Provenance(context, AS_OF, Unsuppressed.NONE)
    footer, title = footer_lines(provenance), (headline(context), detail(context))
    EXPORTS.mkdir(parents=True, exist_ok=True)
    svg = figure_image(fig, "svg", footer, title)
    (EXPORTS / f"{name}.svg").write_bytes(svg)
    (EXPORTS / f"{name}.png").write_bytes(figure_image(fig, "png", footer, title))

    svg_page.set_content(
        "<!doctype html><html><body style='margin:0'>" + svg.decode("utf-8") + "</body></html>"
    )
    parts = svg_page.evaluate(MEASURE)
    width, height = parts["size"]
    assert parts["footer_count"] == 1, "one provenance footer"
    for key in ("title", "plot", "footer"):
        assert parts[key] is not None, f"{name}: no {key} drawn"
    if legend_entries(fig):
        assert parts["legend"] is not None, f"{name}: its legend was not drawn"
    for a, b in PAIRS:
        if parts[a] is not None and parts[b] is not None:
            assert _apart(parts[a], parts[b]), f"{name}: {a} {parts[a]} meets {b} {parts[b]}"
    for text, left, top, right, bottom in parts["texts"]:
        inside = left >= -TOLERANCE and top >= -TOLERANCE
        inside = inside and right <= width + TOLERANCE and bottom <= height + TOLERANCE
        assert inside, f"{name}: {text!r} at {(left, top, right, bottom)} leaves the image"

    title_text = parts["title_text"]
    assert context.title.split(":")[0] in title_text, "the title is whole"
    assert context.period.split(" to ")[0] in title_text, "the quarter is named"
    if context.benchmark:
        assert context.benchmark in title_text or context.benchmark in context.title
    footer_text = parts["footer_text"]
    assert f"threshold {SUPPRESSION_THRESHOLD}" in footer_text and AS_OF in footer_text
    assert "Filters: " in footer_text and "Source: " in footer_text


def test_funnel_points_keep_their_labels_in_the_export(svg_page: Any) -> None:
    fig, context = gallery()["funnel"]
    codes = [c for trace in fig.data if trace.mode == "markers+text" for c in trace.text]
    assert codes, "the gallery's funnel labels its points"
    svg = figure_image(fig, "svg", footer_lines(Provenance(context, AS_OF, Unsuppressed.NONE)))
    svg_page.set_content("<html><body style='margin:0'>" + svg.decode("utf-8") + "</body></html>")
    labels = svg_page.evaluate(MEASURE)["point_labels"]
    assert sorted(labels) == sorted(c.replace("<b>", "").replace("</b>", "") for c in codes)
