"""Debian's chromium as Playwright launches it: for the browser tests and the benchmarks alike.

Playwright never downloads a browser here: it drives /usr/bin/chromium with the
launch arguments of /work/shared/STACK.md (without the background-networking
flags, chromium's connections are refused by the closed network, many at a time).
Also the two helpers both need to start a dashboard for it: a free port and its health check.
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
MISSING = "Debian's chromium is not installed: apt-get install chromium"


def installed() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def launch_options() -> dict[str, Any]:
    """Keyword arguments of Playwright's `chromium.launch`."""
    return {"executable_path": str(CHROMIUM), "headless": True, "args": LAUNCH_ARGS}


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    """Whether `url` (a dashboard's /_stcore/health) answers 200 within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
