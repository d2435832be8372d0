"""The contract as the sample data reads it: the elements of each module, the pairs and the
breakdowns.

The generator draws the core figures and the figures of the v2 modules apart (so the v1 rows
of every sample file stay as they were) and checks both against the contract: every element
of a module is drawn, no other, every pair holds and every breakdown adds up.

INTERIM (until the contract YAML has the v2 elements): while `data_contracts/` knows only the
core elements, the v2 elements, their modules, the v2 pairs and the breakdowns are read from
the spec (submission-format.md §3.2, §4 and §3.3). Once the contract has any element outside
the base module, everything here comes from the contract and the spec is not read.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from data_contracts.contract import Contract, load_contract

CONTRACT: Contract = load_contract()
BASE_MODULE = CONTRACT.base_module


@dataclass(frozen=True)
class Breakdown:
    """A total split into parts (spec §3.3): a partition adds up exactly, an overlapping
    breakdown adds up to at least its total."""

    id: str
    kind: str  # "partition" or "overlapping"
    total: str
    parts: tuple[str, ...]


def _contract_has_modules() -> bool:
    return any(getattr(e, "module", BASE_MODULE) != BASE_MODULE for e in CONTRACT.data_elements)


# --------------------------------------------------------------- INTERIM: the spec's tables

SPEC_NAME = "submission-format.md"


def _spec_path() -> Path:
    """shared/spec/submission-format.md beside the repository (/work/shared for /work/main)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "spec" / SPEC_NAME
        if candidate.is_file():
            return candidate
    raise SystemExit(f"no shared/spec/{SPEC_NAME}: the contract has no v2 elements yet")


def _spec_rows(header_start: str) -> list[list[str]]:
    """The body rows of the spec's tables whose header starts so, as lists of cells."""
    lines = _spec_path().read_text(encoding="utf-8").splitlines()
    rows = []
    for start, line in enumerate(lines):
        if line.startswith(header_start):
            for body in lines[start + 2 :]:
                if not body.startswith("|"):
                    break
                rows.append([cell.strip() for cell in body.strip().strip("|").split("|")])
    return rows


def _codes(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _spec_modules() -> dict[str, str]:
    """§3.2: {code: module} of the v2 elements, in the table's order."""
    rows = _spec_rows("| module | code |")
    return {_codes(code)[0]: _codes(module)[0] for module, code, *_ in rows}


def _spec_breakdowns() -> list[Breakdown]:
    """§3.3: the breakdowns, their kind read from the first word of the kind column."""
    return [
        Breakdown(
            _codes(name)[0], kind.split(":")[0].strip(), _codes(total)[0], tuple(_codes(part))
        )
        for name, kind, total, part in _spec_rows("| breakdown |")
    ]


def _spec_pairs(codes: list[str]) -> list[tuple[str, str]]:
    """§4's pairs table, "each" expanded: a code with `*` stands for every element it matches
    (but the one it must not exceed)."""
    pairs = []
    for first, second in _spec_rows("| first |"):
        (superset,) = _codes(second)
        for pattern in _codes(first):
            for code in fnmatch.filter(codes, pattern):
                if code != superset:
                    pairs.append((code, superset))
    return list(dict.fromkeys(pairs))  # a code both matched and named is one pair


# --------------------------------------------------------------- what the generator reads


def _module_of() -> dict[str, str]:
    if _contract_has_modules():
        return {e.code: getattr(e, "module", BASE_MODULE) for e in CONTRACT.data_elements}
    core = {code: BASE_MODULE for code in CONTRACT.element_codes}
    return core | _spec_modules()


MODULE_OF: dict[str, str] = _module_of()
"""Every element code of the contract, in its order, with its module."""

if _contract_has_modules():
    PAIRS: tuple[tuple[str, str], ...] = tuple(CONTRACT.pairs)
    BREAKDOWNS: tuple[Breakdown, ...] = tuple(
        Breakdown(b.id, b.kind, b.total, tuple(b.parts)) for b in CONTRACT.breakdowns
    )
else:  # INTERIM
    PAIRS = tuple(CONTRACT.pairs) + tuple(_spec_pairs(list(MODULE_OF)))
    BREAKDOWNS = tuple(_spec_breakdowns())


# INTERIM: the module rows (and the register's `modules`) are written once the contract has the
# v2 elements: until then the checks would refuse every module row as data_element.unknown.
# The module figures are drawn and checked either way.
WRITE_MODULES = _contract_has_modules()


def elements_of(*modules: str) -> list[str]:
    """The element codes of these modules, in the contract's order."""
    return [code for code, module in MODULE_OF.items() if module in modules]


CORE_ELEMENTS = elements_of(BASE_MODULE)
V2_MODULES = list(CONTRACT.optional_module_ids)
V2_ELEMENTS = elements_of(*V2_MODULES)
