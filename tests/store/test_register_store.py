"""The register's modules and peer group survive the store, and a v1 re-import changes nothing."""

from __future__ import annotations

from data_contracts.contract import load_contract
from data_contracts.register import Prison
from store.prisons import import_prisons, list_prisons, prison_dict

CONTRACT = load_contract()


def test_modules_and_peer_group_round_trip(engine) -> None:
    modules = tuple(CONTRACT.optional_module_ids[:2])
    prison = Prison("BE-PIL", "Pilot", "Flanders", "remand", modules=modules, peer_group="pilot")
    result = import_prisons(engine, [prison], "test")
    assert result.added == ["BE-PIL"]
    stored = next(p for p in list_prisons(engine) if p.code == "BE-PIL")
    assert stored == prison
    assert prison_dict(stored)["modules"] == ";".join(modules)
    assert import_prisons(engine, [prison], "test").unchanged == ["BE-PIL"]
    core_only = Prison("BE-PIL", "Pilot", "Flanders", "remand")
    assert import_prisons(engine, [core_only], "test").updated == ["BE-PIL"]
    assert next(p for p in list_prisons(engine) if p.code == "BE-PIL").modules == ()


def test_prisons_of_a_v1_register_come_back_unchanged(engine) -> None:
    before = list_prisons(engine)
    assert before and all(p.modules == () and p.peer_group is None for p in before)
    assert import_prisons(engine, before, "test").unchanged == [p.code for p in before]


def test_the_preview_says_what_an_import_would_change_and_writes_nothing(engine) -> None:
    from dataclasses import replace
    from datetime import date

    from store.prisons import EFFECTIVE_FROM_AHEAD, effective_from_choices, preview_import

    before = list_prisons(engine)
    first, second, *rest = before
    moved = replace(first, region=first.region + " West")
    closed = replace(second, closed="2026-Q2")
    new = Prison("BE-ADD", "Added", "Flanders", "remand", opened="2026-Q1")
    preview = preview_import(engine, [moved, closed, new, *rest])
    assert list_prisons(engine) == before  # nothing written
    assert preview.added == ["BE-ADD"] and preview.closed == [second.code]
    assert preview.changed == {
        first.code: {"region": (first.region, first.region + " West")},
        second.code: {"closed": (second.closed, "2026-Q2")},
    }
    assert preview.unchanged == [p.code for p in rest]
    assert preview.summary() == f"1 added, 2 changed (1 of them closed), {len(rest)} unchanged."
    assert [(r["prison_code"], r["change"], r["field"]) for r in preview.rows()] == [
        ("BE-ADD", "added", None),
        (first.code, "changed", "region"),
        (second.code, "closed", "closed"),
    ]
    assert not preview_import(engine, before).changes_anything
    choices = effective_from_choices(date(2026, 12, 3))
    assert choices[0] == "2027-Q4" and choices[EFFECTIVE_FROM_AHEAD] == "2026-Q4"
    assert choices == sorted(choices, reverse=True)
