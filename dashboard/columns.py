"""How every column the pages show or export is headed and formatted: one place for both.

Pages keep the core's machine names (`lower_95`) in their frames; the screen
(st.column_config) and the exports (XLSX number formats, headers) read the
human header and the kind of number from here, so a table looks the same on
screen and in a report. Values are rounded for display only: exports keep
the full precision, with a number format that shows the unit's precision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from i18n import N_, _

# Decimals shown for an indicator's value and interval, by unit.
UNIT_DECIMALS = {"%": 1, "per 1,000 person-years": 1, "per 1,000 releases": 1}
DEFAULT_DECIMALS = 1
PERSON_YEAR_DECIMALS = 1


# A figure as tables show it: whether it is shown (or why not), its counts, value and 95%
# interval, and what it is compared with. Pages add their own columns around it.
FIGURE_COLUMNS = (
    "state",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "benchmark",
    "significance",
)


@dataclass(frozen=True)
class Column:
    header: str
    # text, count (whole number), value (the indicator's unit), denominator (a count of
    # persons, or person-years for rates), change (in the unit), datetime, flag
    kind: str
    help: str | None = None


COLUMNS: dict[str, Column] = {
    "prison_code": Column(N_("Prison"), "text"),
    "name": Column(N_("Name"), "text"),
    "region": Column(N_("Region"), "text"),
    "prison_type": Column(N_("Prison type"), "text"),
    "period": Column(N_("Quarter"), "text"),
    "indicator": Column(N_("Indicator"), "text"),
    "indicator_id": Column(N_("Indicator id"), "text"),
    "unit": Column(N_("Unit"), "text"),
    "numerator": Column(N_("Numerator"), "count"),
    "denominator": Column(
        N_("Denominator"), "denominator", N_("Persons, or person-years for rates")
    ),
    "value": Column(N_("Value"), "value"),
    "lower_95": Column(N_("95% CI lower"), "value"),
    "upper_95": Column(N_("95% CI upper"), "value"),
    "lower_998": Column(N_("99.8% CI lower"), "value"),
    "upper_998": Column(N_("99.8% CI upper"), "value"),
    "benchmark": Column(N_("Benchmark"), "value"),
    "significance": Column(N_("Against the benchmark"), "text"),
    "judgement": Column(N_("Judgement"), "text"),
    "funnel_significance": Column(N_("Funnel"), "text"),
    "state": Column(N_("Figure"), "text"),
    "suppressed": Column(N_("Suppressed"), "flag"),
    "prisons": Column(N_("Prisons"), "count"),
    "recent_trend": Column(N_("Recent trend"), "text"),
    "change_on_previous_quarter": Column(N_("Change on previous quarter"), "change"),
    "change_on_year_before": Column(N_("Change on a year before"), "change"),
    "status": Column(N_("Status"), "text"),
    "versions": Column(N_("Versions"), "count"),
    "first_submitted_at": Column(N_("First sent"), "datetime"),
    "submitted_at": Column(N_("Sent"), "datetime"),
    "submission_id": Column(N_("Submission"), "text"),
    "review_state": Column(N_("Review"), "text"),
    "version": Column(N_("Version"), "count"),
    "warnings": Column(N_("Warnings"), "count"),
    "submitted_by": Column(N_("Sent by"), "text"),
    "comment": Column(N_("Latest comment"), "text"),
    "country": Column(N_("Country"), "text"),
    "file_name": Column(N_("File"), "text"),
    "sha256": Column(N_("SHA-256 of the file"), "text"),
    "reason": Column(N_("Why"), "text"),
    "errors": Column(N_("Errors"), "count"),
    "at": Column(N_("When"), "datetime"),
    "actor": Column(N_("Who"), "text"),
    "action": Column(N_("Action"), "text"),
    "detail": Column(N_("Detail"), "text"),
    "data_element": Column(N_("Data element"), "text"),
    "title": Column(N_("What it counts"), "text"),
    "opened": Column(N_("Opened (quarter)"), "text"),
    "closed": Column(N_("Closed (quarter)"), "text"),
    "modules": Column(N_("Modules reported"), "text"),
    "peer_group": Column(N_("Peer group"), "text"),
    "role": Column(N_("Role"), "text"),
    "email": Column(N_("E-mail"), "text"),
    "change": Column(N_("Change"), "text"),
    "field": Column(N_("Field"), "text"),
    "before": Column(N_("Before"), "text"),
    "after": Column(N_("After"), "text"),
}


def column(name: str) -> Column:
    """The column's header (in the current language) and kind; an unlisted column keeps its
    name, as text (a quarter's column, e.g. 2026-Q3, its name as written)."""
    from data_contracts.periods import is_period

    if name not in COLUMNS and is_period(name):
        return Column(name, "text")
    if name not in COLUMNS:
        return Column(name.replace("_", " ").capitalize(), "text")
    spec = COLUMNS[name]  # its words marked with N_, shown in the current language
    return replace(spec, header=_(spec.header), help=_(spec.help) if spec.help else None)


def decimals(kind: str, unit: str | None, *, rate: bool = False) -> int | None:
    """Decimals to show for a column kind (None: not a number)."""
    if kind in ("value", "change"):
        return UNIT_DECIMALS.get(unit or "", DEFAULT_DECIMALS)
    if kind == "count":
        return 0
    if kind == "denominator":
        return PERSON_YEAR_DECIMALS if rate else 0
    return None
