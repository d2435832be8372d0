"""The register's v2 columns (submission-format §5): `modules` and `peer_group`; v1
registers still import; an unknown module refuses the register whole (`register.module`)."""

from __future__ import annotations

from pathlib import Path

from data_contracts.contract import load_contract
from data_contracts.register import read_register

CONTRACT = load_contract()
V1_HEADER = "prison_code,name,region,prison_type,opened,closed\n"
V2_HEADER = "prison_code,name,region,prison_type,opened,closed,modules,peer_group\n"


def _read(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "register.csv"
    path.write_text(text, encoding="utf-8")
    return read_register(path, CONTRACT)


def test_a_v1_register_reads_as_core_only_and_peers_by_type(tmp_path) -> None:
    prisons, issues = _read(tmp_path, V1_HEADER + "BE-A,A,Flanders,remand,,\nBE-B,B,Flanders,,,\n")
    assert issues == []
    assert [(p.modules, p.peer_group, p.peer) for p in prisons] == [
        ((), None, "remand"),
        ((), None, None),
    ]


def test_modules_are_read_in_the_contracts_order_whatever_the_case_and_spacing(tmp_path) -> None:
    optional = CONTRACT.optional_module_ids
    cell = f" {optional[-1].upper()} ;{optional[0]};; {CONTRACT.base_module};{optional[0]}"
    text = V2_HEADER + f'BE-A,A,Flanders,remand,,,"{cell}",big-remand\n'
    prisons, issues = _read(tmp_path, text)
    assert issues == []
    assert prisons[0].modules == (optional[0], optional[-1])
    assert prisons[0].peer == "big-remand"  # the peer group wins over the prison type
    assert prisons[0].reports(CONTRACT.base_module, CONTRACT.base_module)
    assert prisons[0].reports(optional[0], CONTRACT.base_module)
    assert not prisons[0].reports(optional[1], CONTRACT.base_module)


def test_an_unknown_module_refuses_the_register_whole(tmp_path) -> None:
    known = CONTRACT.optional_module_ids[0]
    text = V2_HEADER + f"BE-A,A,Flanders,,,,{known};needles,\nBE-B,B,Flanders,,,,{known},\n"
    prisons, issues = _read(tmp_path, text)
    assert prisons == []
    assert [(i.rule, i.row, i.column) for i in issues] == [("register.module", 2, "modules")]
    assert "'needles'" in issues[0].message
    assert all(m in issues[0].message for m in CONTRACT.optional_module_ids)
