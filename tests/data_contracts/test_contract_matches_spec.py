"""The YAML contract and the published spec (shared/spec/submission-format.md) agree."""

from __future__ import annotations

import re

import pytest

from data_contracts.contract import load_contract

SPEC = None


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
    spec = [(code(r[0]), r[1], r[2]) for r in table_after("## 3. Data elements")]
    contract = load_contract()
    assert len(spec) == 18
    assert [e.code for e in contract.data_elements] == [s[0] for s in spec]
    for element, (_, kind, definition) in zip(contract.data_elements, spec, strict=True):
        assert element.definition == definition
        assert element.kind == ("number" if kind == "number > 0" else "count"), element.code


def test_pairs_match_the_spec() -> None:
    text = spec_text()
    section = text[text.index("Pairs checked by") :]
    spec = []
    for line in section.splitlines():
        cells = re.findall(r"`([a-z0-9_]+)`", line)
        if line.startswith("|") and len(cells) == 2:
            spec.append(tuple(cells))
    assert list(load_contract().pairs) == spec
    assert len(spec) == 11


def test_rules_match_the_spec() -> None:
    spec = [(code(r[0]), r[1], r[2]) for r in table_after("## 4. Rules")]
    contract = load_contract()
    assert [(r.id, r.severity) for r in contract.rules] == [(s[0], s[1]) for s in spec]
    for rule, (_, _, when) in zip(contract.rules, spec, strict=True):
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
