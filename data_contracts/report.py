"""The validation report: what a sender is told about a file.

Two forms of one object: the JSON of submission-format.md §6 (exact keys, for
machines and the dashboard) and a plain text a prison director can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

from data_contracts.contract import Contract, load_contract
from i18n import N_, _, ngettext
from i18n.formats import number


# slots: a file of junk has 400,000 issues; without a __dict__ each is smaller and quicker made
@dataclass(frozen=True, slots=True)
class Issue:
    rule: str
    severity: str
    row: int | None
    column: str | None
    prison_code: str | None
    period: str | None
    data_element: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        # every field is a str, an int or None: asdict's deep copy would only cost time
        # (8 s for the 400,000 issues of a file of junk)
        return {name: getattr(self, name) for name in ISSUE_FIELDS}


ISSUE_FIELDS = tuple(f.name for f in fields(Issue))


# Message fields the engine composes itself (quoting any cell in them already): kept whole,
# where a field holding one cell is cut to SHOWN_CHARS.
COMPOSED_FIELDS = frozenset({"detail", "found", "missing", "columns", "modules", "parts"})


def make_issue(
    rule_id: str,
    *,
    row: int | None = None,
    column: str | None = None,
    prison_code: str | None = None,
    period: str | None = None,
    data_element: str | None = None,
    message: str | None = None,
    contract: Contract | None = None,
    case: str | None = None,
    **fields: Any,
) -> Issue:
    """An Issue for `rule_id`, its message filled from the contract's template (of `case`
    when the rule has variants) in the current language (data_contracts.languages)."""
    rule = (contract or load_contract()).rule(rule_id)
    values = {
        key: quoted(value) if isinstance(value, str) and key not in COMPOSED_FIELDS else value
        for key, value in {
            "row": row,
            "column": column,
            "prison_code": prison_code,
            "period": period,
            "data_element": data_element,
            **fields,
        }.items()
    }
    for key in COMPOSED_FIELDS:
        if isinstance(values.get(key), str):
            values[key] = _one_line(values[key])
    text = (message or rule.message_in(case=case)).format_map(_Blank(values))
    return Issue(
        rule=rule.id,
        severity=rule.severity,
        row=row,
        column=column,
        prison_code=prison_code,
        period=period,
        data_element=data_element,
        message=text,
    )


SHOWN_CHARS = 60
# C0, DEL and C1 controls (Unicode category Cc): shown escaped, so a message stays one
# visible line
_CONTROL = {i: f"\\x{i:02x}" for i in (*range(32), *range(0x7F, 0xA0))} | {
    10: "\\n",
    13: "\\r",
    9: "\\t",
}


# The same characters as a Polars (Rust) regex class.
_CONTROL_CLASS = r"[\x00-\x1F\x7F-\x{9F}]"


def _one_line(text: str) -> str:
    return text.translate(_CONTROL)


def quoted(text: str) -> str:
    """A cell as a message quotes it: on one line, and cut short if it is long."""
    text = _one_line(text)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def quoted_series(texts: pl.Series) -> pl.Series:
    """`quoted` of every cell of a text column, column-wise (nulls stay null)."""
    controlled = texts.filter(texts.str.contains(_CONTROL_CLASS)).unique()
    if controlled.len():  # rare: only those cells go through Python
        texts = texts.replace(controlled, [_one_line(t) for t in controlled])
    long = texts.str.len_chars() > SHOWN_CHARS
    cut = texts.str.slice(0, SHOWN_CHARS - 1) + "…"
    return pl.select(pl.when(long).then(cut).otherwise(texts)).to_series().alias(texts.name)


class _Blank(dict):
    """Format mapping that leaves an unknown field empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


# A stored report keeps at most this many issues of one rule (the rest are counted):
# far more than anyone reads, and a bound on what one file can write to the store.
STORED_ISSUES_PER_RULE = 200


@dataclass
class ValidationReport:
    file: str
    rows: int = 0
    prisons: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # (prison_code, period, period_index) named by the rows, for the submission history;
    # not part of the JSON report
    quarters: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def rules(self) -> set[str]:
        return {i.rule for i in self.issues}

    def add(self, *issues: Issue) -> None:
        self.issues.extend(issues)

    def sort(self, contract: Contract | None = None) -> None:
        """File and column problems first, then by row, then in the contract's rule order."""
        order = (contract or load_contract()).rule_order
        self.issues.sort(
            key=lambda i: (
                i.row is not None,
                i.row or 0,
                i.prison_code or "",
                i.period or "",
                order.get(i.rule, 999),
                i.column or "",
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "accepted": self.accepted,
            "rows": self.rows,
            "prisons": self.prisons,
            "periods": self.periods,
            "errors": [i.to_dict() for i in self.errors],
            "warnings": [i.to_dict() for i in self.warnings],
        }

    def to_stored_dict(self, per_rule: int = STORED_ISSUES_PER_RULE) -> dict[str, Any]:
        """The JSON a store keeps: to_dict() with at most `per_rule` issues of each rule.

        A file of a million bad rows would otherwise make a stored report of hundreds
        of MB. `totals` counts every issue of each rule and `left_out` those not kept
        ("and 99,980 more"), so counts and verdicts read from the stored report stay
        true; the rule of every issue is still there at least once.
        """
        data = self.to_dict()
        totals: dict[str, int] = {}
        left_out: dict[str, int] = {}
        for key in ("errors", "warnings"):
            kept = []
            for issue in data[key]:
                rule = issue["rule"]
                totals[rule] = totals.get(rule, 0) + 1
                if totals[rule] <= per_rule:
                    kept.append(issue)
                else:
                    left_out[rule] = left_out.get(rule, 0) + 1
            data[key] = kept
        data["totals"] = totals
        data["left_out"] = left_out
        return data

    def to_text(self, verdict: str | None = None) -> str:
        """The report for a terminal. `verdict` names it when the store decided more than
        the contract did (`refused`: only storage rules such as authz.prison stopped it)."""
        code = verdict or ("accepted" if self.accepted else "rejected")
        word = VERDICT_WORDS.get(code)
        errors, warnings = len(self.errors), len(self.warnings)
        details = [ngettext("{count} data row", "{count} data rows", self.rows)]
        details[0] = details[0].format(count=number(self.rows))
        if self.prisons:
            details.append(
                ngettext("prison {codes}", "prisons {codes}", len(self.prisons)).format(
                    codes=", ".join(self.prisons)
                )
            )
        if self.periods:
            details.append(
                ngettext("period {periods}", "periods {periods}", len(self.periods)).format(
                    periods=", ".join(self.periods)
                )
            )
        lines = [
            _("{file}: {verdict} — {errors}, {warnings} ({details})").format(
                file=self.file,
                verdict=_(word) if word else code.upper(),
                errors=ngettext("{count} error", "{count} errors", errors).format(
                    count=number(errors)
                ),
                warnings=ngettext("{count} warning", "{count} warnings", warnings).format(
                    count=number(warnings)
                ),
                details="; ".join(details),
            )
        ]
        if self.errors:
            lines += [
                "",
                _("Errors — nothing of this file was stored; fix these and send it again:"),
            ]
            lines += _issue_lines(self.errors)
        if self.warnings:
            lines += ["", _("Warnings — these do not block the file; check them:")]
            lines += _issue_lines(self.warnings)
        return "\n".join(lines)


# The verdicts' words at the head of the text report (store.verdict's codes).
VERDICT_WORDS = {"accepted": N_("ACCEPTED"), "rejected": N_("REJECTED"), "refused": N_("REFUSED")}


# The text form lists at most this many issues of one rule; the JSON form lists them all.
TEXT_ISSUES_PER_RULE = 20


def _issue_lines(issues: list[Issue]) -> list[str]:
    lines: list[str] = []
    shown: dict[str, int] = {}
    for issue in issues:
        shown[issue.rule] = shown.get(issue.rule, 0) + 1
        if shown[issue.rule] <= TEXT_ISSUES_PER_RULE:
            lines.append(_issue_line(issue))
    for rule, n in shown.items():
        if n > TEXT_ISSUES_PER_RULE:
            more = n - TEXT_ISSUES_PER_RULE
            text = ngettext(
                "… and {count} more [{rule}] like the one above (--json lists every one)",
                "… and {count} more [{rule}] like those above (--json lists every one)",
                more,
            )
            lines.append("  " + text.format(count=number(more), rule=rule))
    return lines


def _issue_line(issue: Issue) -> str:
    where = []
    if issue.row is not None:
        where.append(_("row {row}").format(row=issue.row))
    elif issue.prison_code or issue.period:
        where.append(" ".join(p for p in (issue.prison_code, issue.period) if p))
    if issue.column:
        where.append(_("column {column}").format(column=issue.column))
    place = ", ".join(where) or _("file")
    return "  - " + _("{place}: {message} [{rule}]").format(
        place=place, message=issue.message, rule=issue.rule
    )
