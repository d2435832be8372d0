"""Every proportion of the registry (the v2 modules' twenty among them) computed by the engine
equals a plain-Python computation; per 1,000 releases is a proportion shown x 1,000."""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl
import pytest
from indicator_frames import PRISONS, REGION_OF, row, values

from indicators import stats
from indicators.compute import indicator_values
from indicators.funnel import FUNNEL_LIMITS, funnel_data
from indicators.registry import PER_1000_RELEASES, Indicator, load_registry

Q = "2025-Q2"
REGISTRY = load_registry()
PROPORTIONS = [i for i in REGISTRY if not i.is_rate]
Z = {c: NormalDist().inv_cdf(c + (1 - c) / 2) for c in (stats.CONFIDENCE_95, stats.CONFIDENCE_998)}
INTERVAL_COLUMNS = {
    "lower_95": (stats.CONFIDENCE_95, -1),
    "upper_95": (stats.CONFIDENCE_95, +1),
    "lower_998": (stats.CONFIDENCE_998, -1),
    "upper_998": (stats.CONFIDENCE_998, +1),
}
# Each element's count grows this many times with each step from a part to its total.
STEP = 4
ZERO_PRISON = "S-B"  # reports 0 for every element that is only ever a numerator


def wilson(x: float, n: float, z: float, sign: int) -> float:
    """indicators.md §3's Wilson limit (0..1); at x = 0 or x = n the bound is x / n itself."""
    if (sign < 0 and x == 0) or (sign > 0 and x == n):
        return x / n
    return (2 * x + z**2 + sign * z * math.sqrt(z**2 + 4 * x * (1 - x / n))) / (2 * (n + z**2))


def heights() -> dict[str, int]:
    """How many numerator-to-denominator steps lie below each element, so that a count
    STEP ** height makes every numerator smaller than its denominator."""
    below: dict[str, list[str]] = {}
    for indicator in PROPORTIONS:
        below.setdefault(indicator.denominator, []).append(indicator.numerator)
        below.setdefault(indicator.numerator, [])

    def height(element: str) -> int:
        return max((1 + height(part) for part in below[element]), default=0)

    return {element: height(element) for element in below}


def figures() -> dict[tuple[str, str], dict[str, float | None]]:
    """Every proportion element for every test prison: a different count per prison and
    element, always below its denominators; one prison with zero numerators."""
    counts = {}
    for p, prison in enumerate(PRISONS):
        elements: dict[str, float | None] = {"population_average": 100.0}
        for e, (element, height) in enumerate(sorted(heights().items())):
            zero = prison.code == ZERO_PRISON and height == 0
            elements[element] = 0.0 if zero else float((p + 1) * STEP**height + (p + e) % 3)
        counts[(prison.code, Q)] = elements
    return counts


FIGURES = figures()
TABLE = indicator_values(values(FIGURES), PRISONS)


def expected_row(indicator: Indicator, codes: list[str]) -> dict[str, float]:
    x = sum(FIGURES[(c, Q)][indicator.numerator] for c in codes)  # type: ignore[misc]
    n = sum(FIGURES[(c, Q)][indicator.denominator] for c in codes)  # type: ignore[misc]
    result = {"numerator": x, "denominator": n, "value": x / n * indicator.multiplier}
    for column, (confidence, sign) in INTERVAL_COLUMNS.items():
        result[column] = wilson(x, n, Z[confidence], sign) * indicator.multiplier
    return result


def figures_of(got: dict, want: dict) -> dict:
    return {name: got[name] for name in want}


def significance(got: dict, benchmark: float) -> str:
    if got["lower_95"] > benchmark:
        return stats.HIGHER
    return stats.LOWER if got["upper_95"] < benchmark else stats.SIMILAR


def test_every_registry_indicator_is_computed_with_its_domain() -> None:
    assert TABLE["indicator"].unique(maintain_order=True).to_list() == list(REGISTRY.ids)
    domains = dict(TABLE.select("indicator", "domain").unique().iter_rows())
    assert domains == {i.id: i.domain for i in REGISTRY}
    assert len(PROPORTIONS) > len(REGISTRY) / 2, "the fixture covers every proportion"


@pytest.mark.parametrize("indicator", PROPORTIONS, ids=lambda i: i.id)
def test_prison_region_and_national_rows_equal_a_plain_computation(indicator: Indicator) -> None:
    rows = TABLE.filter(pl.col("indicator") == indicator.id)
    everyone = [p.code for p in PRISONS]
    nation = expected_row(indicator, everyone)
    assert figures_of(row(rows, level="national"), nation) == pytest.approx(nation, rel=1e-9)
    for region in sorted(set(REGION_OF.values())):
        members = [c for c, r in REGION_OF.items() if r == region]
        got = row(rows, level="region", region=region)
        want = expected_row(indicator, members)
        assert figures_of(got, want) == pytest.approx(want, rel=1e-9)
        assert got["prisons"] == len(members)
    for code in everyone:
        got = row(rows, level="prison", prison_code=code)
        want = expected_row(indicator, [code])
        assert figures_of(got, want) == pytest.approx(want, rel=1e-9, abs=1e-12)
        assert got["benchmark"] == pytest.approx(nation["value"], rel=1e-12)
        assert got["significance"] == significance(got, nation["value"])


def test_per_1000_releases_is_a_proportion_times_1000() -> None:
    (deaths,) = [i for i in REGISTRY if i.unit == PER_1000_RELEASES]
    figures = {
        ("N-A", Q): {"population_average": 100.0, deaths.numerator: 2.0, deaths.denominator: 400.0},
        ("N-B", Q): {"population_average": 90.0, deaths.numerator: 0.0, deaths.denominator: 250.0},
    }
    table = indicator_values(values(figures), PRISONS, indicators=[deaths.id])
    got = row(table, level="prison", prison_code="N-A")
    # 2 deaths among 400 releases: 5 per 1,000 releases.
    assert got["value"] == pytest.approx(5.0)
    assert got["denominator"] == 400.0, "the count of releases, not person-years"
    for column, (confidence, sign) in INTERVAL_COLUMNS.items():
        assert got[column] == pytest.approx(1000 * wilson(2, 400, Z[confidence], sign), rel=1e-9)
    assert row(table, level="national")["value"] == pytest.approx(2 / 650 * 1000)


def inverted_wilson(n: float, benchmark: float, z: float, side: str) -> float:
    """The proportion at denominator n whose Wilson limit on the far side is the benchmark
    (a funnel limit), by bisection: the lower funnel limit has its upper Wilson limit there."""
    sign = +1 if side == "lower" else -1
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        reach = wilson(middle * n, n, z, sign)
        if reach < benchmark:  # either Wilson limit grows with the proportion
            low = middle
        else:
            high = middle
    return (low + high) / 2


def test_funnel_limits_of_per_1000_releases_are_times_1000() -> None:
    (deaths,) = [i for i in REGISTRY if i.unit == PER_1000_RELEASES]
    counts = {"N-A": (2, 400), "N-B": (1, 250), "N-C": (6, 900), "S-A": (0, 120)}
    figures = {
        (code, Q): {"population_average": 100.0, deaths.numerator: x, deaths.denominator: n}
        for code, (x, n) in counts.items()
    }
    funnel = funnel_data(indicator_values(values(figures), PRISONS), deaths.id, Q)
    ratio = sum(x for x, _ in counts.values()) / sum(n for _, n in counts.values())
    for code, (x, n) in counts.items():
        got = row(funnel, prison_code=code)
        assert got["value"] == pytest.approx(x / n * 1000)
        assert got["benchmark"] == pytest.approx(ratio * 1000)
        for name, confidence, side in FUNNEL_LIMITS:
            want = 1000 * inverted_wilson(n, ratio, Z[confidence], side)
            assert got[name] == pytest.approx(want, rel=1e-6, abs=1e-9)
