"""One figure of every chart kind, built from small literal frames, with its export context.

The export tests (tests/dashboard/test_exports.py for the computed layout,
tests/browser/test_export_layout.py for the drawn one) need every kind of chart the pages
draw, at its hardest: many legend entries, long titles, absent figures, several funnel
panels. The frames here are what the core hands the chart functions (the same columns),
kept small so a failure is easy to read.
"""

from __future__ import annotations

from types import SimpleNamespace

import plotly.graph_objects as go
import polars as pl

from dashboard import breakdown_charts, charts, completeness_charts
from dashboard.profile_charts import cascade_chart, spine_chart
from dashboard.provenance import ExportContext
from dashboard.time_charts import trend_chart
from indicators.availability import NOT_COMPUTABLE, NOT_IN_SERVICE, NOT_REPORTED, SHOWN, SUPPRESSED
from indicators.registry import load_registry

PERIOD, RANGE = "2026-Q2", "2025-Q3 to 2026-Q2"
QUARTERS = ("2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2")
FILTERS = "indicator: opioid substitution treatment coverage; quarter: 2026-Q2; all prisons"
LONG_TITLE = (
    "Continuity of care after release (21 days): persons released with a drug treatment need "
    "who started community treatment within three weeks"
)
PERCENT = SimpleNamespace(
    id="ost_coverage",
    title="Opioid substitution treatment coverage",
    unit="%",
    statistic="proportion",
    polarity="high_is_good",
)
RATE = SimpleNamespace(
    id="overdose_nonfatal_rate",
    title="Non-fatal overdoses in custody",
    unit="per 1,000 person-years",
    statistic="rate",
    polarity="low_is_good",
)
ABSENT = (SUPPRESSED, NOT_COMPUTABLE, NOT_REPORTED, NOT_IN_SERVICE)
JUDGEMENTS = ("better", "similar", "worse")


def _context(title: str, period: str = PERIOD, **more: object) -> ExportContext:
    return ExportContext(title=title, period=period, filters=FILTERS, **more)  # type: ignore[arg-type]


def compare_rows(n: int = 16) -> pl.DataFrame:
    """Prisons of one quarter: most shown, one of each kind of absent figure."""
    states = [*ABSENT, *([SHOWN] * (n - len(ABSENT)))]
    values = [None if s != SHOWN else 20.0 + 4 * i for i, s in enumerate(states)]
    return pl.DataFrame(
        {
            "prison_code": [f"NM-P{i:02d}" for i in range(n)],
            "value": values,
            "lower_95": [None if v is None else v - 6 for v in values],
            "upper_95": [None if v is None else v + 6 for v in values],
            "numerator": [None if v is None else 10.0 + i for i, v in enumerate(values)],
            "denominator": [100.0] * n,
            "benchmark": [45.0] * n,
            "benchmark_label": ["North region"] * n,
            "suppressed": [s == SUPPRESSED for s in states],
            "state": states,
            "judgement": [
                None if v is None else JUDGEMENTS[i % len(JUDGEMENTS)] for i, v in enumerate(values)
            ],
        }
    )


def funnel_frames(groups: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows, curves = [], []
    for g, group in enumerate(groups):
        for i in range(8):
            n = 40.0 + 60 * i
            rows.append(
                {
                    "group": group,
                    "prison_code": f"NM-{g}{i:02d}",
                    "denominator": n,
                    "value": 2.0 + 1.5 * i,
                    "judgement": JUDGEMENTS[i % len(JUDGEMENTS)],
                    "funnel_significance": "within the 95% limits",
                }
            )
        for n in (20.0, 100.0, 200.0, 400.0, 600.0):
            spread = 40 / n**0.5
            curves.append(
                {
                    "group": group,
                    "denominator": n,
                    "lower_998": 6 - 1.6 * spread,
                    "upper_998": 6 + 1.6 * spread,
                    "lower_95": 6 - spread,
                    "upper_95": 6 + spread,
                }
            )
    return pl.DataFrame(rows), pl.DataFrame(curves)


def trend_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    codes = [f"NM-P{i:02d}" for i in range(6)]
    rows = []
    for i, code in enumerate(codes):
        for q, period in enumerate(QUARTERS):
            state = ABSENT[i % len(ABSENT)] if q == i % len(QUARTERS) and i < 4 else SHOWN
            value = None if state != SHOWN else 30.0 + 5 * i + 2 * q
            rows.append(
                {
                    "prison_code": code,
                    "period": period,
                    "state": state,
                    "value": value,
                    "lower_95": None if value is None else value - 5,
                    "upper_95": None if value is None else value + 5,
                }
            )
    benchmarks = pl.DataFrame(
        {"period": list(QUARTERS), "label": ["national value"] * 4, "value": [44.0] * 4}
    )
    return pl.DataFrame(rows), benchmarks


def spine_rows() -> pl.DataFrame:
    labels = [
        "Opioid substitution treatment coverage (%)",
        "Drug treatment uptake (%)",
        "Non-fatal overdoses in custody (per 1,000 person-years)",
        "HCV testing at reception (%)",
        "Continuity of care after release (21 days) (%)",
        "Take-home naloxone at release (%)",
    ]
    states = [SHOWN, SHOWN, SUPPRESSED, SHOWN, NOT_REPORTED, SHOWN]
    return pl.DataFrame(
        {
            "label": labels,
            "state": states,
            "value": [None if s != SHOWN else 40.0 + 5 * i for i, s in enumerate(states)],
            "benchmark": [45.0] * 6,
            "minimum": [10.0] * 6,
            "q1": [30.0] * 6,
            "q3": [60.0] * 6,
            "maximum": [90.0] * 6,
            "judgement": ["better", "worse", None, "similar", None, "better"],
        }
    )


def completeness_grid() -> pl.DataFrame:
    statuses = list(completeness_charts.STATUS_COLOURS)
    return pl.DataFrame(
        [
            {
                "prison_code": f"NM-P{i:02d}",
                "period": period,
                "status": statuses[(i + q) % len(statuses)],
            }
            for i in range(10)
            for q, period in enumerate(QUARTERS)
        ]
    )


def gallery() -> dict[str, tuple[go.Figure, ExportContext]]:
    """Every chart kind, named, with the context its page gives it."""
    national = _context(
        PERCENT.title,
        indicator_id=PERCENT.id,
        unit=PERCENT.unit,
        benchmark="national value",
        notes=("* suppressed: about 1–4 persons; ○ not computable; ◇ not reported.",),
    )
    rows = compare_rows()
    single, single_curves = funnel_frames(("national",))
    regions = ("North", "South", "East", "West")
    panels, panel_curves = funnel_frames(regions)
    grid, benchmarks = trend_frames()
    counts = pl.DataFrame(
        [
            {"indicator": i, "judgement": j, "prisons": 3 + n}
            for n, i in enumerate(("ost_coverage", "treatment_uptake", "continuity_of_care"))
            for j in ("better", "similar", "worse", "not compared")
        ]
    )
    return {
        "compare": (charts.compare_chart(rows, PERCENT, "national value"), national),
        "compare-region": (
            charts.compare_chart(
                rows, PERCENT, "own region's value", per_row_benchmark=True, highlight=["NM-P07"]
            ),
            _context(
                LONG_TITLE,
                indicator_id="continuity_of_care",
                unit="%",
                benchmark="each prison's own region",
            ),
        ),
        "funnel": (
            charts.funnel_chart(
                single,
                single_curves,
                RATE,
                groups={"national": 6.0},
                title=RATE.title,
                highlight=["NM-003"],
            ),
            _context(RATE.title, indicator_id=RATE.id, unit=RATE.unit, benchmark="national value"),
        ),
        "funnel-regions": (
            charts.funnel_chart(
                panels,
                panel_curves,
                RATE,
                groups=dict.fromkeys(regions, 6.0),
                title=RATE.title,
            ),
            _context(
                RATE.title,
                indicator_id=RATE.id,
                unit=RATE.unit,
                benchmark="each prison's own region",
            ),
        ),
        "trend": (
            trend_chart(
                grid,
                benchmarks,
                PERCENT,
                {"NM-P00": "increasing", "NM-P01": "no significant change"},
                title=PERCENT.title,
                highlight=["NM-P01"],
            ),
            _context(
                PERCENT.title, RANGE, indicator_id=PERCENT.id, unit="%", benchmark="national value"
            ),
        ),
        "overview": (
            charts.judgements_chart(counts, load_registry(), PERIOD),
            _context("Overview: prisons against the benchmark", benchmark="national value"),
        ),
        "profile": (
            spine_chart(spine_rows(), f"NM-WFP: indicators against the national value, {PERIOD}"),
            _context(
                "Willowford Prison (NM-WFP): indicators against the national value",
                benchmark="national value",
            ),
        ),
        "cascade": (
            cascade_chart(
                pl.DataFrame(
                    [
                        ("Received", 420.0, SHOWN),
                        ("Tested for HCV", 300.0, SHOWN),
                        ("Antibody positive", None, SUPPRESSED),
                        ("Started treatment", 12.0, SHOWN),
                    ],
                    schema=["step", "persons", "state"],
                    orient="row",
                ),
                f"NM-WFP: hepatitis C cascade, {PERIOD}",
            ),
            _context("Willowford Prison (NM-WFP): hepatitis C cascade (persons)"),
        ),
        "completeness": (
            completeness_charts.completeness_grid(completeness_grid()),
            _context("Data completeness", RANGE),
        ),
        "completeness-by-quarter": (
            completeness_charts.completeness_by_quarter(completeness_grid()),
            _context("Data completeness", RANGE),
        ),
        "medication-mix": (
            breakdown_charts.mix_chart(
                share_series(("methadone", "buprenorphine", "another agonist"), QUARTERS),
                f"NM-WFP: {LONG_TITLE}, {RANGE}",
                "% of persons receiving opioid substitution treatment",
            ),
            _context("Willowford Prison (NM-WFP): medication of OST", RANGE),
        ),
        "psychosocial-types": (
            breakdown_charts.types_chart(
                share_series(PSYCHOSOCIAL, (PERIOD,)),
                f"NM-WFP: psychosocial interventions by type, {PERIOD}",
                "% of persons in a psychosocial intervention",
            ),
            _context("Willowford Prison (NM-WFP): psychosocial interventions by type"),
        ),
    }


PSYCHOSOCIAL = (
    "cognitive-behavioural therapy",
    "motivational interviewing",
    "contingency management",
    "peer support",
    "therapeutic community",
    "other interventions",
)


def share_series(parts: tuple[str, ...], periods: tuple[str, ...]) -> pl.DataFrame:
    """breakdown_series' shape: shares of each quarter, one quarter and one share absent."""
    rows = []
    for q, period in enumerate(periods):
        for n, part in enumerate(parts):
            state = SHOWN
            if q == 1 and len(periods) > 1:
                state = SUPPRESSED  # a whole quarter hidden
            elif len(periods) == 1 and n == 2:
                state = NOT_COMPUTABLE
            value = (60.0, 30.0, 10.0, 25.0, 15.0, 5.0)[n] if state == SHOWN else None
            rows.append(
                {
                    "period": period,
                    "indicator": f"share_{n}",
                    "title": f"Share: {part}",
                    "value": value,
                    "lower_95": None if value is None else max(0.0, value - 8),
                    "upper_95": None if value is None else value + 8,
                    "state": state,
                }
            )
    return pl.DataFrame(rows)
