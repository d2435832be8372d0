"""Filters that live in the URL (st.query_params), so a view can be shared and reopened.

Each widget starts from the URL's value when it is valid and writes its value back; a
default value is left out of the URL to keep links short. A link is text anyone can
write, so nothing from it is trusted: a number is clamped to its widget's range, a list
is cut to its limit, an unknown code is dropped, and each such change is told to the
person in one plain sentence (the offending text shown cut short and as text, never as
Markdown). The filters a page used are kept, in words, for the provenance of its exports
(describe()); raw URL text never reaches them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
import streamlit as st

from dashboard import markup
from data_contracts.contract import translated
from data_contracts.periods import is_period, period_index, period_label
from i18n import N_, _, formats
from i18n.formats import capitalised
from indicators.aggregates import PEER
from indicators.readings import benchmark_words
from indicators.suppression_peer import PEER_NOT_OFFERED, benchmarks_for

# How much of an ignored value a note quotes, and how many values a list parameter may
# carry before the rest is ignored unread.
QUOTED_CHARACTERS = 40
MAX_LIST_VALUES = 200
MAX_VALUE_CHARACTERS = 200
QUARTERS_OFFERED = 40
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")  # 18 digits: well inside a 64-bit integer
_DESCRIBED = "_filters_described"
_NOTES = "_filters_notes"


def start_page() -> None:
    """Forget the previous run's filters and notes (app.py calls it before each page)."""
    st.session_state[_DESCRIBED] = {}
    st.session_state[_NOTES] = []


def quoted(text: str) -> str:
    """``text`` safe to print inside a note: printable, cut short, Markdown escaped
    (dashboard.markup.text, the dashboard's one escaping)."""
    clean = "".join(c if unicodedata.category(c)[0] not in "CZ" or c == " " else "?" for c in text)
    if len(clean) > QUOTED_CHARACTERS:
        clean = clean[:QUOTED_CHARACTERS] + "…"
    return markup.text(clean)


def note(message: str) -> None:
    """Tell the person, once per run, that something in the link was ignored or changed."""
    notes = st.session_state.setdefault(_NOTES, [])
    if message not in notes:
        notes.append(message)
        st.sidebar.warning(message, icon=":material/link_off:")


def _described(label: str, words: str) -> None:
    st.session_state.setdefault(_DESCRIBED, {})[label] = words


def _values(name: str) -> list[str]:
    values = st.query_params.get_all(name)
    if len(values) > MAX_LIST_VALUES:
        note(
            _(
                "The link gave {count} values for '{name}'; only the first {limit} were read."
            ).format(count=formats.number(len(values)), name=quoted(name), limit=MAX_LIST_VALUES)
        )
        values = values[:MAX_LIST_VALUES]
    long = [v for v in values if len(v) > MAX_VALUE_CHARACTERS]
    if long:
        note(
            _(
                "The link's '{name}' held a value of {count} characters, longer than any "
                "filter's ({limit}); it was ignored."
            ).format(
                name=quoted(name), count=formats.number(len(long[0])), limit=MAX_VALUE_CHARACTERS
            )
        )
    return [v for v in values if len(v) <= MAX_VALUE_CHARACTERS]


def _param(name: str) -> str | None:
    values = _values(name)
    return values[-1] if values else None


def set_param(name: str, value: Any, default: Any = None) -> None:
    if value is None or value == default or value == []:
        if name in st.query_params:
            del st.query_params[name]
    elif isinstance(value, list):
        st.query_params[name] = [str(v) for v in value]
    else:
        st.query_params[name] = str(value)


def int_param(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number from the URL, clamped to low..high (the default when it is not one).

    Only ASCII digits count: Python's int() also reads other scripts' digits and "1_000",
    which no link of ours writes, so such a value is reported rather than guessed at.
    """
    raw = _param(name)
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw.strip()):
        note(
            _("The link's '{name}' = '{value}' is not a whole number; {default} is used.").format(
                name=quoted(name), value=quoted(raw), default=default
            )
        )
        return default
    value = int(raw.strip())
    clamped = max(low, value) if low is not None else value
    clamped = min(high, clamped) if high is not None else clamped
    if clamped != value:
        note(
            _("The link's '{name}' = {value} is out of range; {used} is used.").format(
                name=quoted(name), value=formats.number(value), used=clamped
            )
        )
    return clamped


def number(label: str, param: str, default: int, *, low: int, high: int, step: int = 1) -> int:
    """A whole-number input kept in the URL under `param`, clamped to low..high, and named
    with its value in the export's filters like every other widget."""
    value = st.sidebar.number_input(
        label,
        min_value=low,
        max_value=high,
        value=int_param(param, default, low=low, high=high),
        step=step,
    )
    set_param(param, int(value), default)
    _described(label, formats.number(int(value)))
    return int(value)


def choice(
    label: str,
    options: Sequence[Any],
    param: str,
    default: Any,
    *,
    format_func: Callable[[Any], Any] = str,
    sidebar: bool = True,
    help: str | None = None,
    withheld: Mapping[str, str] | None = None,
) -> Any:
    """A selectbox whose value is kept in the URL under `param`; `withheld`: values that
    exist but are not offered to this reader, each with the sentence saying why."""
    options = list(options)
    if not options:
        return None
    from_url = _param(param)
    value = next((o for o in options if str(o) == from_url), None)
    if from_url is not None and value is None and from_url in (withheld or {}):
        note((withheld or {})[from_url])
    elif from_url is not None and value is None:
        note(
            _(
                "The link asked for {what} '{value}', which is not one of the choices; it was "
                "left out."
            ).format(what=label.lower(), value=quoted(from_url))
        )
    if value is None:
        value = default if default in options else options[0]
    where = st.sidebar if sidebar else st
    chosen = where.selectbox(
        label,
        options,
        index=options.index(value),
        format_func=format_func,
        key=f"f_{param}",
        help=help,
    )
    set_param(param, chosen, default)
    _described(label, str(format_func(chosen)))
    return chosen


def choices(
    label: str,
    options: Sequence[str],
    param: str,
    *,
    sidebar: bool = True,
    max_selections: int | None = None,
    default: Sequence[str] = (),
) -> list[str]:
    """A multiselect whose values are kept in the URL under `param` (repeated)."""
    options = list(options)
    asked = _values(param)
    known = list(dict.fromkeys(v for v in asked if v in options))
    unknown = [v for v in asked if v not in options]
    if unknown:
        shown = ", ".join(f"'{quoted(v)}'" for v in unknown[:3])
        if len(unknown) > 3:
            message = _(
                "The link named {what} {names} and {count} more that do not exist; they were "
                "left out."
            )
        else:
            message = _("The link named {what} {names} that do not exist; they were left out.")
        more = formats.number(len(unknown) - 3)
        note(message.format(what=label.lower(), names=shown, count=more))
    if max_selections is not None and len(known) > max_selections:
        note(
            _("The link chose {count} for '{what}'; the first {limit} are shown.").format(
                count=len(known), what=label, limit=max_selections
            )
        )
        known = known[:max_selections]
    initial = known or [d for d in default if d in options][: max_selections or None]
    where = st.sidebar if sidebar else st
    chosen = where.multiselect(
        label, options, default=initial, key=f"f_{param}", max_selections=max_selections
    )
    set_param(param, chosen, list(default))
    _described(label, ", ".join(chosen) if chosen else _("all"))
    return chosen


def quarter_range(default_first: int, default_last: int) -> tuple[int, int]:
    """From and to quarters (indexes), kept in the URL as `from` and `to`."""
    options = [
        period_label(i) for i in range(default_last - QUARTERS_OFFERED + 1, default_last + 1)
    ]
    first = choice(
        _("From quarter"),
        options,
        "from",
        period_label(max(default_first, period_index(options[0]))),
    )
    last = choice(_("To quarter"), options, "to", period_label(default_last))
    a, b = period_index(first), period_index(last)
    return (a, b) if a <= b else (b, a)


def quarter(label: str, options: Sequence[str], default: str) -> str:
    valid = [o for o in options if is_period(o)]
    return choice(label, valid, "q", default)


def prison_filter(frame: pl.DataFrame, *, regions: Sequence[str] | None = None) -> pl.DataFrame:
    """Region and prison type filters (in the URL) applied to a frame of prisons."""
    from indicators.readings import prisons_in

    all_regions = sorted(frame["region"].drop_nulls().unique().to_list())
    chosen_regions = choices(_("Region"), all_regions, "region")
    types = sorted(frame["prison_type"].drop_nulls().unique().to_list())
    chosen_types = choices(_("Prison type"), types, "type")
    return prisons_in(frame, regions=chosen_regions, types=chosen_types)


def describe() -> str:
    """The filters of the current view in words, for the provenance of an export."""
    return in_words(st.session_state.get(_DESCRIBED, {}))


def indicator_context(ind, period: str, benchmark: str, notes, title: str | None = None):  # type: ignore[no-untyped-def]
    """The provenance of an export of one indicator's view: its title (default the
    indicator's), quarter or span, this page's filters in words, unit, benchmark, notes."""
    from dashboard.provenance import ExportContext

    return ExportContext(
        title=title or translated(ind, "title"),
        period=period,
        filters=describe(),
        indicator_id=ind.id,
        unit=ind.unit,
        benchmark=benchmark,
        notes=tuple(notes),
    )


def in_words(described: Mapping[str, str]) -> str:
    """'Indicator: …; Quarter: 2026-Q2; Region: all' from each widget's label and the
    words its format_func gave the validated value (never the URL's text)."""
    return "; ".join(f"{label}: {words}" for label, words in described.items()) or _("none")


def indicator(registry, *, sidebar: bool = True):  # type: ignore[no-untyped-def]
    """The indicator chosen (kept in the URL as `ind`), offered domain after domain; the
    registry's first (opioid substitution treatment coverage, the headline) by default."""
    ids = list(registry.ids_by_domain)
    default = registry.ids[0]
    chosen = choice(
        _("Indicator"),
        ids,
        "ind",
        default,
        format_func=lambda i: translated(registry[i], "title"),
        sidebar=sidebar,
    )
    return registry[chosen]


BENCHMARK_HELP = N_(
    "A prison is compared with the national value of the same quarter, or with its own region's."
)
PEER_HELP = N_(
    "A prison is compared with the national value of the same quarter, or with its own "
    "region's, or with its peer group's (the register's peer_group, else its prison type)."
)


def benchmark(account) -> str:  # type: ignore[no-untyped-def]
    """The benchmark chosen (kept in the URL as `bench`), among those `account` may use."""
    offered = benchmarks_for(account)
    peer = PEER in offered
    chosen = choice(
        _("Benchmark"),
        offered,
        "bench",
        "national",
        format_func=lambda b: capitalised(benchmark_words(b)),
        help=_(PEER_HELP) if peer else f"{_(BENCHMARK_HELP)} {PEER_NOT_OFFERED}",
        withheld=None if peer else {PEER: PEER_NOT_OFFERED},
    )
    return chosen


def indicator_rows(page_title: str | None):  # type: ignore[no-untyped-def]
    """The preamble of a one-indicator page: the indicator and benchmark chosen, its title
    (None: the page writes it), and the indicator's table as the account may see it (None
    when it has no data yet)."""
    from dashboard import auth, data
    from indicators.registry import load_registry

    account = auth.current_account()
    assert account is not None
    ind = indicator(load_registry())
    # a prison's benchmark: nothing to choose for an account that reads no prison's rows
    chosen = benchmark(account) if account.sees_prison_rows else "national"
    table = data.indicator_table(account, chosen).filter(pl.col("indicator") == ind.id)
    if page_title is not None:
        st.title(f"{page_title}: {translated(ind, 'title')}", anchor=False)
    if table.height == 0:
        st.info(_("No data for this indicator yet."))
        return account, ind, chosen, None
    return account, ind, chosen, table


def country(countries: Sequence[str], account) -> str | None:  # type: ignore[no-untyped-def]
    """The country whose prisons a page shows (kept in the URL as `country`) when the
    reader sees more than one; a director starts on their prisons' country, anyone else on
    the country with the most prisons."""
    from dashboard import data
    from data_contracts.countries import country_name
    from indicators.country_views import main_country

    if len(countries) < 2:
        return countries[0] if countries else None
    own = data.prison_countries()
    mine = sorted({own[p] for p in account.prisons if p in own})
    default = mine[0] if mine else main_country(own, countries)
    return choice(
        _("Country"),
        list(countries),
        "country",
        default,
        format_func=country_name,
        help=_(
            "Prisons are compared within their own country: its national value is their "
            "benchmark (international.md §1). The Compare and Trends pages also set the "
            "countries side by side."
        ),
    )


LATEST_DATA = N_("Latest data")  # the option's value (and the URL's); shown with _


def release(account) -> None:  # type: ignore[no-untyped-def]
    """The release picker (governance.md §3), kept in the URL as `release`: which figures
    every indicator page of this session shows. Evaluators start on the newest release."""
    from dashboard import data

    names = data.releases()
    if not names:
        st.session_state[data.RELEASE_STATE] = None
        return
    default = names[0] if account.reads_releases_by_default else LATEST_DATA
    chosen = choice(
        _("Figures"),
        [LATEST_DATA, *names],
        "release",
        default,
        format_func=lambda n: _(LATEST_DATA) if n == LATEST_DATA else n,
        help=_(
            "A release is a named, citable set of figures: it stays the same whatever is "
            "stored afterwards. The latest data include every file stored since."
        ),
    )
    st.session_state[data.RELEASE_STATE] = None if chosen == LATEST_DATA else chosen
