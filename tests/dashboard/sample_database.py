"""A database with the sample data, as `prison-monitor init --sample` makes it."""

from __future__ import annotations

from pathlib import Path

import pytest


def sample_database(folder: Path) -> str:
    """The URL of a new SQLite database in `folder` holding the sample data.

    The command line reads PRISON_MONITOR_DB; it names the new database only while
    `init --sample` runs, and is as it was afterwards."""
    from cli.main import main

    url = f"sqlite:///{folder / 'pm.db'}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PRISON_MONITOR_DB", url)
        assert main(["init", "--sample"]) == 0
    return url
