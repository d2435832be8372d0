"""The indicator registry is complete, equals the spec's tables, and uses only contract elements."""

from __future__ import annotations

import copy
import re
from dataclasses import fields
from pathlib import Path

import pytest

from data_contracts.contract import load_contract
from indicators.registry import (
    NO_JUDGEMENT,
    PERSON_YEARS,
    UNITS,
    Indicator,
    RegistryError,
    load_registry,
    read_registry_mapping,
    registry_from_mapping,
)


def _spec_path(name: str) -> Path:
    """shared/spec/<name> beside the repository (/work/shared for /work/main)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "spec" / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no shared/spec/{name} above {Path(__file__)}")


def spec_tables(name: str, header_start: str) -> list[dict[str, str]]:
    """The rows of every markdown table whose header starts so, as {column: text}, in order,
    with code marks removed."""
    lines = _spec_path(name).read_text(encoding="utf-8").splitlines()
    rows = []
    for start, line in enumerate(lines):
        if not line.startswith(header_start):
            continue
        header = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for body in lines[start + 2 :]:
            if not body.startswith("|"):
                break
            cells = [cell.strip().strip("`") for cell in body.strip().strip("|").split("|")]
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def spec_domains() -> list[str]:
    """The domain ids of indicators.md §1's "Domains" paragraph, in its order."""
    text = _spec_path("indicators.md").read_text(encoding="utf-8")
    paragraph = text.split("**Domains.**", 1)[1].split("\n- ", 1)[0]
    return re.findall(r"`(\w+)` \(", paragraph)


SPEC = spec_tables("indicators.md", "| id |")  # §1 and §1.1
# submission-format.md §3.1 (core) and §3.2 (v2 modules): every data element.
CORE_ELEMENTS = {row["code"] for row in spec_tables("submission-format.md", "| code |")}
V2_ELEMENTS = {row["code"] for row in spec_tables("submission-format.md", "| module | code |")}
BREAKDOWNS = spec_tables("submission-format.md", "| breakdown |")  # §3.3
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


def test_the_spec_tables_are_read() -> None:
    assert len(SPEC) == len(REGISTRY) > 0, "every row of the spec's two tables, and no other"
    assert SPEC[0]["id"] == "ost_coverage"
    assert CORE_ELEMENTS and V2_ELEMENTS and not CORE_ELEMENTS & V2_ELEMENTS
    assert len(BREAKDOWNS) > 1 and spec_domains()


def test_registry_equals_the_spec_tables_in_order() -> None:
    assert [_in_spec_words(i) for i in REGISTRY] == SPEC


def test_domains_are_the_spec_domains_in_order_and_hold_every_indicator_once() -> None:
    assert [d.id for d in REGISTRY.domains] == spec_domains()
    grouped = REGISTRY.by_domain()
    members = [i.id for indicators in grouped.values() for i in indicators]
    assert list(REGISTRY.ids_by_domain) == members
    assert sorted(members) == sorted(REGISTRY.ids)
    for domain, indicators in grouped.items():
        assert domain.title and len(domain.description) > 40
        assert all(i.domain == domain.id for i in indicators)
        assert tuple(i.id for i in indicators) == domain.indicators


def test_domain_paragraph_places_named_indicators() -> None:
    # The spec names some members: screening under needs, deaths after release under
    # through-care, naloxone and NSP under harm, HCV and HIV under infections.
    assert REGISTRY["drug_screening_coverage"].domain == "needs"
    assert REGISTRY["post_release_drug_deaths"].domain == "through_care"
    assert {REGISTRY[i].domain for i in ("naloxone_at_release", "nsp_coverage")} == {"harm"}
    infections = [i for i in REGISTRY if re.match(r"(hcv|hiv)_", i.id)]
    assert infections and {i.domain for i in infections} == {"infections"}


def test_shares_are_the_parts_of_the_spec_breakdowns() -> None:
    grouped = REGISTRY.by_breakdown()
    assert set(grouped) == {row["breakdown"] for row in BREAKDOWNS}
    for row in BREAKDOWNS:
        shares = grouped[row["breakdown"]]
        parts = [p.strip().strip("`") for p in row["parts"].split(",")]
        assert [s.numerator for s in shares] == parts
        assert {s.denominator for s in shares} == {row["total"]}
        assert {s.polarity for s in shares} == {NO_JUDGEMENT}
    named_shares = {i.id for i in REGISTRY if i.id.endswith("_share")}
    assert named_shares == {s.id for shares in grouped.values() for s in shares}


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_every_field_is_filled(indicator: Indicator) -> None:
    for field in fields(Indicator):
        if field.name == "breakdown":
            continue  # only shares have one
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
    assert codes >= CORE_ELEMENTS, "the contract has every core element of §3.1"
    assert indicator.denominator in CORE_ELEMENTS | V2_ELEMENTS or (
        indicator.denominator == PERSON_YEARS
    )
    assert set(indicator.data_elements) <= CORE_ELEMENTS | V2_ELEMENTS
    # The v2 elements of §3.2 are being added to the contract YAML: until it has any of
    # them, the spec's table above stands in; from then on the contract itself is checked.
    if V2_ELEMENTS & codes or set(indicator.data_elements) <= CORE_ELEMENTS:
        assert set(indicator.data_elements) <= codes


@pytest.mark.parametrize("indicator", REGISTRY, ids=lambda i: i.id)
def test_unit_multiplier_and_statistic_agree(indicator: Indicator) -> None:
    expected = {
        "%": (100, "proportion"),
        "per 1,000 person-years": (1000, "rate"),
        "per 1,000 releases": (1000, "proportion"),
    }
    assert (indicator.multiplier, indicator.statistic) == expected[indicator.unit]
    assert indicator.is_rate == (indicator.denominator == PERSON_YEARS)
    assert UNITS[indicator.unit].denominator in (None, indicator.denominator)


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
    assert REGISTRY.domain("harm").title
    with pytest.raises(KeyError, match="no domain"):
        REGISTRY.domain("nope")


def test_data_elements_are_those_the_indicators_read() -> None:
    elements = REGISTRY.data_elements
    assert "population_average" in elements
    assert "releases" in elements  # post_release_drug_deaths is per 1,000 releases
    assert len(elements) == len(set(elements))


def _raw() -> dict:
    return copy.deepcopy(read_registry_mapping())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"multiplier": 1000}, "multiplier"),
        ({"unit": "per 1,000 person-years"}, "multiplier"),
        ({"unit": "per 1,000 releases", "multiplier": 1000}, "divides by releases"),
        ({"unit": "per mille"}, "unit must be"),
        ({"denominator": "person_years"}, "only rates"),
        ({"polarity": "up"}, "polarity"),
        ({"statistic": "ratio"}, "statistic"),
        ({"title": "  "}, "title"),
        ({"source": []}, "source"),
        ({"colour": "red"}, "unknown fields"),
        ({"breakdown": "ost_medication"}, "no judgement"),
    ],
)
def test_an_inconsistent_entry_is_refused(change: dict, message: str) -> None:
    raw = _raw()
    raw["indicators"][0] = {**raw["indicators"][0], **change}
    with pytest.raises(RegistryError, match=message):
        registry_from_mapping(raw)


def test_duplicate_ids_are_refused() -> None:
    raw = _raw()
    raw["indicators"].append(raw["indicators"][0])
    with pytest.raises(RegistryError, match="unique"):
        registry_from_mapping(raw)


def test_an_indicator_in_no_domain_or_two_is_refused() -> None:
    raw = _raw()
    raw["domains"][0]["indicators"].append(raw["domains"][1]["indicators"][0])
    with pytest.raises(RegistryError, match="two domains"):
        registry_from_mapping(raw)
    raw = _raw()
    raw["domains"][0]["indicators"] = raw["domains"][0]["indicators"][1:]
    with pytest.raises(RegistryError, match="in no domain"):
        registry_from_mapping(raw)
    raw = _raw()
    raw["domains"][0]["indicators"].append("nope")
    with pytest.raises(RegistryError, match="names no indicator 'nope'"):
        registry_from_mapping(raw)


def test_shares_of_one_breakdown_with_different_totals_are_refused() -> None:
    raw = _raw()
    share = next(e for e in raw["indicators"] if e.get("breakdown") == "ost_medication")
    share["denominator"] = "oud_identified"
    with pytest.raises(RegistryError, match="one total"):
        registry_from_mapping(raw)
