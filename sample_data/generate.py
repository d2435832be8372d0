"""Make the sample data: a fictional prison register and its quarterly returns.

Why this exists: the dashboard demo, `prison-monitor init --sample` and the
tests need realistic submissions (believable magnitudes, trends, small numbers
for suppression, the odd gap and note) and one bad file per rule of the
contract, without any real prison's data. Everything is drawn from
`random.Random(42)` in a fixed order and written without timestamps, so every
run produces the same bytes and the output can be committed.

Run from the project root:  .venv/bin/python -m sample_data.generate

The data elements, their kinds and the subset pairs come from the contract
(`data_contracts/submission_v1.yaml`); the model below names individual
elements only to give them believable values, and the generator stops if the
contract and the model disagree.
"""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import xlsxwriter

from data_contracts.contract import Contract, load_contract
from data_contracts.periods import period_index, period_label
from sample_data import (
    DEMO_DIRECTOR_PRISON,
    FIRST_QUARTER,
    INVALID_DIR,
    LAST_QUARTER,
    REGISTER_FILE,
    SUBMISSIONS_DIR,
    WARNINGS_DIR,
)

SEED = 42
# The quarter just before the series. Invalid and warnings files use it, so
# ingesting one of them never collides with (supersedes) a sample submission.
SPARE_QUARTER = "2023-Q3"
# Fixed workbook creation date: xlsxwriter would otherwise stamp the current time.
XLSX_CREATED = datetime(2026, 10, 1, 9, 0, 0)
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


# --------------------------------------------------------------------------- the register


@dataclass(frozen=True)
class Prison:
    code: str
    name: str
    region: str
    type: str
    size: int  # usual average population
    fmt: str = "csv"  # csv | csv-semicolon | xlsx | xlsx-readme
    opened: str = ""
    closed: str = ""

    def is_open(self, period: str) -> bool:
        i = quarter_index(period)
        if self.opened and i < quarter_index(self.opened):
            return False
        # `closed` is the last quarter in service (as the register is read by the checks).
        return not (self.closed and i > quarter_index(self.closed))


# Nordmere, a fictional country; four fictional regions. Formats: about one in
# six prisons sends Excel workbooks, three send semicolon CSV with decimal comma.
PRISONS = [
    Prison("NM-NRC", "Northmoor Remand Centre", "Eastwold", "remand", 620),
    Prison("NM-ASP", "Ashcombe Prison", "Eastwold", "sentenced", 880, opened="2004-Q2"),
    Prison("NM-BWP", "Brackenwell Prison", "Eastwold", "mixed", 410),
    Prison("NM-LWC", "Larkhollow Women's Centre", "Eastwold", "women", 140),
    Prison("NM-KYC", "Kestrel Youth Custody Unit", "Eastwold", "juvenile", 72),
    Prison("NM-OBG", "Oldbridge Gaol", "Eastwold", "mixed", 260, closed="2025-Q1"),
    Prison("NM-HRC", "Hollowmere Remand Centre", "Hollowmere", "remand", 940),
    Prison("NM-GTP", "Greystone Prison", "Hollowmere", "sentenced", 1360, fmt="xlsx-readme"),
    Prison("NM-WFP", "Willowford Prison", "Hollowmere", "mixed", 530),
    Prison("NM-RHW", "Rosehaven Women's Prison", "Hollowmere", "women", 230, fmt="xlsx-readme"),
    Prison("NM-TMP", "Thornmere Prison", "Hollowmere", "sentenced", 760, opened="2011-Q1"),
    Prison("NM-CLK", "Crane Lock Prison", "Hollowmere", "mixed", 180),
    Prison("NM-SRC", "Saltmarsh Remand Centre", "Saltmarsh Coast", "remand", 380, "csv-semicolon"),
    Prison("NM-HVP", "Harbourview Prison", "Saltmarsh Coast", "sentenced", 650, fmt="xlsx"),
    Prison("NM-DNP", "Dunmere Prison", "Saltmarsh Coast", "mixed", 340, fmt="csv-semicolon"),
    Prison("NM-GYU", "Gullrock Youth Unit", "Saltmarsh Coast", "juvenile", 66),
    Prison("NM-SWP", "Seabright Women's Prison", "Saltmarsh Coast", "women", 95),
    Prison("NM-KWP", "Kittiwake Prison", "Saltmarsh Coast", "sentenced", 500, opened="2024-Q3"),
    Prison("NM-GFR", "Greyfell Remand Centre", "Greyfell Uplands", "remand", 270),
    Prison("NM-HCP", "High Cairn Prison", "Greyfell Uplands", "sentenced", 1050, opened="2016-Q4"),
    Prison("NM-MBP", "Marrowby Prison", "Greyfell Uplands", "mixed", 460, fmt="csv-semicolon"),
    Prison("NM-FYC", "Fellside Youth Custody Centre", "Greyfell Uplands", "juvenile", 76, "xlsx"),
    Prison("NM-STP", "Stonegarth Prison", "Greyfell Uplands", "sentenced", 310),
    Prison("NM-CPW", "Copperwick Prison", "Greyfell Uplands", "mixed", 120),
]
PRISON_BY_CODE = {p.code: p for p in PRISONS}
OPENED_IN_SERIES = "NM-KWP"  # fills up over its first quarters
CLOSED_IN_SERIES = "NM-OBG"
RECEIVES_FROM_CLOSED = "NM-BWP"  # takes Oldbridge's prisoners when it closes


def write_register(path: Path) -> None:
    rows = [[p.code, p.name, p.region, p.type, p.opened, p.closed] for p in PRISONS]
    write_csv(path, ["prison_code", "name", "region", "prison_type", "opened", "closed"], rows)


# --------------------------------------------------------------------------- the model

# Per prison type, ranges the prison's own parameters are drawn from.
# turnover: receptions per quarter / population (remand prisons turn over fast);
# release_share: releases to the community / receptions (remand prisons mostly
# transfer their people on); oud: share of the population with an identified
# opioid use disorder; od_rate: non-fatal overdoses per 1,000 persons per quarter.
TYPE_PROFILES = {
    "remand": dict(turnover=(1.4, 2.0), release_share=(0.35, 0.55), oud=(0.16, 0.26), od_rate=4.0),
    "sentenced": dict(
        turnover=(0.18, 0.35), release_share=(0.75, 0.95), oud=(0.10, 0.20), od_rate=2.5
    ),
    "mixed": dict(turnover=(0.6, 1.0), release_share=(0.65, 0.85), oud=(0.12, 0.24), od_rate=3.0),
    "women": dict(turnover=(0.7, 1.1), release_share=(0.80, 0.95), oud=(0.18, 0.28), od_rate=3.5),
    "juvenile": dict(
        turnover=(0.5, 0.8), release_share=(0.60, 0.85), oud=(0.12, 0.18), od_rate=1.5
    ),
}


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
    prof = TYPE_PROFILES[prison.type]
    high_risk = prison.type in ("remand", "women")
    return Params(
        drift=rng.gauss(0.004, 0.004),
        turnover=rng.uniform(*prof["turnover"]),
        release_share=rng.uniform(*prof["release_share"]),
        oud_share=rng.uniform(*prof["oud"]),
        ost_start=rng.uniform(0.20, 0.65),
        ost_gain=rng.uniform(0.003, 0.022),
        need_rate=rng.uniform(0.15, 0.35),
        start_share=rng.uniform(0.45, 0.80),
        start_gain=rng.uniform(0.0, 0.008),
        test_start=rng.uniform(0.30, 0.80),
        test_gain=rng.uniform(0.0, 0.02),
        positivity=rng.uniform(0.12, 0.25) if high_risk else rng.uniform(0.05, 0.15),
        rna_share=rng.uniform(0.52, 0.68),
        hcv_treat_start=rng.uniform(0.30, 0.65),
        hcv_treat_gain=rng.uniform(0.0, 0.02),
        in_treatment_share=rng.uniform(0.12, 0.35),
        engaged_start=rng.uniform(0.20, 0.45),
        engaged_gain=rng.uniform(0.0, 0.012),
        naloxone_start=rng.uniform(0.20, 0.55),
        naloxone_gain=rng.uniform(0.0, 0.02),
        ost_continued_start=rng.uniform(0.40, 0.75),
        ost_continued_gain=rng.uniform(0.0, 0.012),
        od_rate=prof["od_rate"] * rng.uniform(0.6, 1.4),
    )


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
    """The 18 figures of one prison-quarter, each subset drawn from its superset."""
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
    """Stop if the model and the contract disagree, or if a subset pair is broken."""
    if set(figures) != set(CONTRACT.element_codes):
        raise SystemExit(f"the model's elements differ from the contract's ({where})")
    for first, second in CONTRACT.pairs:
        a, b = figures[first], figures[second]
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
# (prison, period, element, note) -- the odd explanation a sender adds.
NOTES = [
    ("NM-KWP", "2024-Q3", "population_average", "new prison, first persons received in August"),
    ("NM-KWP", "2024-Q3", "receptions", "all persons in custody were received this quarter"),
    ("NM-OBG", "2025-Q1", "population_average", "closing: transfers out began in March"),
    ("NM-BWP", "2025-Q2", "population_average", "up: took in prisoners from Oldbridge Gaol"),
    ("NM-BWP", "2025-Q2", "receptions", "includes transfers in from Oldbridge Gaol (closed)"),
    ("NM-HCP", "2025-Q1", "ost_received", "depot buprenorphine available from January"),
    ("NM-NRC", "2024-Q1", "hcv_tested_reception", "dry blood spot testing at reception"),
    ("NM-SWP", "2026-Q2", "naloxone_issued_release", "naloxone kits out of stock for 3 weeks"),
    ("NM-GYU", "2025-Q4", "population_average", "unit partly closed for repairs in November"),
]
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
    notes = {e: note for code, per, e, note in NOTES if (code, per) == (prison.code, period)}
    records = []
    for element in CONTRACT.element_codes:
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
        assert set(elements) <= set(CONTRACT.element_codes), elements
        assert population_element() not in elements
    for code, period, element, _ in NOTES:
        assert PRISON_BY_CODE[code].is_open(period) and period in SERIES, (code, period)
        assert element in CONTRACT.element_codes, element


# --------------------------------------------------------------------------- writers


def population_element() -> str:
    """The one element of kind `number` (the population); every other one is a count."""
    (code,) = [e.code for e in CONTRACT.data_elements if e.kind == "number"]
    return code


def format_value(element: str, value: float | int | None, decimal_mark: str = ".") -> str:
    if value is None:
        return ""
    if element == population_element():
        return f"{value:.1f}".replace(".", decimal_mark)
    return str(int(value))


def text_rows(records: Iterable[Record], decimal_mark: str = ".") -> list[list[str]]:
    return [
        [r.prison_code, r.period, r.element, format_value(r.element, r.value, decimal_mark), r.note]
        for r in records
    ]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    path.write_bytes(csv_text(header, rows, delimiter).encode(encoding))


def write_excel_csv(path: Path, records: list[Record]) -> None:
    """Semicolons, decimal comma, BOM and CRLF: 'CSV UTF-8' as Excel saves it in BE/FR."""
    text = csv_text(HEADER, text_rows(records, decimal_mark=","), delimiter=";")
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))


def write_xlsx(
    path: Path, header: Sequence[str], rows: Iterable[Sequence], readme: Sequence[str] = ()
) -> None:
    """A workbook with a `data` sheet (numbers as numbers, None as an empty cell),
    optionally after a `readme` sheet, so a reader must pick the sheet by name."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": XLSX_CREATED, "author": "sample_data.generate"})
    if readme:
        sheet = workbook.add_worksheet("readme")
        for i, line in enumerate(readme):
            sheet.write_string(i, 0, line)
    sheet = workbook.add_worksheet(CONTRACT.file["excel_sheet"])
    for col, name in enumerate(header):
        sheet.write_string(0, col, name)
    for i, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, int | float):
                sheet.write_number(i, col, cell)
            elif cell:
                sheet.write_string(i, col, cell)
    workbook.close()


def xlsx_rows(records: Iterable[Record]) -> list[list]:
    return [[r.prison_code, r.period, r.element, r.value, r.note] for r in records]


def write_submission(prison: Prison, period: str, records: list[Record]) -> None:
    stem = SUBMISSIONS_DIR / f"{prison.code}_{period}"
    if prison.fmt == "csv":
        write_csv(stem.with_suffix(".csv"), HEADER, text_rows(records))
    elif prison.fmt == "csv-semicolon":
        write_excel_csv(stem.with_suffix(".csv"), records)
    else:
        readme = []
        if prison.fmt == "xlsx-readme":
            readme = [
                f"Quarterly drug services return, {prison.name}, {period}.",
                "The figures are on the sheet 'data': one row per data element.",
            ]
        write_xlsx(stem.with_suffix(".xlsx"), HEADER, xlsx_rows(records), readme)


# --------------------------------------------------------------------------- invalid files
# Each file breaks one error rule. All start from a complete, valid return of the demo
# director's prison for SPARE_QUARTER, so the named rule is the only error even when the
# demo director sends them; a bad value goes on an element where no pair check can fire.


class Folder:
    """Writes the files of invalid/ or warnings/ and remembers what each one shows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.made: dict[str, str] = {}

    def bytes(self, name: str, shows: str, data: bytes) -> None:
        (self.path / name).write_bytes(data)
        self.made[name] = shows

    def rows(self, name: str, shows: str, header: Sequence[str], rows: Iterable, **kw) -> None:
        write_csv(self.path / name, header, rows, **kw)
        self.made[name] = shows

    def records(self, name: str, shows: str, records: Iterable[Record], **kw) -> None:
        self.rows(name, shows, HEADER, text_rows(records), **kw)

    def workbook(self, name: str, shows: str, records: Iterable[Record]) -> None:
        write_xlsx(self.path / name, HEADER, xlsx_rows(records))
        self.made[name] = shows


@dataclass(frozen=True)
class Roles:
    """Where the contract's count elements sit in its subset pairs."""

    unpaired: list[str]  # in no pair: a bad value there trips no pair check
    supersets: list[str]  # only ever the larger side: raising one breaks no pair
    subsets: list[str]  # only ever the smaller side: leaving one out affects no other check


def element_roles() -> Roles:
    firsts = {a for a, _ in CONTRACT.pairs}
    seconds = {b for _, b in CONTRACT.pairs}
    counts = CONTRACT.count_codes
    return Roles(
        unpaired=[c for c in counts if c not in firsts | seconds],
        supersets=[c for c in counts if c in seconds and c not in firsts],
        subsets=[c for c in counts if c in firsts and c not in seconds],
    )


def value_of(records: list[Record], element: str) -> float | int | None:
    return next(r.value for r in records if r.element == element)


def with_value(records: list[Record], element: str, value, note: str | None = None) -> list:
    return [
        Record(r.prison_code, r.period, r.element, value, r.note if note is None else note)
        if r.element == element
        else r
        for r in records
    ]


def with_raw_value(records: list[Record], element: str, raw: str) -> list[list[str]]:
    """Text rows with one element's value replaced by text that is not a valid value."""
    return [[*row[:3], raw, row[4]] if row[2] == element else row for row in text_rows(records)]


def with_period(records: list[Record], period: str) -> list[Record]:
    return [Record(r.prison_code, period, r.element, r.value, r.note) for r in records]


def with_prison(records: list[Record], code: str) -> list[Record]:
    return [Record(code, r.period, r.element, r.value, r.note) for r in records]


def with_element_code(records: list[Record], element: str, written: str) -> list[Record]:
    return [
        Record(r.prison_code, r.period, written if r.element == element else r.element, r.value)
        for r in records
    ]


def swapped_tail(code: str) -> str:
    """A plausible typo of a prison code (last two characters swapped)."""
    return code[:-2] + code[-1] + code[-2]


def long_text(length: int) -> str:
    sentence = "Release planning meeting held with community services and probation. "
    return (sentence * (length // len(sentence) + 1))[:length]


def ole2_bytes(*stream_names: bytes) -> bytes:
    """The header of an OLE2 compound file (old .xls, or an encrypted .xlsx), then junk."""
    junk = random.Random(SEED + 1)
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(24))
    for name in stream_names:  # directory entries hold stream names in UTF-16
        body += name.decode().encode("utf-16-le") + bytes(8)
    body += bytes(junk.randrange(256) for _ in range(2048))
    return bytes(body)


def pdf_bytes() -> bytes:
    junk = random.Random(SEED + 2)
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Length 512 /Filter /FlateDecode >>\nstream\n"
        + bytes(junk.randrange(256) for _ in range(512))
        + b"\x00\x00\nendstream\nendobj\n%%EOF\n"
    )


def truncated_workbook(records: list[Record]) -> bytes:
    """The first half of a real workbook: a zip archive cut off before its directory."""
    path = INVALID_DIR / "truncated.tmp"
    write_xlsx(path, HEADER, xlsx_rows(records))
    whole = path.read_bytes()
    path.unlink()
    return whole[: len(whole) // 2]


def unreadable_files(out: Folder, base: list[Record]) -> None:
    """Content that is not what the extension says, or a type the contract does not take."""
    plain = csv_text(HEADER, text_rows(base)).encode()
    rule = "file.unreadable"
    out.bytes(f"{rule}--text-as-xlsx.xlsx", "a CSV text saved under an .xlsx name", plain)
    out.bytes(
        f"{rule}--old-excel.xls",
        "an .xls file (the message asks for .xlsx)",
        ole2_bytes(b"Workbook"),
    )
    out.bytes(f"{rule}--pdf-as-csv.csv", "a PDF (binary, NUL bytes) named .csv", pdf_bytes())
    out.bytes(
        f"{rule}--encrypted.xlsx",
        "a password-protected workbook (an OLE2 container)",
        ole2_bytes(b"EncryptionInfo", b"EncryptedPackage"),
    )
    out.bytes(f"{rule}--not-parquet.parquet", "CSV text named .parquet", plain)
    out.bytes(
        f"{rule}--truncated.xlsx",
        "a workbook cut off half way (corrupt zip)",
        truncated_workbook(base),
    )


def empty_and_oversized_files(out: Folder, base: list[Record]) -> None:
    out.records("file.empty.csv", "the header line only", [])
    out.bytes(
        "file.empty--blank-lines.csv",
        "the header, then blank lines (which are ignored)",
        (",".join(HEADER) + "\n\n\n\n").encode(),
    )
    out.workbook("file.empty--excel.xlsx", "a workbook whose data sheet has the header only", [])
    # One row over the limit; short rows (no note column) keep the file small. The rows
    # repeat, but a file this long is refused before its rows are looked at.
    max_rows = CONTRACT.file["max_rows"]
    short = [row[:4] for row in text_rows(base)]
    rows = (short[i % len(short)] for i in range(max_rows + 1))
    out.rows("file.too_large.csv", f"{max_rows + 1:,} data rows", HEADER[:4], rows)


def column_and_row_files(out: Folder, base: list[Record]) -> None:
    kept = [i for i, name in enumerate(HEADER) if name != "value"]
    out.rows(
        "column.missing.csv",
        "no 'value' column",
        [HEADER[i] for i in kept],
        ([row[i] for i in kept] for row in text_rows(base)),
    )
    # An unquoted comma in a note makes one row a field longer than the header.
    lines = csv_text(HEADER, text_rows(base)).splitlines()
    i = next(n for n, line in enumerate(lines) if ",releases," in line)
    lines[i] = lines[i].rstrip(",") + ",incl. 4 transfers to hospital, 2 deportations"
    out.bytes(
        "row.malformed.csv",
        "a row with more fields than the header (unquoted comma)",
        ("\n".join(lines) + "\n").encode(),
    )
    limit = CONTRACT.limits["note_max_chars"]
    element = element_roles().subsets[1]
    out.records(
        "row.malformed--long-note.csv",
        f"a note of {limit + 1:,} characters",
        with_value(base, element, value_of(base, element), long_text(limit + 1)),
    )


def key_files(out: Folder, base: list[Record]) -> None:
    """Faults in the prison, period or data element. The prison and period faults run
    through every row, so the file still holds one complete prison-quarter."""
    code = base[0].prison_code
    typo = swapped_tail(code)
    out.records(
        "prison_code.unknown.csv",
        f"prison code '{typo}' (a typo of {code})",
        with_prison(base, typo),
    )
    out.records(
        "prison_code.unknown--empty.csv",
        "the prison code left empty in every row",
        with_prison(base, ""),
    )
    out.records("period.format.csv", "period written 2023Q3", with_period(base, "2023Q3"))
    out.records(
        "period.format--quarter-first.csv", "period written Q3-2023", with_period(base, "Q3-2023")
    )
    out.records(
        "period.not_ended.csv", "a far-future quarter, 2099-Q1", with_period(base, "2099-Q1")
    )
    extra = "hiv_tested_reception"
    assert extra not in CONTRACT.element_codes
    value = value_of(base, "hcv_tested_reception")  # most are tested for both at reception
    out.records(
        "data_element.unknown.csv",
        f"an extra row for '{extra}', not a contract code",
        [*base, Record(code, base[0].period, extra, value)],
    )
    element = element_roles().unpaired[-1]
    out.records(
        "data_element.unknown--typo.csv",
        f"'{element[:-1]}' written for '{element}'",
        with_element_code(base, element, element[:-1]),
    )


def value_files(out: Folder, base: list[Record]) -> None:
    roles = element_roles()
    superset, unpaired = roles.supersets[0], roles.unpaired
    n = value_of(base, superset)
    out.rows(
        "value.not_a_number.csv",
        f"{superset} written '{n} persons'",
        HEADER,
        with_raw_value(base, superset, f"{n} persons"),
    )
    out.rows(
        "value.not_a_number--n-a.csv",
        f"{unpaired[-1]} written 'n/a'",
        HEADER,
        with_raw_value(base, unpaired[-1], "n/a"),
    )
    out.records(
        "value.negative.csv",
        f"{unpaired[0]} = -1",
        with_value(base, unpaired[0], -1, "correction of last quarter"),
    )
    out.rows(
        "value.not_integer.csv",
        f"{superset} = {n}.5",
        HEADER,
        with_raw_value(base, superset, f"{n}.5"),
    )


def set_files(out: Folder, base: list[Record], other: list[Record]) -> None:
    """Faults found only by looking at several rows together."""
    code, period = base[0].prison_code, base[0].period
    element = element_roles().unpaired[0]
    corrected = Record(code, period, element, value_of(base, element) + 1, "corrected figure")
    out.records("row.duplicate.csv", f"a second {element} row added at the end", [*base, corrected])
    pop = population_element()
    out.records(
        "population.missing.csv",
        f"{pop} left empty",
        with_value(base, pop, None, "not available yet"),
    )
    out.records(
        "population.missing--row-absent.csv",
        f"no {pop} row at all",
        [r for r in base if r.element != pop],
    )
    out.records("population.zero.csv", f"{pop} = 0", with_value(base, pop, 0.0))
    first, second = CONTRACT.pairs[0]
    bigger = value_of(base, second) + 12
    out.records(
        "pair.exceeds.csv",
        f"{first} ({bigger}) > {second} ({value_of(base, second)})",
        with_value(base, first, bigger),
    )
    # Valid in every way; refused only at storage, when the demo director sends it.
    out.records(
        "authz.prison.csv",
        f"a valid file for {code} and {other[0].prison_code}, {period}",
        [*base, *other],
    )


def make_invalid_files(base: list[Record], other: list[Record]) -> dict[str, str]:
    """Write invalid/; return {file name: what it shows}."""
    out = Folder(INVALID_DIR)
    unreadable_files(out, base)
    empty_and_oversized_files(out, base)
    column_and_row_files(out, base)
    key_files(out, base)
    value_files(out, base)
    set_files(out, base, other)
    return out.made


# --------------------------------------------------------------------------- warnings files


def make_warning_files(base: list[Record], after_closing: list[Record]) -> dict[str, str]:
    """Write warnings/: accepted files that carry one warning each."""
    out = Folder(WARNINGS_DIR)
    # A note typed in Excel on Windows and saved as Windows-1252.
    element = element_roles().subsets[-3]
    note = "Übergabe an Suchtberatung – café"
    out.records(
        "file.encoding.csv",
        "a note in Windows-1252, not UTF-8",
        with_value(base, element, value_of(base, element), note),
        encoding="cp1252",
    )
    # A column of the sender's own (the template's helper columns are known and do not warn).
    rows = [[*row, CONTRACT.element(row[2]).definition] for row in text_rows(base)]
    out.rows("column.unknown.csv", "an extra 'remarks' column", [*HEADER, "remarks"], rows)
    # Two elements left out that no pair needs as its larger side.
    left_out = element_roles().subsets[-2:]
    out.records(
        "completeness.missing_elements.csv",
        f"{' and '.join(left_out)} left out",
        [r for r in base if r.element not in left_out],
    )
    out.records(
        "period.out_of_service.csv", "the closed prison, a quarter after it closed", after_closing
    )
    return out.made


# --------------------------------------------------------------------------- main


def clear_output() -> None:
    """Delete what an earlier run wrote (only the generated files and folders)."""
    REGISTER_FILE.unlink(missing_ok=True)
    for folder in (SUBMISSIONS_DIR, INVALID_DIR, WARNINGS_DIR):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()


def main() -> None:
    check_scenarios()
    rng = random.Random(SEED)
    clear_output()
    write_register(REGISTER_FILE)

    params = {p.code: draw_params(rng, p) for p in PRISONS}
    spare: dict[str, list[Record]] = {}
    last_return: dict[str, list[Record]] = {}
    files = 0
    for prison in PRISONS:
        par = params[prison.code]
        history: list[dict] = []
        for period in SERIES:
            if not prison.is_open(period):
                continue
            figures = steady_figures(rng, prison, par, period, history)
            history.append(figures)
            records = quarter_records(prison, period, figures)
            write_submission(prison, period, records)
            last_return[prison.code] = records
            files += 1
        # The spare quarter, for every prison open then (so each prison's draws stay put
        # whichever prisons the invalid files use), kept in line with both ends of the
        # series: a checker may compare it with the quarters after it or the latest ones.
        if prison.is_open(SPARE_QUARTER):
            n = CONTRACT.limits["outlier_history_quarters"]
            figures = steady_figures(rng, prison, par, SPARE_QUARTER, history[:n], history[-n:])
            spare[prison.code] = quarter_records(prison, SPARE_QUARTER, figures)

    invalid = make_invalid_files(spare[DEMO_DIRECTOR_PRISON], spare[AUTHZ_OTHER_PRISON])
    closed = PRISON_BY_CODE[CLOSED_IN_SERIES]
    after = quarter_label(quarter_index(closed.closed) + 2)
    warnings = make_warning_files(
        spare[DEMO_DIRECTOR_PRISON],
        [Record(r.prison_code, after, r.element, r.value) for r in last_return[CLOSED_IN_SERIES]],
    )
    check_rule_coverage(invalid, warnings)
    print(
        f"{len(PRISONS)} prisons, {files} submissions, {len(invalid)} invalid files, "
        f"{len(warnings)} warnings files"
    )


def check_rule_coverage(invalid: dict[str, str], warnings: dict[str, str]) -> None:
    """Every error rule of the contract has an invalid file; every name is a rule id."""
    rule_ids = {r.id for r in CONTRACT.rules}
    covered = {rule_of(name) for name in invalid}
    missing = {r.id for r in CONTRACT.rules if r.is_error} - covered
    if missing:
        raise SystemExit(f"no invalid file for the error rule(s) {sorted(missing)}")
    named = covered | {rule_of(name) for name in warnings}
    if named - rule_ids:
        raise SystemExit(f"files named after no rule: {sorted(named - rule_ids)}")


def rule_of(file_name: str) -> str:
    """`value.negative.csv` and `file.unreadable--encrypted.xlsx` -> their rule ids."""
    if "--" in file_name:
        return file_name.split("--")[0]
    return file_name.rsplit(".", 1)[0]


if __name__ == "__main__":
    main()
