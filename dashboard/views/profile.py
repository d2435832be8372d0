"""One prison: every indicator against the benchmark, its cascades of care (hepatitis C,
HIV), its medication mix over time and its psychosocial interventions by type."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, exports, filters, markup, tables
from dashboard.breakdown_charts import mix_chart, types_chart
from dashboard.columns import FIGURE_COLUMNS
from dashboard.profile_charts import SPINE_CAPTION, cascade_chart, spine_chart
from dashboard.report_button import report_button
from data_contracts.contract import load_contract, translated
from i18n import _
from indicators.availability import footnotes
from indicators.country_views import of_country
from indicators.profile_views import (
    CASCADES,
    SHARE_AXIS,
    breakdown_series,
    breakdown_views,
    cascade_modules,
    cascade_steps,
    outside_its_modules,
)
from indicators.readings import benchmark_words, profile_rows
from indicators.registry import load_registry

SHOWN_COLUMNS = (
    "label",
    *FIGURE_COLUMNS,
    "judgement",
)


def render() -> None:
    account = auth.current_account()
    assert account is not None
    registry = load_registry()
    benchmark = filters.benchmark(account)
    table = data.indicator_table(account, benchmark)
    prisons = data.prisons_seen(account)
    codes = prisons["prison_code"].to_list()
    if not codes or table.height == 0:
        st.title(_("Prison profile"))
        st.info(_("No data yet."))
        return
    default = sorted(account.prisons)[0] if account.prisons else codes[0]
    names = dict(zip(prisons["prison_code"], prisons["name"], strict=True))
    code = filters.choice(
        _("Prison"), codes, "prison", default, format_func=lambda c: f"{c} – {names.get(c, '')}"
    )
    periods = sorted(table["period"].unique().to_list())
    period = filters.quarter(_("Quarter"), periods, periods[-1])
    name = names.get(code, code)
    # the prison against its own country (its national value, the spread of its prisons)
    country = dict(zip(prisons["prison_code"], prisons["country"], strict=True))[code]
    table, prisons = of_country(table, country), of_country(prisons, country)
    st.title(f"{markup.text(name)} ({code}), {period}", anchor=False)
    _report_button(account, code, period, benchmark)
    rows = profile_rows(table, prisons, code, period, registry)
    against = benchmark_words(benchmark)
    st.caption(_(SPINE_CAPTION).format(benchmark=against))
    notes = footnotes(rows["state"].to_list())
    context = exports.ExportContext(
        title=_("{prison} ({code}): indicators against the {benchmark}").format(
            prison=name, code=code, benchmark=against
        ),
        period=period,
        filters=filters.describe(),
        benchmark=against,
        notes=tuple(notes),
    )
    fig = spine_chart(
        rows,
        _("{code}: indicators against the {benchmark}, {period}").format(
            code=code, benchmark=against, period=period
        ),
    )
    st.plotly_chart(fig, width="stretch")
    exports.chart_downloads(fig, f"profile-{code}-{period}", context)
    tables.notes(notes)
    shown = rows.select(SHOWN_COLUMNS).rename({"label": "indicator"})
    tables.show(shown, f"profile-{code}-{period}", context)

    contract = load_contract()
    for chosen in CASCADES:
        _cascade(chosen, rows, prisons, code, name, period, registry, contract)
    for view in breakdown_views(registry, contract):
        _breakdown(view, table, prisons, code, name, period, registry, contract)


def _report_button(account, code: str, period: str, benchmark: str) -> None:  # type: ignore[no-untyped-def]
    """The profile as `prison-monitor report prison` makes it for this person."""
    from data_contracts.languages import current_language
    from reports import make

    vintage, language = data.vintage(), current_language()
    report_button(
        f"profile-{code}-{period}.pdf",
        lambda progress: make.prison_profile(
            data.engine(),
            account,
            code,
            period,
            vintage=vintage,
            benchmark=benchmark,
            language=language,
            progress=progress,
        ),
        ("profile", code, period, benchmark, vintage, language, account.name),
    )


def _cascade(chosen, rows, prisons, code, name, period, registry, contract) -> None:  # type: ignore[no-untyped-def]
    st.subheader(_(chosen.title), anchor=False)
    steps = cascade_steps(rows, chosen)
    modules = cascade_modules(chosen, registry, contract)
    if outside_its_modules(prisons, code, modules, steps["persons"], contract):
        _not_its_module(name, modules, contract)
        return
    context = exports.ExportContext(
        title=_("{prison} ({code}): {cascade} (persons)").format(
            prison=name, code=code, cascade=_(chosen.title)
        ),
        period=period,
        filters=filters.describe(),
        notes=(_(chosen.note), *footnotes(steps["state"].to_list())),
    )
    fig = cascade_chart(steps, f"{code}: {_(chosen.title)}, {period}")
    st.plotly_chart(fig, width="stretch", key=f"cascade-{chosen.id}")
    exports.chart_downloads(fig, f"{chosen.id}-cascade-{code}-{period}", context)
    tables.notes(list(context.notes))


def _not_its_module(name: str, modules, contract) -> None:  # type: ignore[no-untyped-def]
    what = {m.id: translated(m, "what") for m in contract.modules}
    names = [f"'{m}' ({what[m]})" for m in sorted(modules)]
    named = names[0] if names else ""
    for other in names[1:]:
        named = _("{first} or {second}").format(first=named, second=other)
    st.caption(
        _(
            "{prison} does not report the {modules} module (prison register), so there is "
            "nothing to show here."
        ).format(prison=markup.text(name), modules=named)
    )


def _breakdown(view, table, prisons, code, name, period, registry, contract) -> None:  # type: ignore[no-untyped-def]
    """A partition over the quarters (stacked to 100%); an overlapping breakdown in `period`."""
    over_time = view.kind == "partition"
    series = breakdown_series(table, code, view.id, registry, period=None if over_time else period)
    st.subheader(view.title, anchor=False)
    if outside_its_modules(prisons, code, [view.module], series["value"], contract):
        _not_its_module(name, [view.module], contract)
        return
    span = (
        period
        if not over_time
        else _("{first} to {last}").format(
            first=series["period"].min(), last=series["period"].max()
        )
    )
    context = exports.ExportContext(
        title=f"{name} ({code}): {view.title}",
        period=span,
        filters=filters.describe(),
        unit="%",
        notes=(view.caption, *footnotes(series["state"].to_list())),
    )
    chart = mix_chart if over_time else types_chart
    st.caption(view.caption)
    fig = chart(series, f"{code}: {view.title}, {span}", _(SHARE_AXIS))
    st.plotly_chart(fig, width="stretch", key=f"breakdown-{view.id}")
    exports.chart_downloads(fig, f"{view.id}-{code}-{period}", context)
    tables.notes(list(context.notes))


render()
