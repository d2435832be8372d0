"""The v2 sample data: who reports which module, and returns whose module rows follow the core
rows and add up (pairs, breakdowns), with believable magnitudes."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from data_contracts.contract import load_contract
from data_contracts.register import read_register
from indicators.aggregates import MIN_PEER_PRISONS
from sample_data import DEMO_DIRECTOR_PRISON, REGISTER_FILE, SUBMISSIONS_DIR
from sample_data.elements import BREAKDOWNS, CORE_ELEMENTS, PAIRS, elements_of

CONTRACT = load_contract()
PRISONS = {p.code: p for p in read_register(REGISTER_FILE)[0]}
FILES = sorted(p for p in SUBMISSIONS_DIR.iterdir() if p.is_file())


def rows_of(path: Path) -> list[dict[str, str]]:
    """The data rows of a sample submission, as text, in file order."""
    if path.suffix == ".xlsx":
        frame = pl.read_excel(path, sheet_name=CONTRACT.file["excel_sheet"], infer_schema_length=0)
        return [{k: v or "" for k, v in row.items()} for row in frame.iter_rows(named=True)]
    text = path.read_bytes().decode("utf-8-sig")
    delimiter = next(d for d in CONTRACT.file["csv_delimiters"] if d in text.splitlines()[0])
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def figures(rows: list[dict[str, str]]) -> dict[str, float | None]:
    return {
        r["data_element"]: float(r["value"].replace(",", ".")) if r["value"] else None for r in rows
    }


def test_every_module_has_reporters_and_some_prisons_report_core_only() -> None:
    reporting = Counter(m for p in PRISONS.values() for m in p.modules)
    assert set(reporting) == set(CONTRACT.optional_module_ids)
    assert any(not p.modules for p in PRISONS.values())
    # the demo director's prison sends the core return the invalid files are made from
    assert PRISONS[DEMO_DIRECTOR_PRISON].modules == ()
    most = sorted(reporting.values())[-1]
    assert most > len(PRISONS) / 2 > min(reporting.values())


def test_peer_groups_with_and_without_enough_prisons_for_a_benchmark() -> None:
    explicit = {p.peer_group for p in PRISONS.values() if p.peer_group}
    assert explicit and any(not p.peer_group for p in PRISONS.values())
    sizes = Counter(p.peer for p in PRISONS.values() if p.peer_group)
    assert max(sizes.values()) >= MIN_PEER_PRISONS > min(sizes.values())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_module_rows_follow_the_core_rows_and_add_up(path: Path) -> None:
    rows = rows_of(path)
    (code,) = {r["prison_code"] for r in rows}
    prison = PRISONS[code]
    expected = CORE_ELEMENTS + elements_of(*prison.modules)
    assert [r["data_element"] for r in rows] == expected
    values = figures(rows)
    for first, second in PAIRS:
        a, b = values.get(first), values.get(second)
        assert a is None or b is None or a <= b, (first, a, second, b)
    for breakdown in BREAKDOWNS:
        if not set(breakdown.parts) <= set(values):
            continue
        parts = sum(values[p] for p in breakdown.parts)
        total = values[breakdown.total]
        assert parts == total if breakdown.kind == "partition" else parts >= total, breakdown
    if "drug_problem_in_custody" in values:
        assert values["drug_problem_in_custody"] > values["oud_identified"]


# The ranges the literature gives (sources: the comment block of sample_data/model_v2.py), as
# (numerator, denominator): (low, high) of the share pooled over every sample prison-quarter.
LITERATURE_SHARES = {
    ("drug_screening_reception", "receptions"): (0.60, 1.0),
    ("drug_problem_reception", "drug_screening_reception"): (0.30, 0.60),
    ("ost_methadone", "ost_received"): (0.50, 0.90),
    ("ost_buprenorphine", "ost_received"): (0.10, 0.50),
    ("ost_other_agonist", "ost_received"): (0.0, 0.10),
    ("psychosocial_received", "drug_problem_in_custody"): (0.10, 0.40),
    ("hiv_tested_reception", "receptions"): (0.40, 0.95),
    ("hiv_positive_reception", "hiv_tested_reception"): (0.005, 0.05),
    ("hiv_on_art", "hiv_in_custody"): (0.80, 0.98),
    ("hcv_rna_tested", "hcv_antibody_positive"): (0.60, 0.95),
    ("nsp_received", "pwid_identified"): (0.0, 0.30),
}
BUP_REGIONAL_SPREAD = 0.10  # buprenorphine's share differs between regions by at least this


def all_figures() -> list[tuple[str, dict[str, float | None]]]:
    return [(PRISONS[r[0]["prison_code"]].region, figures(r)) for r in map(rows_of, FILES)]


def pooled(quarters, numerator: str, denominator: str) -> float:
    both = [f for f in quarters if f.get(numerator) is not None and f.get(denominator)]
    return sum(f[numerator] for f in both) / sum(f[denominator] for f in both)


def test_magnitudes_are_those_of_the_literature() -> None:
    quarters = all_figures()
    every = [f for _, f in quarters]
    for (numerator, denominator), (low, high) in LITERATURE_SHARES.items():
        assert low <= pooled(every, numerator, denominator) <= high, numerator
    by_region = {
        region: pooled([f for r, f in quarters if r == region], "ost_buprenorphine", "ost_received")
        for region in {r for r, f in quarters if "ost_buprenorphine" in f}
    }
    assert max(by_region.values()) - min(by_region.values()) >= BUP_REGIONAL_SPREAD, by_region
    deaths = Counter(f["drug_deaths_28d_release"] for f in every if "drug_deaths_28d_release" in f)
    assert deaths[0] > sum(deaths.values()) / 2, "deaths after release are rare: mostly none"
    assert set(deaths) - {0}, "but they happen"
