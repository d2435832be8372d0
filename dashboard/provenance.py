"""What an export shows and where it comes from, in words a reader of a report understands.

Every export (PNG, SVG, CSV, XLSX) carries the same context: what is shown (indicator,
quarter or range, unit, benchmark), the filters, when the data were last changed, how
small numbers were treated, the source and the methods. It is worded here once, without
Streamlit, so the image footer, the CSV context lines and the XLSX provenance sheet
cannot drift apart and can be tested on literal values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import N_, _
from indicators.registry import unit_label
from indicators.suppression import SUPPRESSION_THRESHOLD
from store.account_model import Unsuppressed

# Marked with N_, printed with _ (in the reader's language); the facts' keys stay English.
SOURCE = N_("prison-monitor, the quarterly aggregate submissions of the prisons")
METHODS = N_(
    "indicator definitions and methods of indicators.md; 95% intervals by the Wilson score "
    "method for percentages and by exact Poisson (fewer than 10 events) or Byar's method for "
    "rates, as England's public-health indicators compute them"
)
UNIT_WORDS = {"%": N_("per cent")}
QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


@dataclass(frozen=True)
class ExportContext:
    """What an exported chart or table shows, in words: printed on (or beside) every export.

    Pages fill it in from what they drew; exports turn it into the title, the provenance
    footer of images and the context lines / provenance sheet of tables.
    """

    title: str  # what is shown, e.g. "Opioid substitution treatment coverage"
    period: str  # the quarter or range, e.g. "2026-Q2" or "2025-Q3 to 2026-Q2"
    filters: str  # the filters in plain words (dashboard.filters.describe())
    indicator_id: str | None = None
    unit: str | None = None  # "%", "per 1,000 person-years", …
    benchmark: str | None = None  # in words: "national value", "each prison's own region"
    notes: tuple[str, ...] = ()  # footnotes: what symbols mean, the method used


@dataclass(frozen=True)
class Provenance:
    """The context of one export with what the session adds: the data's date and whose
    figures the reader sees unsuppressed."""

    context: ExportContext
    data_as_of: str  # "2026-07-14 09:30 UTC" or "no data yet"
    # the reader's Account.unsuppressed_scope; Unsuppressed.NONE when nobody is logged in
    unsuppressed: Unsuppressed
    threshold: int = SUPPRESSION_THRESHOLD


def unit_words(unit: str | None) -> str | None:
    return None if unit is None else _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit_label(unit)


def period_words(period: str) -> str:
    if QUARTER.match(period.strip()):
        return _("quarter {period}").format(period=period)
    return _("quarters {period}").format(period=period)


def benchmark_words(benchmark: str | None) -> str | None:
    if not benchmark:
        return None
    words = benchmark.strip()
    if words.startswith(("each ", "the ")):
        return _("against {benchmark}").format(benchmark=words)
    return _("against the {benchmark}").format(benchmark=words)


def headline(context: ExportContext) -> str:
    """The title and its unit: "Opioid substitution treatment coverage (per cent)"."""
    unit = unit_words(context.unit)
    return f"{context.title} ({unit})" if unit else context.title


def detail(context: ExportContext) -> str:
    """The quarter and the benchmark: "Quarter 2026-Q2, against the national value"."""
    parts = [period_words(context.period)]
    against = benchmark_words(context.benchmark)
    if against and context.benchmark and context.benchmark not in context.title:
        parts.append(against)  # a title that already names its benchmark is not repeated
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def suppression_words(scope: Unsuppressed, threshold: int = SUPPRESSION_THRESHOLD) -> str:
    """How small numbers were treated for a reader who sees `scope` unsuppressed
    (suppression itself is applied upstream, by indicators.suppression for the account)."""
    small = _("1–{largest} persons").format(largest=threshold - 1)
    rule = _(
        "threshold {threshold}; secondary suppression hides further figures that would let "
        "one be recovered by subtraction"
    ).format(threshold=threshold)
    if scope is Unsuppressed.EVERY_PRISON:
        return _("unsuppressed (ministry view): do not publish figures about {small}").format(
            small=small
        )
    if scope is Unsuppressed.OWN_PRISONS:
        return _(
            "figures about {small} suppressed for other prisons and for aggregates; your "
            "own prisons unsuppressed ({rule})"
        ).format(small=small, rule=rule)
    return _("figures about {small} suppressed ({rule})").format(small=small, rule=rule)


def methods_words(context: ExportContext) -> str:
    parts = [_(METHODS)]
    against = benchmark_words(context.benchmark)
    if against:
        parts.append(_("each figure compared {against}").format(against=against))
    return "; ".join(parts)


def facts(provenance: Provenance) -> list[tuple[str, str]]:
    """The context as (key, value) pairs, in the order every export prints them.

    Keys are stable machine words (documented in the README for the CSV lines); an absent
    value (no indicator, no unit) is left out rather than printed empty.
    """
    context = provenance.context
    pairs = [
        ("indicator_id", context.indicator_id),
        ("title", context.title),
        ("period", context.period),
        ("unit", context.unit),
        ("benchmark", context.benchmark),
        ("filters", context.filters),
        ("data_as_of", provenance.data_as_of),
        ("small_numbers", suppression_words(provenance.unsuppressed, provenance.threshold)),
        ("source", _(SOURCE)),
        ("methods", methods_words(context)),
    ]
    pairs += [("note", note) for note in context.notes]
    return [(key, one_line(value)) for key, value in pairs if value]


def footer_lines(provenance: Provenance) -> list[str]:
    """The footer printed under an exported image, one sentence a line (wrapped later)."""
    context = provenance.context
    lines = [
        f"{headline(context)}. {detail(context)}.",
        _("Filters: {filters}.").format(filters=context.filters),
        _("Data as of {moment}.").format(moment=provenance.data_as_of),
        _("Small numbers: {words}.").format(
            words=suppression_words(provenance.unsuppressed, provenance.threshold)
        ),
        _("Source: {source}; methods: {methods}.").format(
            source=_(SOURCE), methods=methods_words(context)
        ),
    ]
    lines += list(context.notes)
    return [one_line(line) for line in lines]


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) as one space: a context value is one line."""
    return " ".join(str(text).split())
