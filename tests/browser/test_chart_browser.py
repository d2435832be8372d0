"""The chart browser (dashboard/chart_browser.py): kaleido's browser with its tab reloaded
every RELOAD_EVERY drawings instead of after each, callable from any thread.

What a reload would clear must not matter: a chart drawn after others equals the same chart
drawn first in a fresh browser. Callers drawing at once each get their own chart. And the
reload it skips is kaleido's own (a kaleido that renamed its tab hand-back would fail here,
rather than every chart silently paying for a reload again).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import kaleido
import plotly.graph_objects as go
import pytest
from kaleido._kaleido_tab._tab import _KaleidoTab

from dashboard import chart_browser
from dashboard.chart_browser import ChartBrowser

SIZE = {"fmt": "svg", "width": 600, "height": 400, "scale": 1}
# plotly names its defs, clip paths and gradients with a random hex id per drawing
RANDOM_ID = re.compile(r"(trace|defs-|clip|legend|gradient|topbar|bottombar)[0-9a-f]{6}")


def _figure(n: int) -> dict:  # type: ignore[type-arg]
    fig = go.Figure(
        [
            go.Scatter(x=[1, 2, 3], y=[n, n + 2, n + 1], name=f"series {n}"),
            go.Bar(x=[1, 2, 3], y=[3, n, 2], name=f"bars {n}"),
        ]
    )
    fig.update_layout(title=f"chart number {n}", template="plotly_white")
    return fig.to_dict()


def _same(svg: bytes) -> str:
    return RANDOM_ID.sub(r"\1ID", svg.decode("utf-8"))


@pytest.fixture
def browser(pm_chromium: Path) -> Iterator[ChartBrowser]:
    made = ChartBrowser()
    try:
        yield made
    finally:
        made.close()


def test_it_overrides_kaleidos_own_tab_hand_back() -> None:
    assert "_return_kaleido_tab" in vars(kaleido.Kaleido)
    assert "_return_kaleido_tab" in vars(chart_browser._kaleido_class())


def test_a_chart_drawn_after_others_equals_it_drawn_first(
    browser: ChartBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    reloads: list[int] = []
    reload = _KaleidoTab.reload

    async def counted(self):  # type: ignore[no-untyped-def]
        reloads.append(1)
        await reload(self)

    monkeypatch.setattr(_KaleidoTab, "reload", counted)
    monkeypatch.setattr(chart_browser, "RELOAD_EVERY", 3)
    drawn = [browser.draw(_figure(n), **SIZE) for n in range(5)]
    assert browser.drawings() == 5
    assert len(reloads) == 5 // 3  # after the third only, not after each
    again = browser.draw(_figure(0), **SIZE)
    fresh = ChartBrowser()
    try:
        first = fresh.draw(_figure(4), **SIZE)
    finally:
        fresh.close()
    assert _same(again) == _same(drawn[0])
    assert _same(first) == _same(drawn[4])
    assert b"chart number 4" in drawn[4] and b"chart number 0" not in drawn[4]


def test_callers_drawing_at_once_each_get_their_own_chart(browser: ChartBrowser) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        drawn = list(pool.map(lambda n: browser.draw(_figure(n), **SIZE), range(8)))
    for n, svg in enumerate(drawn):
        assert f"chart number {n}<".encode() in svg, n


def test_a_closed_browser_opens_again_on_the_next_drawing(browser: ChartBrowser) -> None:
    assert browser.drawings() == 0
    assert b"chart number 1" in browser.draw(_figure(1), **SIZE)
    browser.close()
    assert browser.drawings() == 0
    assert b"chart number 2" in browser.draw(_figure(2), **SIZE)
