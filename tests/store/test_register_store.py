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
