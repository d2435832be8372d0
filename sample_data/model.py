"""The model of the sample data: the quarters, each prison's parameters and its figures.

Everything is drawn from one `random.Random(SEED)` in a fixed order (generate.main keeps
the order), so the figures are the same on every run. The contract gives the elements,
their kinds and the subset pairs; this model names individual elements only to give them
believable values, and stops if the contract and the model disagree. It draws the core
module's figures; `model_v2` draws those of the other modules from them.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass

from data_contracts.contract import Contract, load_contract
from data_contracts.periods import period_index, period_label
from sample_data import FIRST_QUARTER, LAST_QUARTER
from sample_data.elements import CORE_ELEMENTS, PAIRS
from sample_data.register import (
    CLOSED_IN_SERIES,
    OPENED_IN_SERIES,
    PRISON_BY_CODE,
    RECEIVES_FROM_CLOSED,
    Prison,
)

SEED = 42
# The quarter just before the series. Invalid and warnings files use it, so
# ingesting one of them never collides with (supersedes) a sample submission.
SPARE_QUARTER = "2023-Q3"
# The prison that shares the `authz.prison` file with the demo director's prison.
AUTHZ_OTHER_PRISON = "NM-TMP"

CONTRACT: Contract = load_contract()
HEADER = CONTRACT.column_names

# --------------------------------------------------------------------------- quarters


quarter_index = period_index
quarter_label = period_label


SERIES = [
    quarter_label(i) for i in range(quarter_index(FIRST_QUARTER), quarter_index(LAST_QUARTER) + 1)
]

# --------------------------------------------------------------------------- the model

# Per prison type, ranges the prison's own parameters are drawn from.
# turnover: receptions per quarter / population (remand prisons turn over fast);
# release_share: releases to the community / receptions (remand prisons mostly
# transfer their people on); oud_share: share of the population with an identified
# opioid use disorder.
TYPE_PROFILES = {
    "remand": dict(turnover=(1.4, 2.0), release_share=(0.35, 0.55), oud_share=(0.16, 0.26)),
    "sentenced": dict(turnover=(0.18, 0.35), release_share=(0.75, 0.95), oud_share=(0.10, 0.20)),
    "mixed": dict(turnover=(0.6, 1.0), release_share=(0.65, 0.85), oud_share=(0.12, 0.24)),
    "women": dict(turnover=(0.7, 1.1), release_share=(0.80, 0.95), oud_share=(0.18, 0.28)),
    "juvenile": dict(turnover=(0.5, 0.8), release_share=(0.60, 0.85), oud_share=(0.12, 0.18)),
}
# Per prison type, non-fatal overdoses per 1,000 persons per quarter.
OVERDOSE_RATES = {"remand": 4.0, "sentenced": 2.5, "mixed": 3.0, "women": 3.5, "juvenile": 1.5}
# Ranges every prison's other rates are drawn from (`_start` where a rate begins, `_gain`
# how much it improves per quarter). Drawn in this order: the order is part of the seed.
RATE_RANGES = dict(
    ost_start=(0.20, 0.65),
    ost_gain=(0.003, 0.022),
    need_rate=(0.15, 0.35),
    start_share=(0.45, 0.80),
    start_gain=(0.0, 0.008),
    test_start=(0.30, 0.80),
    test_gain=(0.0, 0.02),
    positivity=(0.05, 0.15),
    rna_share=(0.52, 0.68),
    hcv_treat_start=(0.30, 0.65),
    hcv_treat_gain=(0.0, 0.02),
    in_treatment_share=(0.12, 0.35),
    engaged_start=(0.20, 0.45),
    engaged_gain=(0.0, 0.012),
    naloxone_start=(0.20, 0.55),
    naloxone_gain=(0.0, 0.02),
    ost_continued_start=(0.40, 0.75),
    ost_continued_gain=(0.0, 0.012),
)
# Hepatitis C is commoner among those received on remand and among women.
HIGH_RISK_TYPES = ("remand", "women")
HIGH_RISK_RANGES = dict(positivity=(0.12, 0.25))
# Population growth per quarter (mean, spread), and how far a prison's overdose rate
# may lie from its type's.
DRIFT = (0.004, 0.004)
OVERDOSE_SPREAD = (0.6, 1.4)


@dataclass(frozen=True)
class Params:
    """One prison's habits: where its rates start and how fast they improve per quarter."""

    drift: float  # population growth per quarter
    turnover: float
    release_share: float
    oud_share: float
    ost_start: float
    ost_gain: float
    need_rate: float
    start_share: float
    start_gain: float
    test_start: float
    test_gain: float
    positivity: float
    rna_share: float
    hcv_treat_start: float
    hcv_treat_gain: float
    in_treatment_share: float
    engaged_start: float
    engaged_gain: float
    naloxone_start: float
    naloxone_gain: float
    ost_continued_start: float
    ost_continued_gain: float
    od_rate: float


def draw_params(rng: random.Random, prison: Prison) -> Params:
    """The prison's parameters, each drawn uniformly from its range, in the fields' order."""
    ranges = TYPE_PROFILES[prison.type] | RATE_RANGES
    if prison.type in HIGH_RISK_TYPES:
        ranges |= HIGH_RISK_RANGES
    drift = rng.gauss(*DRIFT)
    rates = {name: rng.uniform(*bounds) for name, bounds in ranges.items()}
    od_rate = OVERDOSE_RATES[prison.type] * rng.uniform(*OVERDOSE_SPREAD)
    return Params(drift=drift, **rates, od_rate=od_rate)


# Relative quarter-to-quarter spread of every rate, on top of binomial chance.
QUARTER_SPREAD = 0.07


def binomial(rng: random.Random, n: int, p: float) -> int:
    """Persons out of n with probability p: exact for small n, normal approximation above."""
    p = min(max(p, 0.0), 1.0)
    if n <= 60:
        return sum(rng.random() < p for _ in range(n))
    draw = round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))
    return min(max(draw, 0), n)


def poisson(rng: random.Random, lam: float) -> int:
    """Events in a quarter (Knuth's method; the rates here are small)."""
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def rate(rng: random.Random, start: float, gain: float, t: int, cap: float = 1.0) -> float:
    """A share that improves by `gain` per quarter from `start`, never above `cap`, and
    wobbles from quarter to quarter (staff leave, a new nurse, a lockdown) far more than
    chance alone would make it: real series are over-dispersed."""
    return min((start + gain * t) * (1 + rng.gauss(0, QUARTER_SPREAD)), cap)


def population(rng: random.Random, prison: Prison, par: Params, period: str) -> float:
    t = quarter_index(period) - quarter_index(FIRST_QUARTER)
    level = prison.size * (1 + par.drift * t)
    if prison.code == OPENED_IN_SERIES:
        # A new prison fills up over its first four quarters.
        since = quarter_index(period) - quarter_index(prison.opened)
        level *= min(0.35 + 0.2 * since, 1.0)
    if prison.code == RECEIVES_FROM_CLOSED and after_closure(period):
        level *= 1.15
    pop = level * (1 + rng.gauss(0, 0.02))
    return round(min(max(pop, 60.0), 1500.0), 1)


def after_closure(period: str) -> bool:
    """Oldbridge Gaol has closed by `period`."""
    closed = PRISON_BY_CODE[CLOSED_IN_SERIES].closed
    return quarter_index(period) > quarter_index(closed)


def quarter_figures(rng: random.Random, prison: Prison, par: Params, period: str) -> dict:
    """The core figures of one prison-quarter, each subset drawn from its superset."""
    t = quarter_index(period) - quarter_index(FIRST_QUARTER)
    pop = population(rng, prison, par, period)
    persons = round(pop)
    receptions = max(1, round(pop * par.turnover * (1 + rng.gauss(0, 0.06))))
    if prison.code == OPENED_IN_SERIES and period == prison.opened:
        receptions = round(pop * 1.1)  # everybody in a new prison has just been received
    releases = round(receptions * par.release_share * (1 + rng.gauss(0, 0.06)))
    if prison.code == OPENED_IN_SERIES and period == prison.opened:
        releases = round(releases * 0.15)  # few sentences end in a prison's first weeks
    oud = binomial(rng, persons, rate(rng, par.oud_share, 0, t))
    ost_cov = rate(rng, par.ost_start, par.ost_gain, t, 0.9)
    need = round((receptions * par.need_rate + pop * 0.02) * (1 + rng.gauss(0, 0.08)))
    tested = binomial(rng, receptions, rate(rng, par.test_start, par.test_gain, t, 0.95))
    ab_pos = binomial(rng, tested, rate(rng, par.positivity, -0.0005, t))
    rna_pos = binomial(rng, ab_pos, rate(rng, par.rna_share, 0, t))
    in_treatment = binomial(rng, releases, rate(rng, par.in_treatment_share, 0, t))
    ost_received = binomial(rng, oud, ost_cov)
    # OST is a drug treatment, received in custody: those released on OST are among both
    # those released in treatment and those who received OST; the faster a prison turns
    # over, the more of its OST patients leave within the quarter.
    on_ost_share = min(0.85, 0.3 + 0.5 * min(1.0, releases / pop))
    on_ost = binomial(rng, min(in_treatment, ost_received), on_ost_share)
    figures = {
        "population_average": pop,
        "receptions": receptions,
        "releases": releases,
        "oud_identified": oud,
        "ost_received": ost_received,
        "treatment_need_identified": need,
        "treatment_started": binomial(
            rng, need, rate(rng, par.start_share, par.start_gain, t, 0.92)
        ),
        "overdose_nonfatal": poisson(rng, pop / 1000 * par.od_rate),
        "overdose_deaths": int(rng.random() < min(0.06, pop / 1000 * 0.04)),
        "hcv_tested_reception": tested,
        "hcv_antibody_positive": ab_pos,
        "hcv_rna_positive": rna_pos,
        "hcv_treatment_started": binomial(
            rng, rna_pos, rate(rng, par.hcv_treat_start, par.hcv_treat_gain, t, 0.9)
        ),
        "released_in_treatment": in_treatment,
        "community_engaged_21d": binomial(
            rng, in_treatment, rate(rng, par.engaged_start, par.engaged_gain, t, 0.6)
        ),
        "naloxone_issued_release": binomial(
            rng, in_treatment, rate(rng, par.naloxone_start, par.naloxone_gain, t, 0.8)
        ),
        "released_on_ost": on_ost,
        "ost_continued_7d": binomial(
            rng, on_ost, rate(rng, par.ost_continued_start, par.ost_continued_gain, t, 0.9)
        ),
    }
    check_against_contract(figures, f"{prison.code} {period}")
    return figures


# How many times a quarter may be redrawn to keep it within the prison's own history.
REDRAWS = 25


def steady_figures(
    rng: random.Random, prison: Prison, par: Params, period: str, *histories: list[dict]
) -> dict:
    """The quarter's figures, redrawn (a bounded number of times) while some figure would be
    far outside the prison's own recent history, as the contract's outlier rule measures it.

    Independent draws now and then land where a robust z-score over 4-8 quarters calls them
    outliers; real series are steadier, and a demo full of outlier warnings would hide the few
    that mean something (Brackenwell's jump when Oldbridge closes is one, and has a note)."""
    best, best_flags = {}, math.inf
    for _ in range(REDRAWS):
        figures = quarter_figures(rng, prison, par, period)
        flags = sum(len(outliers(history, figures)) for history in histories)
        if flags < best_flags:
            best, best_flags = figures, flags
        if not flags:
            break
    return best


def outliers(history: list[dict], figures: dict) -> list[str]:
    """Elements whose value has a robust z-score above the contract's limit against the last
    quarters of `history` (median and MAD; a MAD of 0 gives no score)."""
    limits = CONTRACT.limits
    recent = history[-limits["outlier_history_quarters"] :]
    flagged = []
    for element, value in figures.items():
        past = [h[element] for h in recent if h[element] is not None]
        if value is None or len(past) < limits["outlier_min_history"]:
            continue
        median = statistics.median(past)
        mad = statistics.median(abs(x - median) for x in past)
        if mad and abs(0.6745 * (value - median) / mad) > limits["outlier_robust_z"]:
            flagged.append(element)
    return flagged


def check_against_contract(figures: dict, where: str) -> None:
    """Stop if the model and the contract's core module disagree, or if a pair is broken."""
    if set(figures) != set(CORE_ELEMENTS):
        raise SystemExit(f"the model's elements differ from the contract's core ({where})")
    for first, second in PAIRS:
        a, b = figures.get(first), figures.get(second)
        if a is not None and b is not None and a > b:
            raise SystemExit(f"{where}: {first} ({a}) > {second} ({b})")


# --------------------------------------------------------------------------- gaps and notes

NOT_RECORDED = "not recorded this quarter: system migration"
# (prison, period, elements left empty, note) -- a handful of values not reported.
GAPS = [
    ("NM-TMP", "2024-Q2", ["hcv_tested_reception", "hcv_antibody_positive"], NOT_RECORDED),
    ("NM-TMP", "2024-Q2", ["hcv_rna_positive", "hcv_treatment_started"], NOT_RECORDED),
    ("NM-HRC", "2024-Q4", ["naloxone_issued_release"], NOT_RECORDED),
    (
        "NM-DNP",
        "2025-Q1",
        ["community_engaged_21d"],
        "données non transmises par le service communautaire",
    ),
    ("NM-GTP", "2025-Q3", ["ost_continued_7d"], "community pharmacy data not received in time"),
    (
        "NM-CPW",
        "2026-Q1",
        ["treatment_need_identified", "treatment_started"],
        "not recorded: assessment post vacant all quarter",
    ),
]
# The odd explanation a sender adds: {(prison, period): {element: note}}.
NOTES = {
    ("NM-KWP", "2024-Q3"): {
        "population_average": "new prison, first persons received in August",
        "receptions": "all persons in custody were received this quarter",
    },
    ("NM-OBG", "2025-Q1"): {"population_average": "closing: transfers out began in March"},
    ("NM-BWP", "2025-Q2"): {
        "population_average": "up: took in prisoners from Oldbridge Gaol",
        "receptions": "includes transfers in from Oldbridge Gaol (closed)",
    },
    ("NM-HCP", "2025-Q1"): {"ost_received": "depot buprenorphine available from January"},
    ("NM-NRC", "2024-Q1"): {"hcv_tested_reception": "dry blood spot testing at reception"},
    ("NM-SWP", "2026-Q2"): {"naloxone_issued_release": "naloxone kits out of stock for 3 weeks"},
    ("NM-GYU", "2025-Q4"): {"population_average": "unit partly closed for repairs in November"},
}
DEATH_NOTE = "death referred to the coroner; drug-induced cause confirmed"


@dataclass(frozen=True)
class Record:
    """One row of a submission: a figure (None = not reported) and its note."""

    prison_code: str
    period: str
    element: str
    value: float | int | None
    note: str = ""


def quarter_records(prison: Prison, period: str, figures: dict) -> list[Record]:
    gaps = {
        e: note
        for code, per, elements, note in GAPS
        if (code, per) == (prison.code, period)
        for e in elements
    }
    notes = NOTES.get((prison.code, period), {})
    records = []
    for element in CORE_ELEMENTS:
        value = figures[element]
        note = notes.get(element, "")
        if element in gaps:
            value, note = None, gaps[element]
        elif element == "overdose_deaths" and value:
            note = DEATH_NOTE
        records.append(Record(prison.code, period, element, value, note))
    return records


def check_scenarios() -> None:
    """The gaps and notes name real prisons, quarters and elements (or the generator stops)."""
    for code, period, elements, _ in GAPS:
        assert PRISON_BY_CODE[code].is_open(period) and period in SERIES, (code, period)
        assert set(elements) <= set(CORE_ELEMENTS), elements
        assert population_element() not in elements
    for (code, period), notes in NOTES.items():
        assert PRISON_BY_CODE[code].is_open(period) and period in SERIES, (code, period)
        assert set(notes) <= set(CORE_ELEMENTS), notes


def population_element() -> str:
    """The one element of kind `number` (the population); every other one is a count."""
    (code,) = [e.code for e in CONTRACT.data_elements if e.kind == "number"]
    return code
