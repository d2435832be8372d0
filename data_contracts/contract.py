"""The submission contract as a typed model, loaded from its YAML.

Everything the checks, the template, the sample data and the dashboard know
about the file format comes from `submission_v1.yaml` through this module, so
the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTRACT_PATH = Path(__file__).with_name("submission_v1.yaml")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    content: str


@dataclass(frozen=True)
class DataElement:
    code: str
    kind: str  # "count" (whole number >= 0) or "number" (> 0, decimals allowed)
    definition: str
    title: str = ""  # a short plain name, shown beside the code

    @property
    def label(self) -> str:
        """The code with its plain title, as messages and tables name an element."""
        return f"{self.title} ({self.code})" if self.title else self.code


@dataclass(frozen=True)
class Expectation:
    """One row-level check, run through Great Expectations on the prepared frame."""

    type: str
    column: str  # column of the prepared frame the check reads
    source: str  # column of the submitted file a failure is reported on
    params: dict[str, Any] = field(default_factory=dict)
    message: str | None = None  # overrides the rule's message
    # column of the prepared frame whose value the message quotes as {value} (default: source)
    shows: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # "error" or "warning"
    level: str  # file, column, row, set, prison_quarter, history, storage
    when: str
    message: str
    expectations: tuple[Expectation, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Module:
    """A group of data elements a prison reports (spec §3): `core` everywhere, the others
    where the register names them."""

    id: str
    what: str
    why: str


@dataclass(frozen=True)
class Contract:
    name: str
    version: int
    file: dict[str, Any]
    columns: tuple[Column, ...]
    limits: dict[str, Any]
    data_elements: tuple[DataElement, ...]
    pairs: tuple[tuple[str, str], ...]
    rules: tuple[Rule, ...]
    register: dict[str, Any] = field(default_factory=dict)
    # the template's helper columns: known, optional, ignored by every check
    helper_columns: tuple[Column, ...] = ()
    units: dict[str, str] = field(default_factory=dict)  # kind -> the template's unit text
    base_module: str = "core"
    modules: tuple[Module, ...] = ()

    @property
    def module_ids(self) -> list[str]:
        return [m.id for m in self.modules]

    @property
    def optional_module_ids(self) -> list[str]:
        """The modules a register may name (every prison reports the base module)."""
        return [m.id for m in self.modules if m.id != self.base_module]

    @property
    def helper_names(self) -> list[str]:
        return [c.name for c in self.helper_columns]

    def title(self, code: str | None) -> str:
        """The plain title of an element code ('' for a code the contract does not have)."""
        return next((e.title for e in self.data_elements if e.code == code), "")

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def element_codes(self) -> list[str]:
        return [e.code for e in self.data_elements]

    @property
    def count_codes(self) -> list[str]:
        return [e.code for e in self.data_elements if e.kind == "count"]

    def element(self, code: str) -> DataElement:
        return next(e for e in self.data_elements if e.code == code)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"the contract has no rule {rule_id!r}")

    @property
    def rule_order(self) -> dict[str, int]:
        return {r.id: i for i, r in enumerate(self.rules)}


def _expectation(raw: dict[str, Any]) -> Expectation:
    raw = dict(raw)
    return Expectation(
        type=raw.pop("type"),
        column=raw.pop("column"),
        source=raw.pop("source"),
        message=raw.pop("message", None),
        shows=raw.pop("shows", None),
        params=raw,
    )


def contract_from_mapping(raw: dict[str, Any]) -> Contract:
    return Contract(
        name=raw["name"],
        version=int(raw["version"]),
        file=dict(raw["file"]),
        columns=tuple(Column(**c) for c in raw["columns"]),
        limits=dict(raw["limits"]),
        data_elements=tuple(DataElement(**e) for e in raw["data_elements"]),
        pairs=tuple((a, b) for a, b in raw["pairs"]),
        rules=tuple(
            Rule(
                id=r["id"],
                severity=r["severity"],
                level=r["level"],
                when=r["when"],
                message=r["message"],
                expectations=tuple(_expectation(e) for e in r.get("expectations", ())),
            )
            for r in raw["rules"]
        ),
        register=dict(raw.get("register", {})),
        helper_columns=tuple(
            Column(name=c["name"], required=False, content=c["content"])
            for c in raw.get("helper_columns", ())
        ),
        units=dict(raw.get("units", {})),
        base_module=raw.get("base_module", "core"),
        modules=tuple(Module(**m) for m in raw.get("modules", ())),
    )


@cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    with open(path, encoding="utf-8") as fh:
        return contract_from_mapping(yaml.safe_load(fh))
