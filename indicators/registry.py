"""The indicator registry: the indicators and domains of the spec as typed, frozen objects.

`registry.yaml` and the files it names (`files`: the v2 modules' indicators; `domains`:
the five domains) are the single source of every indicator's id, title, definition,
numerator, denominator, unit, polarity, breakdown, rationale and sources, and of every
domain's title, description and members; the computation reads its numerators and
denominators from here, and the definitions page and every export show its texts
verbatim. Loading checks that each entry is consistent in itself (a unit has one
statistic, multiplier and, where it names one, denominator: a rate divides by
person-years, per 1,000 releases by releases), that the shares of one breakdown share
their total and make no judgement, and that every indicator is in exactly one domain,
so a wrong edit fails at import time rather than as a wrong figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from data_contracts.languages import Translations, split_translations
from data_contracts.yaml_files import load_yaml
from i18n import N_, _
from indicators.stats import POLARITIES, Polarity, Statistic

REGISTRY_PATH = Path(__file__).with_name("registry.yaml")

PERSON_YEARS = "person_years"
RELEASES = "releases"
PERCENT = "%"
# (English, marked for the catalogs: `unit_label` says a unit in the current language.)
PER_1000_PERSON_YEARS = N_("per 1,000 person-years")
PER_1000_RELEASES = N_("per 1,000 releases")
NO_JUDGEMENT: Polarity = "no_judgement"


@dataclass(frozen=True)
class Unit:
    """What a value is shown in: its statistic, what multiplies the raw ratio into it, and
    the one denominator it is per (None: any count)."""

    name: str
    statistic: Statistic
    multiplier: int
    denominator: str | None = None
    sdmx: str = ""  # its UNIT_MEASURE code in SDMX output (international.md §4)


UNITS: dict[str, Unit] = {
    unit.name: unit
    for unit in (
        Unit(PERCENT, "proportion", 100, sdmx="PC"),
        Unit(PER_1000_PERSON_YEARS, "rate", 1000, PERSON_YEARS, sdmx="PER_1000_PY"),
        # A proportion shown x 1,000 (indicators.md §1): Wilson intervals, funnel limits and
        # suppression as for %.
        Unit(PER_1000_RELEASES, "proportion", 1000, RELEASES, sdmx="PER_1000_REL"),
    )
}


def unit_label(unit: str) -> str:
    """A unit as a reader reads it, in the current language ("%" is "%" in every one)."""
    return _(unit)


STATISTICS = tuple(dict.fromkeys(unit.statistic for unit in UNITS.values()))
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
OPTIONAL_FIELDS = ("breakdown",)
DOMAIN_FIELDS = ("id", "title", "description", "indicators")


class RegistryError(ValueError):
    """The registry files contradict themselves; the message names the entry and field."""


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    numerator: str
    denominator: str  # a data element, or PERSON_YEARS for rates
    unit: str  # a key of UNITS
    multiplier: int
    statistic: Statistic
    polarity: Polarity
    rationale: str
    source: tuple[str, ...]
    domain: str
    breakdown: str | None = None  # the breakdown (submission-format §3.3) of a share
    # title, definition and rationale in the other languages (title_fr, … in the YAML)
    translations: Translations = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_rate(self) -> bool:
        return self.statistic == "rate"

    @property
    def data_elements(self) -> tuple[str, ...]:
        """The data elements the indicator reads (population_average for person-years)."""
        denominator = "population_average" if self.is_rate else self.denominator
        return (self.numerator, denominator)


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str
    indicators: tuple[str, ...]  # ids, in the order the dashboard shows them
    translations: Translations = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Registry:
    indicators: tuple[Indicator, ...]
    domains: tuple[Domain, ...] = ()

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

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(f"no domain {domain_id!r}; known: {', '.join(d.id for d in self.domains)}")

    @property
    def ids_by_domain(self) -> tuple[str, ...]:
        """Every id, domain after domain (the order pickers and the Overview show them in)."""
        return tuple(i.id for members in self.by_domain().values() for i in members)

    def by_domain(self) -> dict[Domain, tuple[Indicator, ...]]:
        """Each domain (in the spec's order) with its indicators, in the domain's order."""
        return {domain: tuple(self[i] for i in domain.indicators) for domain in self.domains}

    def by_breakdown(self) -> dict[str, tuple[Indicator, ...]]:
        """Each breakdown with its share indicators, in registry order, to show together."""
        groups: dict[str, list[Indicator]] = {}
        for indicator in self.indicators:
            if indicator.breakdown is not None:
                groups.setdefault(indicator.breakdown, []).append(indicator)
        return {breakdown: tuple(shares) for breakdown, shares in groups.items()}


def _text(raw: dict[str, Any], name: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: '{name}' must be a non-empty text")
    return " ".join(value.split())


# The texts of an entry that are translated beside their English (international.md §3).
TRANSLATED_FIELDS = ("title", "definition", "rationale")
DOMAIN_TEXTS = ("title", "description")


def _check_translated(translations: Translations, texts: tuple[str, ...], where: str) -> None:
    """Refuse a translation of a field that is not one of `texts` (a misspelt key)."""
    unknown = set(translations) - set(texts)
    if unknown:
        raise RegistryError(f"{where}: translations of unknown fields {sorted(unknown)}")


def _check_fields(
    raw: dict[str, Any], required: tuple[str, ...], where: str, optional: tuple[str, ...] = ()
) -> None:
    unknown = set(raw) - set(required) - set(optional)
    missing = set(required) - set(raw)
    if unknown or missing:
        raise RegistryError(f"{where}: unknown fields {sorted(unknown)}, missing {sorted(missing)}")


def _unit(raw: dict[str, Any], statistic: str, denominator: str, where: str) -> Unit:
    """The entry's unit, refused unless its statistic, multiplier and denominator fit it."""
    unit = UNITS.get(raw["unit"])
    if unit is None:
        raise RegistryError(f"{where}: unit must be one of {sorted(UNITS)}")
    if (statistic, raw["multiplier"]) != (unit.statistic, unit.multiplier):
        raise RegistryError(
            f"{where}: {unit.name!r} is a {unit.statistic} with multiplier {unit.multiplier}"
        )
    if (denominator == PERSON_YEARS) != (statistic == "rate"):
        raise RegistryError(f"{where}: rates, and only rates, divide by {PERSON_YEARS}")
    if unit.denominator is not None and denominator != unit.denominator:
        raise RegistryError(f"{where}: {unit.name!r} divides by {unit.denominator}")
    return unit


def indicator_from_mapping(raw: dict[str, Any], domain: str) -> Indicator:
    where = f"indicator {raw.get('id', '?')!r}"
    raw, translations = split_translations(raw)
    _check_fields(raw, FIELDS, where, OPTIONAL_FIELDS)
    _check_translated(translations, TRANSLATED_FIELDS, where)
    statistic = _text(raw, "statistic", where)
    if statistic not in STATISTICS:
        raise RegistryError(f"{where}: statistic must be one of {STATISTICS}")
    denominator = _text(raw, "denominator", where)
    unit = _unit(raw, statistic, denominator, where)
    polarity = _text(raw, "polarity", where)
    if polarity not in POLARITIES:
        raise RegistryError(f"{where}: polarity must be one of {POLARITIES}")
    breakdown = _text(raw, "breakdown", where) if "breakdown" in raw else None
    if breakdown is not None and (polarity != NO_JUDGEMENT or statistic != "proportion"):
        raise RegistryError(f"{where}: a share of a breakdown is a proportion of no judgement")
    sources = raw["source"]
    if not isinstance(sources, list) or not sources:
        raise RegistryError(f"{where}: 'source' must be a non-empty list of references")
    return Indicator(
        id=_text(raw, "id", where),
        title=_text(raw, "title", where),
        definition=_text(raw, "definition", where),
        numerator=_text(raw, "numerator", where),
        denominator=denominator,
        unit=unit.name,
        multiplier=unit.multiplier,
        statistic=statistic,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        rationale=_text(raw, "rationale", where),
        source=tuple(_text({"source": s}, "source", where) for s in sources),
        domain=domain,
        breakdown=breakdown,
        translations=translations,
    )


def domain_from_mapping(raw: dict[str, Any]) -> Domain:
    where = f"domain {raw.get('id', '?')!r}"
    raw, translations = split_translations(raw)
    _check_fields(raw, DOMAIN_FIELDS, where)
    _check_translated(translations, DOMAIN_TEXTS, where)
    members = raw["indicators"]
    if not isinstance(members, list) or not members:
        raise RegistryError(f"{where}: 'indicators' must be a non-empty list of indicator ids")
    return Domain(
        id=_text(raw, "id", where),
        title=_text(raw, "title", where),
        description=_text(raw, "description", where),
        indicators=tuple(_text({"id": m}, "id", where) for m in members),
        translations=translations,
    )


def _domain_of(domains: tuple[Domain, ...], ids: list[str]) -> dict[str, str]:
    """indicator id -> domain id; every indicator in exactly one domain, no unknown member."""
    if len({d.id for d in domains}) != len(domains):
        raise RegistryError(f"domain ids must be unique: {[d.id for d in domains]}")
    domain_of: dict[str, str] = {}
    for domain in domains:
        for member in domain.indicators:
            if member not in ids:
                raise RegistryError(f"domain {domain.id!r} names no indicator {member!r}")
            if member in domain_of:
                raise RegistryError(
                    f"indicator {member!r} is in two domains: {domain_of[member]!r}, {domain.id!r}"
                )
            domain_of[member] = domain.id
    outside = [i for i in ids if i not in domain_of]
    if outside:
        raise RegistryError(f"indicators in no domain: {outside}")
    return domain_of


def _check_breakdowns(registry: Registry) -> None:
    for breakdown, shares in registry.by_breakdown().items():
        totals = {share.denominator for share in shares}
        if len(totals) != 1:
            raise RegistryError(f"the shares of {breakdown!r} divide by one total, not {totals}")


def registry_from_mapping(raw: dict[str, Any]) -> Registry:
    """A registry from {"indicators": [entries], "domains": [domains]} (one mapping)."""
    entries = raw["indicators"]
    ids = [entry.get("id") for entry in entries]
    if len(set(ids)) != len(ids):
        raise RegistryError(f"indicator ids must be unique: {ids}")
    domains = tuple(domain_from_mapping(d) for d in raw.get("domains") or ())
    if not domains:
        raise RegistryError("the registry needs its domains")
    domain_of = _domain_of(domains, [i for i in ids if isinstance(i, str)])
    indicators = tuple(
        indicator_from_mapping(entry, domain_of.get(entry.get("id"), "")) for entry in entries
    )
    registry = Registry(indicators, domains)
    _check_breakdowns(registry)
    return registry


def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return load_yaml(fh)


def read_registry_mapping(path: Path = REGISTRY_PATH) -> dict[str, Any]:
    """The registry files as one mapping: the main file's indicators, then those of each of
    its ``files`` in order, and the domains of its ``domains`` file (paths beside it)."""
    main = _read(path)
    entries = list(main["indicators"])
    for name in main.get("files") or ():
        entries.extend(_read(path.with_name(name))["indicators"])
    domains = _read(path.with_name(main["domains"]))["domains"] if "domains" in main else []
    return {"indicators": entries, "domains": domains}


@cache
def load_registry(path: Path = REGISTRY_PATH) -> Registry:
    return registry_from_mapping(read_registry_mapping(path))
