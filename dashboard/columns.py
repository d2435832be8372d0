"""How every column the pages show or export is headed and formatted: one place for both.

Pages keep the core's machine names (`lower_95`) in their frames; the screen
(st.column_config) and the exports (XLSX number formats, headers) read the
human header and the kind of number from here, so a table looks the same on
screen and in a report. Values are rounded for display only: exports keep
the full precision, with a number format that shows the unit's precision.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "prison_code": Column("Prison", "text"),
    "name": Column("Name", "text"),
    "region": Column("Region", "text"),
    "prison_type": Column("Prison type", "text"),
    "period": Column("Quarter", "text"),
    "indicator": Column("Indicator", "text"),
    "indicator_id": Column("Indicator id", "text"),
    "unit": Column("Unit", "text"),
    "numerator": Column("Numerator", "count"),
    "denominator": Column("Denominator", "denominator", "Persons, or person-years for rates"),
    "value": Column("Value", "value"),
    "lower_95": Column("95% CI lower", "value"),
    "upper_95": Column("95% CI upper", "value"),
    "lower_998": Column("99.8% CI lower", "value"),
    "upper_998": Column("99.8% CI upper", "value"),
    "benchmark": Column("Benchmark", "value"),
    "significance": Column("Against the benchmark", "text"),
    "judgement": Column("Judgement", "text"),
    "funnel_significance": Column("Funnel", "text"),
    "state": Column("Figure", "text"),
    "suppressed": Column("Suppressed", "flag"),
    "prisons": Column("Prisons", "count"),
    "recent_trend": Column("Recent trend", "text"),
    "change_on_previous_quarter": Column("Change on previous quarter", "change"),
    "change_on_year_before": Column("Change on a year before", "change"),
    "status": Column("Status", "text"),
    "versions": Column("Versions", "count"),
    "first_submitted_at": Column("First sent", "datetime"),
    "submitted_at": Column("Sent", "datetime"),
    "submission_id": Column("Submission", "text"),
    "review_state": Column("Review", "text"),
    "version": Column("Version", "count"),
    "warnings": Column("Warnings", "count"),
    "submitted_by": Column("Sent by", "text"),
    "comment": Column("Latest comment", "text"),
    "country": Column("Country", "text"),
    "file_name": Column("File", "text"),
    "sha256": Column("SHA-256 of the file", "text"),
    "reason": Column("Why", "text"),
    "errors": Column("Errors", "count"),
    "at": Column("When", "datetime"),
    "actor": Column("Who", "text"),
    "action": Column("Action", "text"),
    "detail": Column("Detail", "text"),
    "data_element": Column("Data element", "text"),
    "title": Column("What it counts", "text"),
    "opened": Column("Opened (quarter)", "text"),
    "closed": Column("Closed (quarter)", "text"),
    "modules": Column("Modules reported", "text"),
    "peer_group": Column("Peer group", "text"),
    "role": Column("Role", "text"),
    "email": Column("E-mail", "text"),
    "change": Column("Change", "text"),
    "field": Column("Field", "text"),
    "before": Column("Before", "text"),
    "after": Column("After", "text"),
}


def column(name: str) -> Column:
    """The column's header and kind; an unlisted column keeps its name, as text (a quarter's
    column, e.g. 2026-Q3, its name as written)."""
    from data_contracts.periods import is_period

    if name not in COLUMNS and is_period(name):
        return Column(name, "text")
    return COLUMNS.get(name, Column(name.replace("_", " ").capitalize(), "text"))


def decimals(kind: str, unit: str | None, *, rate: bool = False) -> int | None:
    """Decimals to show for a column kind (None: not a number)."""
    if kind in ("value", "change"):
        return UNIT_DECIMALS.get(unit or "", DEFAULT_DECIMALS)
    if kind == "count":
        return 0
    if kind == "denominator":
        return PERSON_YEAR_DECIMALS if rate else 0
    return None
