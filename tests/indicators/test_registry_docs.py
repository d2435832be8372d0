"""docs/indicators.md is the registry's own words, regenerated, never edited by hand."""

from __future__ import annotations

from data_contracts.contract import load_contract
from indicators.registry import load_registry
from indicators.registry_docs import DOCS_PAGE, main, registry_markdown


def test_the_docs_page_is_up_to_date() -> None:
    assert main(["--check"]) == 0, "docs/indicators.md is stale: run `make docs`"


def test_every_indicator_module_and_domain_is_on_the_page_verbatim() -> None:
    registry, contract = load_registry(), load_contract()
    text = registry_markdown(registry, contract)
    assert text == DOCS_PAGE.read_text("utf-8")
    for ind in registry:
        assert f"(`{ind.id}`, {ind.unit})" in text and ind.definition in text
        assert all(source in text for source in ind.source)
    for domain in registry.domains:
        assert f"## {domain.title}\n" in text and domain.description in text
    for module in contract.modules:
        assert f"| `{module.id}` | {module.what} |" in text
