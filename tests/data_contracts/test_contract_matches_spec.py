"""The YAML contract and the published spec (shared/spec/submission-format.md) agree."""

from __future__ import annotations

import re

import pytest

from data_contracts.contract import load_contract

SPEC = None
# Words of the v2 spec's rules that belong to modules and breakdowns (issue 12).
V2_MODULE_WORDS = ("module", "breakdown", "partition")
# Rules of v1 whose wording v2 changed to speak of modules (issue 12 rewrites them).
V2_RULES_REWORDED = {"completeness.missing_elements"}


def spec_text() -> str:
    from submission_files import SHARED

    path = SHARED / "spec" / "submission-format.md"
    if not path.exists():
        pytest.fail(f"the spec is not at {path}; shared/ must sit beside the project")
    return path.read_text(encoding="utf-8")


def table_after(heading: str) -> list[list[str]]:
    """The first markdown table after a heading line, as rows of cells (header excluded)."""
    text = spec_text()
    start = text.index(heading)
    rows = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(cells)
        elif rows:
            break
    return [r for r in rows[1:] if not set("".join(r)) <= set("-: ")]


def code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"expected a `code` cell, got {cell!r}"
    return match.group(1)


def test_data_elements_match_the_spec() -> None:
    # v1's elements are module `core` (§3.1); the modules added in v2 are issue 12's
    spec = [(code(r[0]), r[1], r[2]) for r in table_after("### 3.1 Module `core`")]
    contract = load_contract()
    assert len(spec) == len(contract.data_elements) > 0, "the spec's table was read whole"
    assert [e.code for e in contract.data_elements] == [s[0] for s in spec]
    for element, (_, kind, definition) in zip(contract.data_elements, spec, strict=True):
        assert element.definition == definition
        assert element.kind == ("number" if kind == "number > 0" else "count"), element.code


def test_every_element_has_a_short_plain_title() -> None:
    for element in load_contract().data_elements:
        assert element.title, element.code
        assert len(element.title) <= 60 and "_" not in element.title, element.code


def test_helper_columns_match_the_spec() -> None:
    text = spec_text()
    sentence = re.search(r"helper columns ((?:`[a-z_]+`[, and]*)+) are known", text)
    assert sentence, "the spec's sentence on the template's helper columns"
    spec = re.findall(r"`([a-z_]+)`", sentence.group(1))
    assert load_contract().helper_names == spec


def test_pairs_match_the_spec() -> None:
    text = spec_text()
    section = text[text.index("Pairs checked by") :]
    spec = []
    for line in section.splitlines():
        cells = re.findall(r"`([a-z0-9_]+)`", line)
        if line.startswith("|") and len(cells) == 2:
            spec.append(tuple(cells))
    core = {code(r[0]) for r in table_after("### 3.1 Module `core`")}
    # pairs of the elements added in v2 come with those elements (issue 12)
    assert list(load_contract().pairs) == [p for p in spec if set(p) <= core]
    assert len(load_contract().pairs) == 11


def test_rules_match_the_spec() -> None:
    # v2's modules and breakdowns (issue 12) are not in the contract yet: the rules about
    # them, and the wording of a rule that now speaks of modules, come with them
    spec = [
        (code(r[0]), r[1], r[2])
        for r in table_after("## 4. Rules")
        if not any(word in r[2] for word in V2_MODULE_WORDS)
    ]
    contract = load_contract()
    rules = [r for r in contract.rules if r.id in {s[0] for s in spec}]
    assert [(r.id, r.severity) for r in rules] == [(s[0], s[1]) for s in spec]
    assert {r.id for r in contract.rules} - {s[0] for s in spec} <= V2_RULES_REWORDED
    for rule, (_, _, when) in zip(rules, spec, strict=True):
        assert rule.when.replace("`", "") == when.replace("`", ""), rule.id


def test_columns_match_the_spec() -> None:
    spec = [(code(r[0]), r[1]) for r in table_after("## 2. Columns")]
    contract = load_contract()
    assert [(c.name, c.required) for c in contract.columns] == [
        (name, required.startswith("yes")) for name, required in spec
    ]


def test_limits_match_the_spec() -> None:
    text = spec_text()
    contract = load_contract()
    assert "at most 10 MiB and 100,000 data rows" in text
    assert contract.file["max_bytes"] == 10 * 2**20
    assert contract.file["max_rows"] == 100_000
    assert "free text up to 1,000 characters" in text
    assert contract.limits["note_max_chars"] == 1000
    assert "robust z-score above 3.5 against its last 8 stored quarters, when at least 4" in text
    assert (contract.limits["outlier_robust_z"], contract.limits["outlier_history_quarters"]) == (
        3.5,
        8,
    )
    assert contract.limits["outlier_min_history"] == 4


def test_every_row_rule_message_names_a_fix() -> None:
    """Each message tells the sender what to change, not only what is wrong."""
    fixes = (
        "Add",
        "Write",
        "Use",
        "Correct",
        "Remove",
        "Send",
        "Split",
        "Shorten",
        "Keep",
        "Check",
        "save",
        "send",
        "Fill",
        "List",
        "ask",
        "Delete",
        "delete",
    )
    for rule in load_contract().rules:
        texts = [rule.message] + [e.message for e in rule.expectations if e.message]
        for text in texts:
            if text == "{detail}":
                continue
            assert any(word in text for word in fixes), (rule.id, text)
