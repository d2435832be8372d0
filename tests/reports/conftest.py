"""The sample database once per module, and reports made from it by the command line
(in this process: `cli.main.main` with --db), kept for every test of the module."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import polars as pl
import pytest

from cli.main import main


class Sample:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"sqlite:///{folder / 'pm.db'}"
        self._made: dict[tuple[str, ...], tuple[int, str, Path]] = {}
        self._tables: dict[str, pl.DataFrame] = {}

    def run(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--db", self.url, *args])
        return code, out.getvalue(), err.getvalue()

    def report(self, *args: str, suffix: str = "pdf") -> tuple[int, str, Path]:
        """`report ARGS --output FILE` once per ARGS: (exit code, standard error, file)."""
        key = (*args, suffix)
        if key not in self._made:
            target = self.folder / f"report-{len(self._made)}.{suffix}"
            code, _, err = self.run("report", *args, "--quiet", "--output", str(target))
            self._made[key] = (code, err, target)
        return self._made[key]

    def table(self, user: str) -> pl.DataFrame:
        """`prison-monitor indicators --user USER` (every prison row), as read from its CSV."""
        if user not in self._tables:
            target = self.folder / f"indicators-{user}.csv"
            code, _, err = self.run("indicators", "--user", user, "--output", str(target))
            assert code == 0, err
            self._tables[user] = pl.read_csv(target, infer_schema_length=None)
        return self._tables[user]


@pytest.fixture(scope="package")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    made = Sample(tmp_path_factory.mktemp("reports"))
    code, _, err = made.run("init", "--sample")
    assert code == 0, err
    return made


@pytest.fixture(scope="package")
def pdf_text() -> Callable[[Path], str]:
    from pypdf import PdfReader

    def read(path: Path) -> str:
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)

    return read
