"""The reports' own words, marked for the catalogs (shown with `_()` in the reader's
language); the methods and provenance sections that every report ends with."""

from __future__ import annotations

from datetime import datetime

from dashboard.provenance import METHODS, SOURCE, suppression_words
from i18n import N_, _
from i18n.formats import moment as moment_words
from indicators.readings import benchmark_words
from reports.inputs import Readings
from reports.model import Paragraph, Section, Terms

ROLE_WORDS = {"ministry": N_("ministry"), "director": N_("director"), "evaluator": N_("evaluator")}

INTERVAL_METHOD = N_(
    "Intervals: every value is given with its 95% confidence interval, by the Wilson score "
    "method for percentages and by the exact Poisson method (fewer than 10 events) or "
    "Byar's method for rates per 1,000 person-years, as England's public-health "
    "indicators (Fingertips) compute them."
)
BENCHMARK_METHOD = N_(
    "Benchmarks: a figure is better or worse than its benchmark ({benchmark}) when the "
    "benchmark lies outside its 95% interval, and similar when inside; the indicator's "
    "polarity says which side is better. Where an indicator makes no judgement, the figure "
    "is only said to be higher or lower."
)
TREND_METHOD = N_(
    "Recent trend: over the last five quarters up to the quarter shown, a chi-squared test "
    "for trend at the 99.8% level (Fingertips' method); fewer than five usable quarters, or "
    "a suppressed one, give 'cannot be calculated'."
)
SUPPRESSION_METHOD = N_(
    "Small numbers: {words}. A suppressed figure is hidden, never rounded; not computable "
    "(a denominator of 0), not reported and not in service are said as such."
)


def vintage_words(readings: Readings) -> str:
    vintage = readings.vintage
    if vintage.release is not None:
        return _("release '{name}' (made {moment})").format(
            name=vintage.release.name, moment=moment_words(vintage.release.created_at)
        )
    if vintage.as_of is not None:
        return _("the data as they were at {moment}").format(moment=moment_words(vintage.as_of))
    if readings.data_as_of is None:
        return _("no data yet")
    return _("the latest data (newest file stored {moment})").format(
        moment=moment_words(readings.data_as_of)
    )


def methods_section(readings: Readings) -> Section:
    scope = readings.account.unsuppressed_scope
    return Section(
        _("Methods"),
        (
            Paragraph(_(INTERVAL_METHOD)),
            Paragraph(_(BENCHMARK_METHOD).format(benchmark=benchmark_words(readings.benchmark))),
            Paragraph(_(TREND_METHOD)),
            Paragraph(_(SUPPRESSION_METHOD).format(words=suppression_words(scope))),
            Paragraph(_("Definitions and methods in full: {methods}.").format(methods=_(METHODS))),
        ),
    )


def provenance_section(
    readings: Readings, filters: str, made_at: datetime, made_by: str
) -> Section:
    account = readings.account
    return Section(
        _("Provenance"),
        (
            Terms(
                (
                    (_("Data"), vintage_words(readings)),
                    (_("Generated"), moment_words(made_at)),
                    (
                        _("For"),
                        _("{name}, as {role}").format(
                            name=made_by, role=_(ROLE_WORDS.get(account.role, account.role))
                        ),
                    ),
                    (_("Small numbers"), suppression_words(account.unsuppressed_scope)),
                    (_("Benchmark"), benchmark_words(readings.benchmark)),
                    (_("Filters"), filters),
                    (_("Source"), _(SOURCE)),
                )
            ),
        ),
    )
