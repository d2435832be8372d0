"""Fixtures of the browser tests: the dashboard in a subprocess, and Debian's chromium.

Why this exists: the unit tests of the pages (tests/dashboard) run the scripts
under Streamlit's AppTest, which draws nothing; only a real browser shows that
the pages render, that the plotly charts appear, that files upload and that
downloads arrive. One dashboard (`prison-monitor serve --demo`, on a free port,
with a fresh SQLite database in a temporary folder) and one browser serve the
whole session; each test opens its own browser context (a fresh Streamlit
session, so it starts at the log-in form).

Playwright never downloads a browser here: it drives Debian's chromium at
/usr/bin/chromium with the launch arguments of /work/shared/STACK.md. Without
that chromium the tests are skipped, except under CI (CI=true), where they fail.

The fixtures are named pm_* so that they never collide with those of
pytest-playwright (browser, context, page), which would launch its own browser.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import chromium
import pytest

PROJECT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).parent / "prison-monitor"
SCREENSHOTS = PROJECT / "test-artifacts" / "screenshots"
# Loading the sample data takes 10-20 s on a quiet machine; allow for a busy one.
START_DEADLINE = 180.0


def require_chromium() -> None:
    """Skip (or, under CI, fail) when Debian's chromium is absent."""
    if chromium.installed():
        return
    reason = chromium.MISSING
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must not skip the browser tests)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Server:
    """The running dashboard: where it answers, its database and its log."""

    base_url: str
    db_url: str
    log: Path
    _seen: int = field(default=0)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def new_log(self) -> str:
        """What the server wrote since the last call."""
        text = self.log_text()
        new, self._seen = text[self._seen :], len(text)
        return new


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server's process group (prison-monitor and the streamlit it started)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    proc.wait(timeout=15)


@pytest.fixture(scope="session")
def pm_chromium() -> Path:
    require_chromium()
    return chromium.CHROMIUM


@contextmanager
def running_server(command: list[str], folder: Path, db_url: str) -> Iterator[Server]:
    """`command` (a dashboard server taking --port N) on a free port, serving `db_url`,
    its output in folder/server.log; stopped, with its process group, on leaving."""
    port = chromium.free_port()
    log = folder / "server.log"
    env = {**os.environ, "PRISON_MONITOR_DB": db_url}
    env.pop("PRISON_MONITOR_DEBUG", None)
    env.pop("PRISON_MONITOR_PASSWORD_LOGIN", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*command, "--port", str(port), "--address", "127.0.0.1"],
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the streamlit child stops too
        )
    server = Server(base_url=f"http://127.0.0.1:{port}", db_url=db_url, log=log)
    try:
        deadline = time.monotonic() + START_DEADLINE
        while not chromium.healthy(server.url("/_stcore/health")):
            if proc.poll() is not None:
                pytest.fail(
                    f"{command[-1]} exited {proc.returncode} before answering:\n"
                    f"{server.log_text()[-4000:]}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the dashboard did not answer within {START_DEADLINE:.0f} s:\n"
                    f"{server.log_text()[-4000:]}",
                    pytrace=False,
                )
            time.sleep(0.5)
        server.new_log()  # start-up output is not a test's business
        yield server
    finally:
        _stop(proc)


# `prison-monitor serve --demo`, as a newcomer starts it
SERVE_DEMO = [str(CLI), "serve", "--demo"]


@pytest.fixture(scope="session")
def pm_server(pm_chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`prison-monitor serve --demo` on a free port with a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("dashboard")
    with running_server(SERVE_DEMO, folder, f"sqlite:///{folder / 'pm.db'}") as server:
        yield server


@pytest.fixture(scope="session")
def pm_browser(pm_chromium: Path):  # type: ignore[no-untyped-def]
    """Debian's chromium, launched exactly as STACK.md says (Playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(**chromium.launch_options())
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def pm_page(pm_browser, pm_server: Server):  # type: ignore[no-untyped-def]
    """A page in a new browser context: a fresh Streamlit session, at the log-in form.

    After the test, the server's log of that test must hold no traceback: an
    error caught by the server (a failed download, say) may show nothing in the
    page.
    """
    pm_server.new_log()
    context = pm_browser.new_context(viewport=chromium.VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    logged = pm_server.new_log()
    if "Traceback" in logged:
        pytest.fail(f"the dashboard logged an error during this test:\n{logged}", pytrace=False)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """test-artifacts/screenshots/ at the repository root (gitignored): the tests' artefacts."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
