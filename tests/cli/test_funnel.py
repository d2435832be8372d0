"""`prison-monitor funnel`: §7's table from a small literal database, checked independently."""

from __future__ import annotations

import csv
import io
import json
import math
from statistics import NormalDist

import polars as pl
import pytest
from scipy.optimize import brentq
from submission_files import PRISONS, register_csv

from data_contracts.countries import default_country
from indicators.funnel import TABLE_COLUMNS_7

PEERS = {p.code: p.peer for p in PRISONS}

# (prison, quarter) -> (ost_received, oud_identified). BE-ANT closed 2024-Q4, BE-NEW
# opened 2025-Q2: 2024-Q3 has two Flanders prisons, 2025-Q3 one prison in each region.
FIGURES = {
    ("BE-HAS", "2024-Q3"): (40, 100),
    ("BE-ANT", "2024-Q3"): (70, 100),
    ("BE-HAS", "2025-Q3"): (90, 100),
    ("BE-NEW", "2025-Q3"): (3, 50),
}


@pytest.fixture
def stored(initialised, write):
    from data_contracts.contract import load_contract

    contract = load_contract()
    lines = ["prison_code,period,data_element,value"]
    for (prison, period), (received, identified) in FIGURES.items():
        for code in contract.codes_of(contract.base_module):
            value = {"population_average": 400, "ost_received": received}.get(code, 0)
            value = identified if code == "oud_identified" else value
            lines.append(f"{prison},{period},{code},{value}")
    assert initialised("users", "add", "min", "--role", "ministry").code == 0
    result = initialised("ingest", write("all.csv", "\n".join(lines) + "\n"), "--user", "min")
    assert result.code == 0, result.out
    return initialised


def rows(result) -> list[dict[str, str]]:
    assert result.code == 0, result.err
    return list(csv.DictReader(io.StringIO(result.out)))


def wilson_upper(x: float, n: float, z: float) -> float:
    """indicators.md §3's formula, written out again."""
    return (2 * x + z**2 + z * math.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))


def wilson_lower(x: float, n: float, z: float) -> float:
    return (2 * x + z**2 - z * math.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))


def inverted_limits(benchmark: float, n: float, confidence: float) -> tuple[float, float]:
    """The proportions whose Wilson interval just reaches the benchmark, found by root search."""
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    low = brentq(lambda p: wilson_upper(p * n, n, z) - benchmark, 0.0, benchmark)
    high = brentq(lambda p: wilson_lower(p * n, n, z) - benchmark, benchmark, 1.0)
    return low, high


def label(value: float, limits: dict[float, tuple[float, float]]) -> str:
    if value < limits[0.998][0]:
        return "Low (0.001)"
    if value < limits[0.95][0]:
        return "Low (0.025)"
    if value > limits[0.998][1]:
        return "High (0.001)"
    if value > limits[0.95][1]:
        return "High (0.025)"
    return "Not significant"


def test_columns_and_labels_recomputed_independently(stored) -> None:
    got = rows(stored("funnel", "--indicator", "ost_coverage", "--period", "2024-Q3"))
    assert list(got[0]) == list(TABLE_COLUMNS_7)
    assert [r["prison_code"] for r in got] == ["BE-ANT", "BE-HAS"]
    benchmark = 110 / 200
    for r in got:
        x, n = FIGURES[(r["prison_code"], "2024-Q3")]
        limits = {c: inverted_limits(benchmark, n, c) for c in (0.95, 0.998)}
        assert float(r["benchmark"]) == pytest.approx(benchmark * 100)
        assert float(r["lower_95"]) == pytest.approx(limits[0.95][0] * 100, rel=1e-6)
        assert float(r["upper_998"]) == pytest.approx(limits[0.998][1] * 100, rel=1e-6)
        assert r["funnel_significance"] == label(x / n, limits)
        assert r["overdispersion"] == "none"
        assert r["peer_group"] == PEERS[r["prison_code"]]  # its prison type: no peer_group
        assert r["country"] == default_country()  # a register without countries: the default
    assert {r["funnel_significance"] for r in got} == {"High (0.025)", "Low (0.025)"}


def test_region_benchmark_compares_each_prison_with_its_own_region(stored) -> None:
    national = rows(stored("funnel", "--indicator", "ost_coverage", "--period", "2025-Q3"))
    region = rows(
        stored(
            "funnel", "--indicator", "ost_coverage", "--period", "2025-Q3", "--benchmark", "region"
        )
    )
    assert {r["benchmark"] for r in national} == {str(93 / 150 * 100)}
    # Each region has one prison here: its own value is its benchmark.
    for r in region:
        assert float(r["benchmark"]) == pytest.approx(float(r["value"]))
        assert r["funnel_significance"] == "Not significant"
    assert {r["funnel_significance"] for r in national} == {"High (0.001)", "Low (0.001)"}


def test_suppress_hides_the_small_prison(stored) -> None:
    got = rows(stored("funnel", "--indicator", "ost_coverage", "--period", "2025-Q3", "--suppress"))
    small = next(r for r in got if r["prison_code"] == "BE-NEW")
    assert small["numerator"] == small["value"] == small["funnel_significance"] == ""


def test_overdispersion_is_named_with_its_value(stored) -> None:
    args = ("funnel", "--indicator", "ost_coverage", "--period", "2024-Q3")
    got = rows(stored(*args, "--overdispersion", "multiplicative"))
    assert all(r["overdispersion"].startswith("multiplicative phi=") for r in got)
    phi = float(got[0]["overdispersion"].split("=")[1])
    assert phi >= 1
    additive = rows(stored(*args, "--overdispersion", "additive"))
    assert all(r["overdispersion"].startswith("additive tau2=") for r in additive)


def test_json_and_xlsx(stored, tmp_path) -> None:
    args = ("funnel", "--indicator", "ost_coverage", "--period", "2024-Q3")
    result = stored(*args, "--format", "json")
    assert result.code == 0
    records = json.loads(result.out)
    assert list(records[0]) == list(TABLE_COLUMNS_7)
    target = tmp_path / "funnel.xlsx"
    assert stored(*args, "--format", "xlsx", "--output", target).code == 0
    assert pl.read_excel(target).columns == list(TABLE_COLUMNS_7)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--indicator", "ost_coverag", "--period", "2024-Q3"), "did you mean 'ost_coverage'"),
        (("--indicator", "ost_coverage", "--period", "Q3-2024"), "did you mean '2024-Q3'"),
        (("--indicator", "ost_coverage", "--period", "2023-Q1"), "No prison reported both"),
    ],
)
def test_failures_are_one_sentence(stored, args, words) -> None:
    result = stored("funnel", *args)
    assert result.code == 2
    assert words in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


def test_peer_benchmark_needs_three_prisons_and_then_compares_with_the_group(stored, write) -> None:
    args = ("funnel", "--indicator", "ost_coverage", "--period", "2024-Q3")
    # Each test prison is its own peer group (its prison type): no benchmark, no label.
    for r in rows(stored(*args, "--benchmark", "peer")):
        assert r["benchmark"] == r["lower_95"] == r["funnel_significance"] == ""
        assert r["value"] != ""
    # One peer group for all three: two report in 2024-Q3, fewer than three, still none.
    lines = register_csv().splitlines()
    grouped = [lines[0] + ",modules,peer_group", *(f"{line},,all" for line in lines[1:])]
    imported = stored("prisons", "import", write("peers.csv", "\n".join(grouped) + "\n"))
    assert imported.code == 0, imported.err
    assert {r["benchmark"] for r in rows(stored(*args, "--benchmark", "peer"))} == {""}


def test_indicators_writes_peer_rows_and_compares_with_the_peer_group(stored) -> None:
    table = rows(stored("indicators", "--level", "peer", "--indicator", "ost_coverage"))
    assert table and {r["level"] for r in table} == {"peer"}
    assert {r["peer_group"] for r in table} <= set(PEERS.values())
    compared = rows(stored("indicators", "--benchmark", "peer", "--indicator", "ost_coverage"))
    assert compared and all(r["benchmark"] == "" for r in compared)  # groups of one


def test_the_commands_choices_are_the_engines() -> None:
    from cli.main import BENCHMARKS, LEVELS
    from indicators import aggregates
    from indicators.table import TABLE_LEVELS

    assert BENCHMARKS == aggregates.BENCHMARKS
    assert set(LEVELS) == set(TABLE_LEVELS)


def test_suppressed_figures_with_peer_rows_are_refused_in_one_sentence(stored) -> None:
    from indicators.table import PEER_SUPPRESSION_REFUSED

    for args in (
        ("funnel", "--indicator", "ost_coverage", "--period", "2024-Q3", "--benchmark", "peer"),
        ("indicators", "--level", "peer"),
        ("indicators", "--benchmark", "peer"),
    ):
        result = stored(*args, "--suppress")
        assert result.code == 2 and PEER_SUPPRESSION_REFUSED in result.err.replace("\n", " ")
