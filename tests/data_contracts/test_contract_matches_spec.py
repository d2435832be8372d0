"""The YAML contract and the published spec (shared/spec/submission-format.md) agree."""

from __future__ import annotations

import fnmatch
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


def spec_kind(cell: str) -> str:
    return "number" if cell == "number > 0" else "count"


def spec_elements() -> list[tuple[str, str, str, str]]:
    """(module, code, kind, definition) of §3.1 (module `core`) and §3.2, in the spec's order."""
    heading = "### 3.1 Module `core`"
    core = code(re.search(r"`([^`]+)`", heading).group(0))
    rows = [(core, code(c), spec_kind(k), d) for c, k, d in table_after(heading)]
    rows += [(code(m), code(c), spec_kind(k), d) for m, c, k, d in table_after("### 3.2 Modules")]
    return rows


def test_data_elements_match_the_spec() -> None:
    spec = spec_elements()
    contract = load_contract()
    assert len({s[0] for s in spec}) > 1, "both of the spec's tables were read"
    assert [(e.module, e.code, e.kind, e.definition) for e in contract.data_elements] == spec
    assert contract.base_module == spec[0][0]


def test_modules_match_the_spec() -> None:
    # the table's `what` of the base module ends with a note on the table below it
    spec = [
        (code(m), re.sub(r" \([^)]*\)$", "", what), why)
        for m, what, why in table_after("## 3. Data elements")
    ]
    contract = load_contract()
    assert [(m.id, m.what, m.why) for m in contract.modules] == spec
    assert [e.module for e in contract.data_elements] == [s[0] for s in spec_elements()]
    assert {e.module for e in contract.data_elements} == set(contract.module_ids)


def test_breakdowns_match_the_spec() -> None:
    spec = []
    for name, kind, total, parts in table_after("### 3.3 Breakdowns"):
        short, meaning = (part.strip() for part in kind.split(":", 1))
        spec.append((code(name), short, meaning, code(total), tuple(map(code, parts.split(", ")))))
    contract = load_contract()
    assert len(spec) == len(contract.breakdowns) > 0
    assert [(b.id, b.kind, b.meaning, b.total, b.parts) for b in contract.breakdowns] == spec


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


def spec_pairs() -> list[tuple[str, str]]:
    """§4's pairs, "each" written out: one pair per code of the first cell, a `*` standing for
    every element it matches but the one it must not exceed (an element named twice is one
    pair)."""
    text = spec_text()
    section = text[text.index("Pairs checked by") :]
    codes = [s[1] for s in spec_elements()]
    pairs = []
    for line in section.splitlines()[1:]:
        if pairs and not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[1].startswith("`"):
            continue
        second = code(cells[1])
        for pattern in re.findall(r"`([a-z0-9_*]+)`", cells[0]):
            matched = fnmatch.filter(codes, pattern)
            assert matched, pattern
            pairs += [(first, second) for first in matched if first != second]
    return list(dict.fromkeys(pairs))


def test_pairs_match_the_spec() -> None:
    spec = spec_pairs()
    assert any(first.endswith("_methadone") for first, _ in spec), "the 'each' rows expanded"
    assert list(load_contract().pairs) == spec


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
