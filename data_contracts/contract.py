"""The submission contract as a typed model, loaded from its YAML.

Everything the checks, the template, the sample data and the dashboard know
about the file format comes from `submission_v1.yaml` through this module, so
the contract is written down once. The file keeps its v1 name (the documents and
the sample generator name it); its `version` is the format's, now 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from data_contracts.languages import (
    Translations,
    english_or,
    in_language,
    split_translations,
    texts_of,
)
from data_contracts.yaml_files import load_yaml

CONTRACT_PATH = Path(__file__).with_name("submission_v1.yaml")


def translated(entry: Any, name: str, language: str | None = None) -> str:
    """The text `name` of a contract entry (a rule, element, column, …) in `language`
    (default: the current one), English where it has no translation."""
    translations = getattr(entry, "translations", {})  # an entry without any: English
    return english_or(getattr(entry, name), translations.get(name, {}), language)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    content: str
    translations: Translations = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class DataElement:
    code: str
    kind: str  # "count" (whole number >= 0) or "number" (> 0, decimals allowed)
    definition: str
    title: str = ""  # a short plain name, shown beside the code
    module: str = ""  # the module it belongs to (spec §3); the base module when not written
    translations: Translations = field(default_factory=dict, compare=False, repr=False)

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
    translations: Translations = field(default_factory=dict, compare=False, repr=False)

    def message_in(self, language: str | None = None) -> str | None:
        return None if self.message is None else translated(self, "message", language)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # "error" or "warning"
    level: str  # file, column, row, set, prison_quarter, history, storage
    when: str
    message: str
    expectations: tuple[Expectation, ...] = ()
    # other messages of the rule, by case (e.g. breakdown.sum's kinds of breakdown)
    variants: dict[str, str] = field(default_factory=dict)
    translations: Translations = field(
        default_factory=dict, compare=False, repr=False
    )  # of the message and of each variant

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def message_in(self, language: str | None = None, case: str | None = None) -> str:
        """The message (or the variant of `case`) in `language`, default the current one."""
        if case is None or case not in self.variants:
            return translated(self, "message", language)
        return english_or(self.variants[case], self.translations.get(case, {}), language)


@dataclass(frozen=True)
class Module:
    """A group of data elements a prison reports (spec §3): `core` everywhere, the others
    where the register names them."""

    id: str
    what: str
    why: str
    translations: Translations = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Breakdown:
    """A total split into parts (spec §3.3), checked by the rule breakdown.sum.

    `partition`: every person is in exactly one part, so parts all reported add up to the
    total and parts reported add up to no more than it; `overlapping`: a person may be in
    several parts and is in at least one, so parts all reported add up to at least the total.
    """

    id: str
    kind: str  # "partition" or "overlapping"
    total: str
    parts: tuple[str, ...]
    meaning: str  # the kind in plain words (the contract's breakdown_kinds)
    title: str = (
        ""  # what its charts are called, e.g. "Opioid substitution treatment by medication"
    )
    translations: Translations = field(default_factory=dict, compare=False, repr=False)


BREAKDOWN_KINDS = ("partition", "overlapping")


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
    unit_translations: Translations = field(default_factory=dict, compare=False, repr=False)
    # the pieces of messages the checks compose, {id: {language: text}} (`phrase`)
    phrases: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def unit_text(self, kind: str) -> str:
        """The template's unit text of a kind of element, in the current language."""
        return english_or(self.units[kind], self.unit_translations.get(kind, {}))

    def phrase(self, phrase_id: str, **fields: Any) -> str:
        """The piece of message `phrase_id` in the current language, filled with `fields`."""
        return in_language(self.phrases[phrase_id]).format(**fields)

    base_module: str = "core"
    modules: tuple[Module, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()

    def elements_of(self, *modules: str) -> list[DataElement]:
        """The data elements of these modules, in the contract's order."""
        return [e for e in self.data_elements if e.module in modules]

    def codes_of(self, *modules: str) -> list[str]:
        return [e.code for e in self.elements_of(*modules)]

    def expected_codes(self, optional_modules: tuple[str, ...] | list[str]) -> list[str]:
        """What a prison reporting these modules beyond the base one must report."""
        return self.codes_of(self.base_module, *optional_modules)

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
    raw, translations = split_translations(dict(raw))
    return Expectation(
        type=raw.pop("type"),
        column=raw.pop("column"),
        source=raw.pop("source"),
        message=raw.pop("message", None),
        shows=raw.pop("shows", None),
        params=raw,
        translations=translations,
    )


def _element(raw: dict[str, Any], base_module: str) -> DataElement:
    plain, translations = split_translations(raw)
    return DataElement(**{"module": base_module, **plain}, translations=translations)


def _rule(raw: dict[str, Any]) -> Rule:
    r, translations = split_translations(raw)
    variants, variant_translations = split_translations(dict(r.get("variants", {})))
    return Rule(
        id=r["id"],
        severity=r["severity"],
        level=r["level"],
        when=r["when"],
        message=r["message"],
        expectations=tuple(_expectation(e) for e in r.get("expectations", ())),
        variants=variants,
        translations={**translations, **variant_translations},
    )


def _column(raw: dict[str, Any], required: bool | None = None) -> Column:
    plain, translations = split_translations(raw)
    if required is not None:
        plain = {"name": plain["name"], "required": required, "content": plain["content"]}
    return Column(**plain, translations=translations)


def _module(raw: dict[str, Any]) -> Module:
    plain, translations = split_translations(raw)
    return Module(**plain, translations=translations)


def _breakdown(raw: dict[str, Any], kinds: dict[str, str], kind_tr: Translations) -> Breakdown:
    raw, translations = split_translations(raw)
    return Breakdown(
        id=raw["id"],
        kind=raw["kind"],
        total=raw["total"],
        parts=tuple(raw["parts"]),
        meaning=kinds.get(raw["kind"], ""),
        title=raw.get("title", raw["id"]),
        translations={**translations, "meaning": kind_tr.get(raw["kind"], {})},
    )


def check_contract(contract: Contract) -> Contract:
    """The contract's parts name each other consistently, or ValueError says where not."""
    codes = set(contract.element_codes)
    problems = [
        f"element {e.code} is in no module of the contract ({e.module})"
        for e in contract.data_elements
        if e.module not in contract.module_ids
    ]
    problems += [f"pair {p} names an unknown element" for p in contract.pairs if set(p) - codes]
    for b in contract.breakdowns:
        if b.kind not in BREAKDOWN_KINDS or not b.meaning:
            problems.append(
                f"breakdown {b.id}: kind {b.kind!r} is not one of {BREAKDOWN_KINDS} "
                "with its meaning in breakdown_kinds"
            )
        if {b.total, *b.parts} - codes:
            problems.append(f"breakdown {b.id} names an unknown element")
    if contract.modules and contract.base_module not in contract.module_ids:
        problems.append(f"the base module {contract.base_module} is not a module")
    if problems:
        raise ValueError("; ".join(problems))
    return contract


def contract_from_mapping(raw: dict[str, Any]) -> Contract:
    base_module = raw.get("base_module", "core")
    kinds, kind_tr = split_translations(dict(raw.get("breakdown_kinds", {})))
    units, unit_tr = split_translations(dict(raw.get("units", {})))
    return check_contract(
        Contract(
            name=raw["name"],
            version=int(raw["version"]),
            file=dict(raw["file"]),
            columns=tuple(_column(c) for c in raw["columns"]),
            limits=dict(raw["limits"]),
            data_elements=tuple(_element(e, base_module) for e in raw["data_elements"]),
            pairs=tuple((a, b) for a, b in raw["pairs"]),
            rules=tuple(_rule(r) for r in raw["rules"]),
            register=dict(raw.get("register", {})),
            helper_columns=tuple(_column(c, required=False) for c in raw.get("helper_columns", ())),
            units=units,
            unit_translations=unit_tr,
            phrases={p["id"]: texts_of(p, "text") for p in raw.get("phrases", ())},
            base_module=base_module,
            modules=tuple(_module(m) for m in raw.get("modules", ())),
            breakdowns=tuple(_breakdown(b, kinds, kind_tr) for b in raw.get("breakdowns", ())),
        )
    )


@cache
def load_contract(path: Path = CONTRACT_PATH) -> Contract:
    with open(path, encoding="utf-8") as fh:
        return contract_from_mapping(load_yaml(fh))
