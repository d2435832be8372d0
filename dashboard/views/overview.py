"""Where do we stand? Each indicator's national value in the latest quarter, at a glance."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, charts, data, exports, filters, tables
from dashboard.profile_charts import spine_chart
from data_contracts.contract import translated
from data_contracts.countries import country_name
from i18n import _, ngettext
from i18n.formats import in_unit, number, signed
from indicators.availability import SHOWN, STATES, footnotes
from indicators.changes import CHANGE_TESTS, DECREASE, INCREASE, change_word, significant_changes
from indicators.compute import judgements
from indicators.country_views import countries_in, of_country
from indicators.grids import judgement_table
from indicators.overview import cards_by_domain, cards_table, national_cards
from indicators.readings import profile_rows
from indicators.registry import load_registry, unit_label

# st.metric's colours: green for a rise where high is good, for a fall where low is good.
ARROWS = {"high_is_good": "normal", "low_is_good": "inverse", "no_judgement": "off"}
SIGNIFICANT = (INCREASE, DECREASE)
CARD_COLUMNS = 2  # cards side by side within a domain (three cut their titles)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return in_unit(value, unit, 1)


def render() -> None:
    account = auth.current_account()
    assert account is not None
    registry = load_registry()
    table = data.indicator_table(account)
    st.title(_("Overview"))
    if table.filter(pl.col("level") == "national").height == 0:
        st.info(
            _("No submissions yet: upload quarterly files (Upload page) to see the indicators.")
        )
        return
    country = filters.country(countries_in(table), account)
    table = of_country(table, country)
    national = table.filter(pl.col("level") == "national")
    periods = sorted(national["period"].unique().to_list())
    latest = filters.quarter(_("Quarter"), periods, periods[-1])
    moves = significant_changes(national, registry=registry).filter(pl.col("period") == latest)
    if account.prisons:
        _own_prisons(account, table, latest, registry)
    st.subheader(_("{nation}, {period}").format(nation=_nation(country), period=latest))
    st.caption(
        _(
            "National values for {period}: sums of the numerators and denominators of the "
            "prisons that reported both; change on the previous quarter and on the same quarter "
            "a year before, in the indicator's unit (percentage points for percentages). A "
            "change is coloured only when it is significant at 95% ({tests}); otherwise it is "
            "grey. Data as of {as_of}."
        ).format(period=latest, tests=CHANGE_TESTS, as_of=data.data_as_of())
    )
    counts = judgements(table, latest, registry)
    context = exports.ExportContext(
        title=_("Overview: prisons against the benchmark"),
        period=latest,
        filters=filters.describe(),
        benchmark=_("national value"),
    )
    if account.sees_prison_rows:
        figure = charts.judgements_chart(counts, registry, latest)
        st.plotly_chart(figure, width="stretch", key="judgements")
        exports.chart_downloads(figure, f"overview-{latest}", context)
    cards = national_cards(national, moves, latest, registry)
    for domain, part in cards_by_domain(cards, registry):
        st.subheader(translated(domain, "title"), anchor=False)
        st.caption(translated(domain, "description"))
        columns = st.columns(CARD_COLUMNS)
        for n, card in enumerate(part.iter_rows(named=True)):
            with columns[n % CARD_COLUMNS].container(border=True):
                indicator = registry[card["indicator"]]
                _card(card, translated(indicator, "title"), translated(indicator, "definition"))
    with st.expander(_("The same as tables")):
        st.dataframe(
            judgement_table(counts),
            hide_index=True,
        )
        tables.show(cards_table(cards, registry), f"overview-{latest}", context)


def _nation(country: str | None) -> str:
    """The heading of the national figures: the country's name, or "The nation"."""
    if country is None:
        return _("The nation")
    name = country_name(country)
    return name if name == country else f"{name} ({country})"


def _card(card: dict, title: str, definition: str) -> None:  # type: ignore[type-arg]
    """One indicator's national figure: value or state, change, interval, prisons."""
    unit, state = card["unit"], card["state"]
    previous, verdict = card["change_on_previous_quarter"], card["previous_quarter_change"]
    year, year_verdict = card["change_on_year_before"], card["year_before_change"]
    st.metric(
        _("{title} ({unit})").format(title=title, unit=unit_label(unit)),
        fmt(card["value"], unit) if state == SHOWN else STATES[state].said(),
        delta=None
        if previous is None
        else _("{change} on previous quarter ({verdict})").format(
            change=signed(previous), verdict=change_word(verdict) if verdict else _("not tested")
        ),
        delta_color=ARROWS[card["polarity"]] if verdict in SIGNIFICANT else "off",
        help=definition,
        # a sparkline drawn by Streamlit itself: thirty Plotly charts would keep the
        # browser busy for seconds before the page is usable
        chart_data=card["series"],
        chart_type="line",
    )
    lower, upper = card["lower_95"], card["upper_95"]
    parts = []
    if lower is not None:
        parts.append(
            _("95% CI {lower} to {upper}").format(lower=fmt(lower, unit), upper=fmt(upper, unit))
        )
    count = card["prisons"]
    parts.append(
        ngettext("{count} prison reported", "{count} prisons reported", count or 0).format(
            count=number(count)
        )
    )
    if year is not None:
        parts.append(
            _("{change} on a year before ({verdict})").format(
                change=signed(year),
                verdict=change_word(year_verdict) if year_verdict else _("not tested"),
            )
        )
    st.caption(" · ".join(parts))


def _own_prisons(account, table, period, registry) -> None:  # type: ignore[no-untyped-def]
    """A director's own prison(s) first: every indicator against the national value."""
    prisons = data.prisons()
    for code in sorted(account.prisons):
        rows = profile_rows(table, prisons, code, period, registry)
        st.subheader(
            _("Your prison, {prison}, against the national value, {period}").format(
                prison=code, period=period
            )
        )
        context = exports.ExportContext(
            title=_("{prison}: indicators against the national value").format(prison=code),
            period=period,
            filters=filters.describe(),
            benchmark=_("national value"),
            notes=tuple(footnotes(rows["state"].to_list())),
        )
        fig = spine_chart(
            rows,
            _("{prison}: indicators against the national value, {period}").format(
                prison=code, period=period
            ),
        )
        st.plotly_chart(fig, width="stretch", key=f"own-{code}")
        exports.chart_downloads(fig, f"overview-{code}-{period}", context)
        tables.notes(list(context.notes))


render()
