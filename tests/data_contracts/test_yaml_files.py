"""The project's YAML reads the same with LibYAML's loader as with PyYAML's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from data_contracts.yaml_files import SAFE_LOADER, load_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in ("data_contracts", "indicators", "store")
    for p in (ROOT / folder).glob("*.yaml")
)


def test_the_fast_loader_is_there() -> None:
    # CI installs PyYAML's wheel, which ships LibYAML: a missing one would cost every command
    assert SAFE_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_reads_the_same(path: Path) -> None:
    text = path.read_text("utf-8")
    assert load_yaml(text) == yaml.safe_load(text)


def test_it_stays_safe() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
