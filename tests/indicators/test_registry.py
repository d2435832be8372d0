"""The indicator registry is complete, equals the spec's table, and uses only contract elements."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from data_contracts.contract import load_contract
from indicators.registry import (
    PERSON_YEARS,
    REGISTRY_PATH,
    Indicator,
    RegistryError,
    load_registry,
    registry_from_mapping,
)


def _spec_path() -> Path:
    """shared/spec/indicators.md beside the repository (/work/shared for /work/main)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "spec" / "indicators.md"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("no shared/spec/indicators.md above " + str(Path(__file__)))


def spec_table() -> list[dict[str, str]]:
    """The rows of the markdown table of §1, as {column: text} with code marks removed."""
    lines = _spec_path().read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| id |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


SPEC = spec_table()
REGISTRY = load_registry()


def _in_spec_words(indicator: Indicator) -> dict[str, str]:
    """The registry entry written as the spec's table writes it."""
    return {
        "id": indicator.id,
        "title": indicator.title,
        "numerator": indicator.numerator,
        "denominator": "person-years"
        if indicator.denominator == PERSON_YEARS
        else indicator.denominator,
        "unit": indicator.unit,
        "polarity": indicator.polarity.replace("_", " "),
    }


def test_the_spec_table_is_read() -> None:
    assert len(SPEC) == len(REGISTRY) > 0, "every row of the spec's table, and no other"
    assert SPEC[0]["id"] == "ost_coverage"


def test_registry_equals_the_spec_table_in_order() -> None:
    assert [_in_spec_words(i) for i in REGISTRY] == SPEC


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_every_field_is_filled(indicator: Indicator) -> None:
    for field in fields(Indicator):
        value = getattr(indicator, field.name)
        assert value, f"{indicator.id}: {field.name} is empty"
        if isinstance(value, tuple):
            assert all(isinstance(s, str) and s.strip() for s in value)
    assert len(indicator.rationale) > 200, "a rationale says why, in a few sentences"
    assert len(indicator.definition) > 60


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_sources_are_named_without_invented_links(indicator: Indicator) -> None:
    for source in indicator.source:
        assert not re.search(r"https?://|www\.", source)
        assert re.search(r"\((19|20)\d\d\)|EMCDDA\.|England\)", source), source


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_numerator_and_denominator_exist_in_the_contract(indicator: Indicator) -> None:
    codes = set(load_contract().element_codes)
    assert indicator.numerator in codes
    assert indicator.denominator in codes or indicator.denominator == PERSON_YEARS
    assert set(indicator.data_elements) <= codes


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_unit_multiplier_and_statistic_agree(indicator: Indicator) -> None:
    expected = {"%": (100, "proportion"), "per 1,000 person-years": (1000, "rate")}
    assert (indicator.multiplier, indicator.statistic) == expected[indicator.unit]
    assert indicator.is_rate == (indicator.denominator == PERSON_YEARS)


def test_loader_is_cached_and_frozen() -> None:
    assert load_registry() is REGISTRY
    with pytest.raises(AttributeError):
        REGISTRY["ost_coverage"].title = "changed"  # type: ignore[misc]


def test_lookup_and_selection_keep_registry_order() -> None:
    assert REGISTRY["hcv_treatment_uptake"].denominator == "hcv_rna_positive"
    chosen = REGISTRY.select(["ost_continuity", "ost_coverage"])
    assert [i.id for i in chosen] == ["ost_coverage", "ost_continuity"]
    assert REGISTRY.select(None) == REGISTRY.indicators
    with pytest.raises(KeyError, match="no indicator 'nope'"):
        REGISTRY.select(["nope"])


def test_data_elements_are_those_the_indicators_read() -> None:
    elements = REGISTRY.data_elements
    assert "population_average" in elements
    assert "releases" not in elements  # no indicator divides by releases
    assert len(elements) == len(set(elements))


def _raw_entries() -> list[dict]:
    return yaml.safe_load(REGISTRY_PATH.read_text(encoding="utf-8"))["indicators"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"multiplier": 1000}, "multiplier"),
        ({"unit": "per 1,000 person-years"}, "multiplier"),
        ({"denominator": "person_years"}, "only rates"),
        ({"polarity": "up"}, "polarity"),
        ({"statistic": "ratio"}, "statistic"),
        ({"title": "  "}, "title"),
        ({"source": []}, "source"),
        ({"colour": "red"}, "unknown fields"),
    ],
)
def test_an_inconsistent_entry_is_refused(change: dict, message: str) -> None:
    entries = _raw_entries()
    entries[0] = {**entries[0], **change}
    with pytest.raises(RegistryError, match=message):
        registry_from_mapping({"indicators": entries})


def test_duplicate_ids_are_refused() -> None:
    entries = _raw_entries()
    with pytest.raises(RegistryError, match="unique"):
        registry_from_mapping({"indicators": [entries[0], entries[0]]})
