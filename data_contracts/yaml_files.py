"""Reading the project's own YAML (the contract, the registry, the governance rules).

LibYAML's C loader when PyYAML has it (ten times faster: the contract alone took 0.17 s in
pure Python, paid by every command), the pure-Python safe loader otherwise; both build the
same plain data (tests/data_contracts/test_yaml_files.py).
"""

from __future__ import annotations

from typing import IO, Any

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | IO[str]) -> Any:
    """The plain data of a YAML text or open file (safe: no Python objects)."""
    return yaml.load(source, Loader=SAFE_LOADER)
