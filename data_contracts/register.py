"""The prison register: which prisons may submit, and when they were open.

The register file (submission-format.md §5) is checked row by row before
anything of it is stored; `Register` is what the submission checks read.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.contract import Contract, load_contract
from data_contracts.countries import DEFAULT_COUNTRY_SETTING, default_country, is_country_code
from data_contracts.languages import in_language, texts_of
from data_contracts.periods import is_period, period_index
from data_contracts.reader import FileRejected, read_csv_table
from data_contracts.report import Issue

MODULE_SEPARATOR = ";"
MAX_QUOTED_CHARS = 60  # an unknown module is quoted in its message, cut to this


@dataclass(frozen=True)
class Prison:
    code: str
    name: str
    region: str
    prison_type: str | None = None
    opened: str | None = None
    closed: str | None = None
    modules: tuple[str, ...] = ()  # the modules beyond the base module it reports
    peer_group: str | None = None  # as the register writes it
    # ISO 3166-1 alpha-2 (data_contracts.countries); a register without it: default_country
    country: str = field(default_factory=default_country)

    @property
    def peer(self) -> str | None:
        """The group it is compared with (indicators.md §4.1): its peer_group, else its
        prison_type, else none."""
        return self.peer_group or self.prison_type

    def reports(self, module: str, base_module: str) -> bool:
        return module == base_module or module in self.modules

    def open_in(self, index: int) -> bool:
        if self.opened and index < period_index(self.opened):
            return False
        return not (self.closed and index > period_index(self.closed))

    def service(self, contract: Contract) -> str:
        """When it is open, in words of the current language (the contract's phrases)."""
        if self.opened and self.closed:
            return contract.phrase("service_between", opened=self.opened, closed=self.closed)
        if self.opened:
            return contract.phrase("service_opened", opened=self.opened)
        if self.closed:
            return contract.phrase("service_closed", closed=self.closed)
        return contract.phrase("service_always")


@dataclass(frozen=True)
class Register:
    prisons: dict[str, Prison]

    @property
    def codes(self) -> list[str]:
        return sorted(self.prisons)

    def __contains__(self, code: object) -> bool:
        return code in self.prisons

    def __len__(self) -> int:
        return len(self.prisons)


def _issue(rule: str, row: int | None, column: str | None, contract: Contract, **fields) -> Issue:
    entry = next(r for r in contract.register["rules"] if r["id"] == rule)
    template = in_language(texts_of(entry, "message"))
    return Issue(
        rule=rule,
        severity="error",
        row=row,
        column=column,
        prison_code=fields.get("value") if column == "prison_code" else None,
        period=None,
        data_element=None,
        message=template.format(column=column, **fields),
    )


def read_register(path: Path, contract: Contract | None = None) -> tuple[list[Prison], list[Issue]]:
    """The prisons of a register file, or the problems that keep it from being stored."""
    contract = contract or load_contract()
    try:
        table = read_csv_table(path.read_bytes(), contract)
    except FileRejected as exc:
        return [], [_issue("register.unreadable", None, None, contract, detail=exc.issue.message)]
    except OSError as exc:
        detail = contract.phrase("register_not_opened", reason=exc.strerror)
        return [], [_issue("register.unreadable", None, None, contract, detail=detail)]
    spec = contract.register
    names = [(h or "").strip().lower() for h in table.header]
    index = {}
    for i, name in enumerate(names):
        index.setdefault(name, i)
    issues = [
        _issue("register.column_missing", None, c["name"], contract, content=c["content"])
        for c in spec["columns"]
        if c["required"] and c["name"] not in index
    ]
    if issues:
        return [], issues
    if table.frame.height == 0:
        return [], [_issue("register.empty", None, None, contract)]

    def cell(values: dict[str, str | None], column: str) -> str | None:
        text = (values.get(column) or "").strip()
        return text or None

    fallback = None if "country" in index else default_country()
    if fallback is not None and not is_country_code(fallback):
        setting = contract.phrase("register_country_setting", setting=DEFAULT_COUNTRY_SETTING)
        return [], [_country_issue(fallback, None, contract, setting)]
    code_re = re.compile(spec["code_pattern"])
    prisons: list[Prison] = []
    first_row: dict[str, int] = {}
    for record in table.frame.iter_rows(named=True):
        row = record["row"]
        values = {
            c["name"]: record[f"c{index[c['name']]}"] for c in spec["columns"] if c["name"] in index
        }
        code = cell(values, "prison_code")
        problems = []
        for column in ("prison_code", "name", "region"):
            if cell(values, column) is None:
                problems.append(_issue("register.required", row, column, contract))
        if code is not None and not code_re.match(code):
            upper = re.sub(r"\s+", "-", code.upper())
            hint = contract.phrase("did_you_mean", found=upper) if code_re.match(upper) else ""
            problems.append(
                _issue("register.code", row, "prison_code", contract, value=code, suggestion=hint)
            )
        elif code is not None and code in first_row:
            problems.append(
                _issue(
                    "register.duplicate",
                    row,
                    "prison_code",
                    contract,
                    value=code,
                    first_row=first_row[code],
                )
            )
        elif code is not None:
            first_row[code] = row
        quarters = {c: cell(values, c) for c in ("opened", "closed")}
        for column, value in quarters.items():
            if value is not None and not is_period(value):
                problems.append(_issue("register.quarter", row, column, contract, value=value))
        opened, closed = quarters["opened"], quarters["closed"]
        ordered = opened and closed and is_period(opened) and is_period(closed)
        if ordered and period_index(closed) < period_index(opened):
            problems.append(
                _issue("register.order", row, "closed", contract, opened=opened, closed=closed)
            )
        country = cell(values, "country") if "country" in index else fallback
        if country is None:
            problems.append(_issue("register.required", row, "country", contract))
        elif "country" in index and not is_country_code(country):
            problems.append(_country_issue(country, row, contract))
        modules, unknown = _modules(cell(values, "modules"), contract)
        problems.extend(
            _issue(
                "register.module",
                row,
                "modules",
                contract,
                value=value,
                known=", ".join(contract.optional_module_ids),
            )
            for value in unknown
        )
        if problems:
            issues.extend(problems)
            continue
        prisons.append(
            Prison(
                code=code or "",
                name=cell(values, "name") or "",
                region=cell(values, "region") or "",
                prison_type=cell(values, "prison_type"),
                opened=opened,
                closed=closed,
                modules=modules,
                peer_group=cell(values, "peer_group"),
                country=country or "",
            )
        )
    return ([] if issues else prisons), issues


def _country_issue(value: str, row: int | None, contract: Contract, where: str = "") -> Issue:
    upper = value.strip().upper()
    hint = (
        contract.phrase("did_you_mean", found=upper)
        if upper != value and is_country_code(upper)
        else ""
    )
    return _issue(
        "register.country",
        row,
        "country",
        contract,
        value=value[:MAX_QUOTED_CHARS],
        suggestion=f"{where}{hint}",
    )


def _modules(text: str | None, contract: Contract) -> tuple[tuple[str, ...], list[str]]:
    """The modules a register cell names (in the contract's order), and the unknown ones.

    Codes are matched ignoring case and spaces; naming the base module is allowed and
    changes nothing (every prison reports it)."""
    if not text:
        return (), []
    known = {m.lower(): m for m in contract.module_ids}
    named, unknown = set(), []
    for part in text.split(MODULE_SEPARATOR):
        word = part.strip()
        if not word:
            continue
        if word.lower() in known:
            named.add(known[word.lower()])
        else:
            unknown.append(word[:MAX_QUOTED_CHARS])
    kept = tuple(m for m in contract.optional_module_ids if m in named)
    return kept, unknown


def closest(value: str, candidates: list[str]) -> str | None:
    """The candidate a mistyped code most likely meant, if one is close."""
    exact = {c.lower(): c for c in candidates}
    if value.strip().lower() in exact:
        return exact[value.strip().lower()]
    found = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
    return found[0] if found else None
