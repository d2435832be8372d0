"""The figures of the v2 modules (screening, medication, psychosocial, blood-borne viruses,
harm reduction, deaths after release), drawn for each prison-quarter from its core figures.

They come from their own random streams, one per prison (`random.Random(f"{SEED}:v2:<code>")`),
never from the core model's: the core figures, and so the v1 rows of every sample file, are
exactly what they were before the modules existed. Each prison's modules are drawn whole, in
a fixed order, whatever it reports; only the elements of the modules the register names for
it are written, after its core rows.

Magnitudes, and where they come from (ranges a prison's own parameters are drawn from; the
sources were checked, the Nordmere figures are invented inside their ranges):

- Drug-use screening within 7 days of reception: 60-99 % of receptions. Belgium's federal
  pilot (2017, Hasselt, Lantin, Saint-Gilles/Berkendael) screens every person on arrival
  (healthybelgium.be, "Drugs and detention pilot project"); elsewhere screening is partial.
- A drug problem identified at screening: 30-60 % of those screened. Drug dependence at
  reception ranges 10-48 % in men and 30-60 % in women (Fazel et al. 2006, cited by Stöver &
  Michels 2010, Harm Reduction Journal 7:17); "one in three inmates struggles with drug
  addiction" (Belgian ministers of justice and health, 2022); 25-50 % clinically assessed as
  having serious drug problems (Hedrich et al. 2012, Addiction).
- In custody, a drug problem of any substance: the persons with opioid use disorder plus
  12-30 % of the others, so always more than `oud_identified` (the pair the spec adds).
- Medication for opioid use disorder: methadone the majority; buprenorphine 10-50 % of the
  persons on an agonist, by region (EMCDDA statistical bulletin, table HSR-9: OST in prison
  by country, and EMCDDA (2021) Prison and drugs in Europe, ch. 5: the medication mix differs
  between countries); other agonists (slow-release morphine, diacetylmorphine) 0-8 %;
  naltrexone 0-3 % of those with OUD not on an agonist (rarely used in European prisons).
- Psychosocial interventions: 10-40 % of the persons with a drug problem in the pilots,
  growing as a pilot settles in (the Belgian pilot went from three prisons to ten in 2022);
  by type, motivational interviewing and CBT first, contingency management rare; a person may
  take part in several; 25-55 % complete a planned programme within the quarter.
- HIV testing at reception 40-95 % (Stöver et al. (2021) The state of harm reduction in
  prisons in 30 European countries, Harm Reduction Journal 18:67: testing is offered mostly
  on entry, uptake low in about half of the countries); positive 0.5-2.5 %, 1-4 % on remand and
  among women (prevalence in prisoners 0-15.6 % across nine EU/EEA countries: Eurosurveillance
  2021, 26(47):2100044); ART for 80-98 % of those known to live with HIV (Stöver et al. 2021:
  coverage of HIV treatment is high).
- HCV RNA (or core antigen) testing of antibody-positives: 60-95 % (those found viraemic,
  the core `hcv_rna_positive`, were all tested; of the others 45-85 %). Prison cascades: 92 %
  in a Quebec prison (Kronfli et al. 2019, CMAJ Open), 49 % in Washington State (Assoumou et
  al. 2018, Am J Prev Med).
- Needle and syringe programmes: people who injected in the last 12 months 5-15 % of the
  population; 5-30 % of them reached. Prison NSPs exist in seven Council of Europe countries
  (Van Hout et al. 2024, Public Health in Practice 8:100544) and are scarcely available
  (Stöver et al. 2021).
- Drug-related deaths within 28 days of release: 0.5-2 per 1,000 releases, so mostly 0 and
  sometimes 1-2 a quarter (small numbers, suppressed): the risk is 3-8 times higher in the
  first two weeks than in weeks 3-12 and stays raised to week 4 (Merrall et al. (2010)
  Meta-analysis of drug-related deaths soon after release from prison, Addiction 105(9)).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from sample_data.elements import BREAKDOWNS, PAIRS, V2_ELEMENTS, elements_of
from sample_data.model import (
    FIRST_QUARTER,
    HIGH_RISK_TYPES,
    NOTES,
    SEED,
    Record,
    binomial,
    outliers,
    poisson,
    quarter_index,
    rate,
)
from sample_data.register import ALL_PRISONS, Prison

# Ranges every prison's v2 parameters are drawn from (`_start` where a share begins, `_gain`
# how much it improves per quarter), in this order: the order is part of the seed.
RATE_RANGES_V2 = dict(
    screen_start=(0.60, 0.92),
    screen_gain=(0.0, 0.008),
    problem_share=(0.30, 0.60),
    other_problem_share=(0.12, 0.30),
    bup_spread=(-0.07, 0.07),
    bup_gain=(0.0, 0.005),
    other_agonist_share=(0.0, 0.08),
    naltrexone_share=(0.0, 0.03),
    psy_start=(0.10, 0.22),
    psy_gain=(0.004, 0.012),
    psy_completed=(0.25, 0.55),
    hiv_test_start=(0.40, 0.85),
    hiv_test_gain=(0.0, 0.012),
    hiv_positivity=(0.005, 0.025),
    hiv_stock_factor=(0.6, 1.0),
    art_share=(0.80, 0.98),
    rna_test_rest=(0.45, 0.85),
    pwid_share=(0.05, 0.15),
    nsp_start=(0.05, 0.15),
    nsp_gain=(0.0, 0.006),
    drd_per_release=(0.0005, 0.002),
)
HIGH_RISK_RANGES_V2 = dict(hiv_positivity=(0.01, 0.04))
# Buprenorphine's share of the persons on an opioid agonist, by region (each prison lies within
# `bup_spread` of its region's), never outside BUP_BOUNDS.
BUP_SHARE_BY_REGION = {
    "Eastwold": 0.15,
    "Hollowmere": 0.25,
    "Saltmarsh Coast": 0.40,
    "Greyfell Uplands": 0.30,
    "Noorderkempen": 0.35,
    "Hoofdstad / Capitale": 0.30,
    "Val-de-Sambre": 0.45,
    "Oberland": 0.20,
    "Niederwald": 0.25,
}
BUP_BOUNDS = (0.10, 0.50)
# High Cairn offers depot buprenorphine from 2025-Q1 (its note on ost_received says so): its
# buprenorphine share grows by DEPOT_GAIN a quarter from then, by DEPOT_MAX at most.
DEPOT_PRISON, DEPOT_FROM = "NM-HCP", "2025-Q1"
DEPOT_GAIN, DEPOT_MAX = 0.03, 0.12
# Caps of the growing shares.
SCREEN_CAP, PSY_CAP, HIV_TEST_CAP, ART_CAP, NSP_CAP = 0.99, 0.40, 0.95, 0.99, 0.30
# Psychosocial types: each person's main intervention is drawn with these weights, and each
# person may take part in another type too, with these chances (the parts overlap).
PSY_MAIN_WEIGHTS = dict(
    psychosocial_cbt=0.25,
    psychosocial_mi=0.35,
    psychosocial_cm=0.04,
    psychosocial_peer=0.15,
    psychosocial_tc=0.08,
    psychosocial_other=0.13,
)
PSY_ALSO = dict(
    psychosocial_cbt=0.15,
    psychosocial_mi=0.25,
    psychosocial_cm=0.02,
    psychosocial_peer=0.20,
    psychosocial_tc=0.03,
    psychosocial_other=0.05,
)
# How many times a quarter's module figures may be redrawn to keep them within the prison's
# own history. More than the core's: several of them follow a core figure that may itself
# have moved (hcv_rna_tested holds hcv_rna_positive, methadone is what is left of ost_received).
REDRAWS_V2 = 100
DEATH_NOTE_V2 = "from linked death records; cause confirmed by the coroner"


@dataclass(frozen=True)
class ParamsV2:
    """One prison's habits in the v2 modules."""

    rates: dict[str, float]
    bup_share: float


def prison_stream(prison: Prison) -> random.Random:
    """The prison's own random stream for its v2 figures (apart from the core model's)."""
    return random.Random(f"{SEED}:v2:{prison.code}")


def draw_params_v2(rng: random.Random, prison: Prison) -> ParamsV2:
    ranges = dict(RATE_RANGES_V2)
    if prison.type in HIGH_RISK_TYPES:
        ranges |= HIGH_RISK_RANGES_V2
    rates = {name: rng.uniform(*bounds) for name, bounds in ranges.items()}
    bup = BUP_SHARE_BY_REGION[prison.region] + rates["bup_spread"]
    return ParamsV2(rates=rates, bup_share=min(max(bup, BUP_BOUNDS[0]), BUP_BOUNDS[1]))


def buprenorphine_share(prison: Prison, par: ParamsV2, period: str, t: int) -> float:
    share = par.bup_share + par.rates["bup_gain"] * t
    if prison.code == DEPOT_PRISON and quarter_index(period) >= quarter_index(DEPOT_FROM):
        since = quarter_index(period) - quarter_index(DEPOT_FROM) + 1
        share += min(DEPOT_GAIN * since, DEPOT_MAX)
    return min(share, BUP_BOUNDS[1] + DEPOT_MAX)


def split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """n persons, each in exactly one part, drawn with these weights (a multinomial draw)."""
    *first, last = weights
    counts, left, weight_left = {}, n, sum(weights.values())
    for name in first:
        counts[name] = binomial(rng, left, weights[name] / weight_left)
        left -= counts[name]
        weight_left -= weights[name]
    counts[last] = left  # the rest: the parts add up to n exactly
    return counts


def module_figures(
    rng: random.Random, prison: Prison, par: ParamsV2, period: str, core: dict
) -> dict:
    """Every v2 figure of one prison-quarter, each drawn from the core figures it belongs to."""
    r = par.rates
    t = quarter_index(period) - quarter_index(FIRST_QUARTER)
    persons = round(core["population_average"])
    receptions, releases = core["receptions"], core["releases"]
    oud, ost = core["oud_identified"], core["ost_received"]

    screened = binomial(
        rng, receptions, rate(rng, r["screen_start"], r["screen_gain"], t, SCREEN_CAP)
    )
    other_problem = binomial(rng, persons - oud, rate(rng, r["other_problem_share"], 0, t))
    in_custody = oud + max(1, other_problem)  # always more than those with OUD alone

    bup_p = buprenorphine_share(prison, par, period, t)
    bup = binomial(rng, ost, bup_p)
    other_agonist = binomial(rng, ost - bup, r["other_agonist_share"] / (1 - bup_p))

    psy = binomial(rng, in_custody, rate(rng, r["psy_start"], r["psy_gain"], t, PSY_CAP))
    main = split(rng, psy, PSY_MAIN_WEIGHTS)
    types = {k: n + binomial(rng, psy - n, PSY_ALSO[k]) for k, n in main.items()}

    hiv_tested = binomial(
        rng, receptions, rate(rng, r["hiv_test_start"], r["hiv_test_gain"], t, HIV_TEST_CAP)
    )
    hiv_positive = binomial(rng, hiv_tested, rate(rng, r["hiv_positivity"], 0, t))
    hiv_known = hiv_positive + binomial(rng, persons, r["hiv_positivity"] * r["hiv_stock_factor"])
    ab_pos, rna_pos = core["hcv_antibody_positive"], core["hcv_rna_positive"]
    pwid = binomial(rng, persons, rate(rng, r["pwid_share"], 0, t))

    figures = {
        "drug_screening_reception": screened,
        "drug_problem_reception": binomial(rng, screened, rate(rng, r["problem_share"], 0, t)),
        "drug_problem_in_custody": in_custody,
        "ost_methadone": ost - bup - other_agonist,
        "ost_buprenorphine": bup,
        "ost_other_agonist": other_agonist,
        "naltrexone_received": binomial(rng, oud - ost, r["naltrexone_share"]),
        "psychosocial_received": psy,
        **types,
        "psychosocial_completed": binomial(rng, psy, rate(rng, r["psy_completed"], 0, t)),
        "hiv_tested_reception": hiv_tested,
        "hiv_positive_reception": hiv_positive,
        "hiv_in_custody": hiv_known,
        "hiv_on_art": binomial(rng, hiv_known, rate(rng, r["art_share"], 0, t, ART_CAP)),
        "hcv_rna_tested": rna_pos
        + binomial(rng, ab_pos - rna_pos, rate(rng, r["rna_test_rest"], 0, t)),
        "pwid_identified": pwid,
        "nsp_received": binomial(rng, pwid, rate(rng, r["nsp_start"], r["nsp_gain"], t, NSP_CAP)),
        "drug_deaths_28d_release": min(releases, poisson(rng, releases * r["drd_per_release"])),
    }
    check_modules(core, figures, f"{prison.code} {period}")
    return figures


def steady_module_figures(
    rng: random.Random,
    prison: Prison,
    par: ParamsV2,
    period: str,
    core: dict,
    history: list[dict],
) -> dict:
    """The quarter's v2 figures, redrawn (a bounded number of times) while an element the
    prison reports would be far outside its own history (as the core figures are)."""
    reported = elements_of(*prison.modules)
    best, best_flags = {}, math.inf
    for _ in range(REDRAWS_V2):
        figures = module_figures(rng, prison, par, period, core)
        flags = len(outliers(history, {e: figures[e] for e in reported}))
        if flags < best_flags:
            best, best_flags = figures, flags
        if not flags:
            break
    return best


def module_records(prison: Prison, period: str, figures: dict) -> list[Record]:
    """The rows of the prison's modules, in the contract's order, after its core rows."""
    records = []
    for element in elements_of(*prison.modules):
        value = figures[element]
        note = DEATH_NOTE_V2 if element == "drug_deaths_28d_release" and value else ""
        records.append(Record(prison.code, period, element, value, note))
    return records


def check_modules(core: dict, figures: dict, where: str) -> None:
    """Stop if the v2 model and the contract disagree: its elements, a pair, a breakdown."""
    if set(figures) != set(V2_ELEMENTS):
        raise SystemExit(f"the v2 model's elements differ from the contract's ({where})")
    values = core | figures
    for first, second in PAIRS:
        a, b = values[first], values[second]
        if a > b:
            raise SystemExit(f"{where}: {first} ({a}) > {second} ({b})")
    for b in BREAKDOWNS:
        parts = sum(values[p] for p in b.parts)
        total = values[b.total]
        if parts < total or (b.kind == "partition" and parts != total):
            raise SystemExit(f"{where}: {b.id} parts add up to {parts}, {b.total} is {total}")


def check_model_v2() -> None:
    """The tables above name the contract's parts, the register's regions; High Cairn's note."""
    psy = next(b for b in BREAKDOWNS if b.total == "psychosocial_received")
    assert set(PSY_MAIN_WEIGHTS) == set(PSY_ALSO) == set(psy.parts), psy
    assert set(BUP_SHARE_BY_REGION) == {p.region for p in ALL_PRISONS}
    assert (DEPOT_PRISON, DEPOT_FROM) in NOTES
