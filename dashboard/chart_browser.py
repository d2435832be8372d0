"""The one browser that draws every exported and reported chart: kaleido's, open for the
life of the process, callable from any thread.

kaleido's own sync server (`kaleido.start_sync_server`, which `Figure.to_image` uses) has
two costs here. It reloads its tab after every drawing, and waits for that reload before it
answers: a tenth of a second a chart, most of a small chart's time, and a report draws
eight to forty. And it answers every caller from one shared queue, so two threads drawing
at once (two people exporting) could each take the other's image.

So this keeps kaleido's browser and its drawing (`Kaleido.calc_fig`), on an event loop of
its own: each call gets its own future, and the tab is reloaded after every
`RELOAD_EVERY` drawings rather than after each. plotly.js draws each figure in a graph of
its own and purges it (kaleido_scopes.js, `Plotly.toImage`), so nothing of one drawing is
left for the next; the reload only bounds what a long-running server's page gathers.
tests/dashboard/test_chart_browser.py draws figures in turn and checks each one equals a
drawing of it in a fresh page.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from concurrent.futures import Future
from typing import Any

RELOAD_EVERY = 50  # drawings between two reloads of the tab
OPEN_TIMEOUT_S = 90  # to launch the browser and load plotly.js, on a busy machine
CLOSE_TIMEOUT_S = 10


def _kaleido_class() -> type:
    """kaleido.Kaleido, whose tab is reloaded every RELOAD_EVERY drawings.

    It overrides kaleido's `_return_kaleido_tab` (kaleido 1.x; the test above fails if that
    changes, rather than this slowing down unseen)."""
    import kaleido

    class Kaleido(kaleido.Kaleido):  # type: ignore[misc]
        drawn = 0

        async def _return_kaleido_tab(self, tab: Any) -> None:
            self.drawn += 1
            if self.drawn % RELOAD_EVERY == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

    return Kaleido


class ChartBrowser:
    """A browser started on first use (or `start`), drawing one chart at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._opened: Future[Any] | None = None

    def start(self) -> None:
        """Launch the browser in the background (it takes a second or two); return at once."""
        with self._lock:
            if self._opened is not None:
                return
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(
                    target=self._loop.run_forever, name="chart-browser", daemon=True
                ).start()
                atexit.register(self.close)
            self._opened = asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    @staticmethod
    async def _open() -> Any:
        browser = _kaleido_class()(mathjax=False)
        await browser.open()
        return browser

    def _browser(self) -> Any:
        self.start()
        opened = self._opened
        assert opened is not None and self._loop is not None
        try:
            return opened.result(OPEN_TIMEOUT_S)
        except Exception:
            with self._lock:  # the next call tries to launch it again
                if self._opened is opened:
                    self._opened = None
            raise

    def draw(
        self, figure: dict[str, Any], fmt: str, width: int, height: int, scale: float
    ) -> bytes:
        """`figure` (a plotly figure's dict) as PNG or SVG bytes."""
        browser = self._browser()
        options = {"format": fmt, "width": width, "height": height, "scale": scale}
        drawing = asyncio.run_coroutine_threadsafe(
            browser.calc_fig(figure, opts=options), self._loop
        )
        return drawing.result()

    def drawings(self) -> int:
        """How many charts the browser has drawn (0 before it is open)."""
        opened = self._opened
        if opened is None or not opened.done() or opened.exception() is not None:
            return 0
        return int(opened.result().drawn)

    def close(self) -> None:
        """Close the browser (at exit; a later call launches a new one)."""
        with self._lock:
            opened, self._opened = self._opened, None
        if opened is None or self._loop is None:
            return
        try:
            browser = opened.result(OPEN_TIMEOUT_S)
            asyncio.run_coroutine_threadsafe(browser.close(), self._loop).result(CLOSE_TIMEOUT_S)
        except Exception:
            return


BROWSER = ChartBrowser()
