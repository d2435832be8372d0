"""Shared fixtures: a small register, files written from literal text, a fresh database, the CLI."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from submission_files import PRISONS, register_csv

from data_contracts.register import Register


@pytest.fixture
def register() -> Register:
    return Register({p.code: p for p in PRISONS})


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file named `name` in a fresh folder."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return _write


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'pm.db'}"
    monkeypatch.setenv("PRISON_MONITOR_DB", url)
    return url


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_url: str) -> Callable[..., Result]:
    """Run `prison-monitor ARGS` in this process against the test database."""
    from cli.main import main

    def _run(*args: str | os.PathLike) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def initialised(cli: Callable[..., Result], write: Callable[..., Path]) -> Callable[..., Result]:
    """A database with the schema and the small test register."""
    assert cli("init").code == 0
    assert cli("prisons", "import", write("register.csv", register_csv())).code == 0
    return cli
