"""Literal test data shared by the tests: a small register and a valid prison-quarter."""

from __future__ import annotations

from pathlib import Path

from data_contracts.contract import load_contract
from data_contracts.register import Prison

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

PRISONS = [
    Prison("BE-HAS", "Hasselt", "Flanders", "mixed"),
    Prison("BE-ANT", "Antwerp", "Flanders", "remand", closed="2024-Q4"),
    Prison("BE-NEW", "Newtown", "Wallonia", "sentenced", opened="2025-Q2"),
]


def register_csv(prisons: list[Prison] = PRISONS) -> str:
    lines = ["prison_code,name,region,prison_type,opened,closed"]
    lines += [
        ",".join([p.code, p.name, p.region, p.prison_type or "", p.opened or "", p.closed or ""])
        for p in prisons
    ]
    return "\n".join(lines) + "\n"


# The validation report's keys (submission-format.md §6), in the spec's order.
REPORT_KEYS = ["file", "accepted", "rows", "prisons", "periods", "errors", "warnings"]
ISSUE_KEYS = [
    "rule",
    "severity",
    "row",
    "column",
    "prison_code",
    "period",
    "data_element",
    "message",
]


# A complete, valid prison-quarter of a prison reporting the base module only (core, as
# every prison of PRISONS): every pair holds, every count whole.
GOOD_VALUES = {
    "population_average": "412.5",
    "receptions": "300",
    "releases": "280",
    "oud_identified": "90",
    "ost_received": "60",
    "treatment_need_identified": "120",
    "treatment_started": "80",
    "overdose_nonfatal": "2",
    "overdose_deaths": "0",
    "hcv_tested_reception": "210",
    "hcv_antibody_positive": "30",
    "hcv_rna_positive": "18",
    "hcv_treatment_started": "10",
    "released_in_treatment": "70",
    "community_engaged_21d": "30",
    "naloxone_issued_release": "40",
    "released_on_ost": "35",
    "ost_continued_7d": "25",
}
assert list(GOOD_VALUES) == load_contract().codes_of(load_contract().base_module)


def good_rows(prison: str = "BE-HAS", period: str = "2025-Q3", **override: str) -> list[list[str]]:
    values = {**GOOD_VALUES, **override}
    return [[prison, period, code, value, ""] for code, value in values.items()]


def csv_text(rows: list[list[str]], delimiter: str = ",", header: str | None = None) -> str:
    head = header or delimiter.join(["prison_code", "period", "data_element", "value", "note"])
    return "\n".join([head, *(delimiter.join(r) for r in rows)]) + "\n"
