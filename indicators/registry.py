"""The indicator registry: the indicators of the spec as typed, frozen objects.

`registry.yaml` is the single source of every indicator's id, title, definition,
numerator, denominator, unit, polarity, rationale and sources; the computation reads
its numerators and denominators from here, and the definitions page and every export
show its texts verbatim. Loading checks that each entry is consistent in itself (a
rate divides by person-years and is per 1,000; a proportion divides by a count and is
a percentage), so a wrong edit fails at import time rather than as a wrong figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from indicators.stats import POLARITIES, Polarity, Statistic

REGISTRY_PATH = Path(__file__).with_name("registry.yaml")

PERSON_YEARS = "person_years"
PERCENT = "%"
PER_1000_PERSON_YEARS = "per 1,000 person-years"
# What each statistic is shown in, and what multiplies the raw ratio into that unit.
UNIT_OF: dict[str, tuple[str, int]] = {
    "proportion": (PERCENT, 100),
    "rate": (PER_1000_PERSON_YEARS, 1000),
}
FIELDS = (
    "id",
    "title",
    "definition",
    "numerator",
    "denominator",
    "unit",
    "multiplier",
    "statistic",
    "polarity",
    "rationale",
    "source",
)


class RegistryError(ValueError):
    """The registry file contradicts itself; the message names the indicator and field."""


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    numerator: str
    denominator: str  # a data element, or PERSON_YEARS for rates
    unit: Literal["%", "per 1,000 person-years"]
    multiplier: int
    statistic: Statistic
    polarity: Polarity
    rationale: str
    source: tuple[str, ...]

    @property
    def is_rate(self) -> bool:
        return self.statistic == "rate"

    @property
    def data_elements(self) -> tuple[str, ...]:
        """The data elements the indicator reads (population_average for person-years)."""
        denominator = "population_average" if self.is_rate else self.denominator
        return (self.numerator, denominator)


@dataclass(frozen=True)
class Registry:
    indicators: tuple[Indicator, ...]

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def __getitem__(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(f"no indicator {indicator_id!r}; known: {', '.join(self.ids)}")

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.ids

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(indicator.id for indicator in self.indicators)

    def select(self, ids: list[str] | tuple[str, ...] | None) -> tuple[Indicator, ...]:
        """The chosen indicators in registry order (all when ids is None); KeyError if unknown."""
        if ids is None:
            return self.indicators
        wanted = {self[i].id for i in ids}
        return tuple(indicator for indicator in self.indicators if indicator.id in wanted)

    @property
    def data_elements(self) -> tuple[str, ...]:
        """Every data element some indicator reads, in first-use order."""
        seen: dict[str, None] = {}
        for indicator in self.indicators:
            seen.update(dict.fromkeys(indicator.data_elements))
        return tuple(seen)


def _text(raw: dict[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: '{name}' must be a non-empty text")
    return " ".join(value.split())


def indicator_from_mapping(raw: dict[str, Any]) -> Indicator:
    where = f"indicator {raw.get('id', '?')!r}"
    unknown = set(raw) - set(FIELDS)
    missing = set(FIELDS) - set(raw)
    if unknown or missing:
        raise RegistryError(f"{where}: unknown fields {sorted(unknown)}, missing {sorted(missing)}")
    statistic = _text(raw, "statistic", where)
    if statistic not in UNIT_OF:
        raise RegistryError(f"{where}: statistic must be one of {sorted(UNIT_OF)}")
    unit, multiplier = UNIT_OF[statistic]
    if (raw["unit"], raw["multiplier"]) != (unit, multiplier):
        raise RegistryError(
            f"{where}: a {statistic} is shown as {unit!r} with multiplier {multiplier}"
        )
    denominator = _text(raw, "denominator", where)
    if (denominator == PERSON_YEARS) != (statistic == "rate"):
        raise RegistryError(f"{where}: rates, and only rates, divide by {PERSON_YEARS}")
    polarity = _text(raw, "polarity", where)
    if polarity not in POLARITIES:
        raise RegistryError(f"{where}: polarity must be one of {POLARITIES}")
    sources = raw["source"]
    if not isinstance(sources, list) or not sources:
        raise RegistryError(f"{where}: 'source' must be a non-empty list of references")
    return Indicator(
        id=_text(raw, "id", where),
        title=_text(raw, "title", where),
        definition=_text(raw, "definition", where),
        numerator=_text(raw, "numerator", where),
        denominator=denominator,
        unit=unit,  # type: ignore[arg-type]
        multiplier=multiplier,
        statistic=statistic,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        rationale=_text(raw, "rationale", where),
        source=tuple(_text({"source": s}, "source", where) for s in sources),
    )


def registry_from_mapping(raw: dict[str, Any]) -> Registry:
    indicators = tuple(indicator_from_mapping(entry) for entry in raw["indicators"])
    ids = [indicator.id for indicator in indicators]
    if len(set(ids)) != len(ids):
        raise RegistryError(f"indicator ids must be unique: {ids}")
    return Registry(indicators)


@cache
def load_registry(path: Path = REGISTRY_PATH) -> Registry:
    with open(path, encoding="utf-8") as fh:
        return registry_from_mapping(yaml.safe_load(fh))
