"""The prison profile (reports.md §1): one prison, one quarter, as one account sees it.

Its spine chart against the benchmark; every indicator of its modules with value, 95%
interval, benchmark, judgement and recent trend; the last eight quarters of each; its care
cascades, medication mix and psychosocial types where reported; the completeness of its
submissions; the notes it wrote with its values; then definitions, methods, provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from dashboard.breakdown_charts import mix_chart, types_chart
from dashboard.chart_style import axis_label
from dashboard.profile_charts import SPINE_CAPTION, cascade_chart, spine_chart
from dashboard.time_charts import trend_panels
from data_contracts.contract import Contract, load_contract, translated
from data_contracts.periods import period_index, period_label
from i18n import N_, _
from i18n.formats import percent
from indicators.availability import footnotes, prison_grid
from indicators.compute import recent_trends
from indicators.profile_views import (
    CASCADES,
    SHARE_AXIS,
    breakdown_series,
    breakdown_views,
    cascade_modules,
    cascade_steps,
    outside_its_modules,
    reports_module,
)
from indicators.readings import benchmark_words, profile_rows
from indicators.registry import Registry, load_registry
from indicators.trend import trend_word
from reports.cells import figure_cells
from reports.figures import drawn
from reports.inputs import Readings
from reports.model import LEFT, RIGHT, Chart, Paragraph, Report, Section, Table, Terms
from reports.words import methods_section, provenance_section
from store.completeness import STATUS_WORDS

# The quarters of the trend panels and of the completeness table: the quarter and those before.
RECENT_QUARTERS = 8
# Trend panels in one chart: five rows of two, a chart that fits a page.
PANELS_PER_CHART = 10
# px the spine is drawn at (its long labels and its legend leave the plot room) and per
# indicator: rows closer than on screen, so that at the page's width its text stays legible.
SPINE_WIDTH, SPINE_PRINT_ROW = 1100, 30

NOTES_WITHHELD = N_(
    "The notes the prison wrote with its values are not shown: they may describe figures "
    "about a few persons, which this report suppresses."
)


class NoSuchProfile(ValueError):
    """A profile that cannot be made: str(exc) says why and what to do."""


def indicator_module(indicator, contract: Contract) -> str:  # type: ignore[no-untyped-def]
    """The module whose data element the indicator counts (its numerator's)."""
    return contract.element(indicator.numerator).module


def recent_quarters(period: str, count: int = RECENT_QUARTERS) -> list[str]:
    last = period_index(period)
    return [period_label(i) for i in range(last - count + 1, last + 1)]


def profile_indicators(
    rows: pl.DataFrame, register: pl.DataFrame, code: str, registry: Registry, contract: Contract
) -> list[str]:
    """The indicators of the prison's modules, in registry order (an indicator outside them
    that still has a figure this quarter is kept: the register may have changed)."""
    shown = set(rows.filter(pl.col("value").is_not_null())["indicator"].to_list())
    return [
        i.id
        for i in registry
        if i.id in shown or reports_module(register, code, indicator_module(i, contract), contract)
    ]


def prison_profile(
    readings: Readings,
    code: str,
    period: str,
    *,
    completeness: pl.DataFrame,
    notes: Sequence[tuple[str, str]],
    made_at: datetime,
    made_by: str,
    language: str,
) -> Report:
    registry, contract = load_registry(), load_contract()
    table, register = readings.table, readings.register
    if code not in register["prison_code"].to_list():
        raise NoSuchProfile(f"{code} is not a prison this account may read.")
    name = register.filter(pl.col("prison_code") == code)["name"][0]
    rows = profile_rows(table, register, code, period, registry)
    ids = profile_indicators(rows, register, code, registry, contract)
    mine = rows.filter(pl.col("indicator").is_in(ids))
    against = benchmark_words(readings.benchmark)
    trends = _trends(table, code, period)
    sections = [
        _summary(mine, code, period, against, trends, registry),
        _recent(table, register, code, period, ids, registry, against),
        *_cascades(rows, register, code, period, registry, contract),
        *_breakdowns(table, register, code, period, registry, contract),
        _completeness(completeness, code, period),
        _notes(notes, readings, code, contract),
        _definitions(ids, registry),
        methods_section(readings),
        provenance_section(
            readings,
            _("prison {code}, quarter {period}").format(code=code, period=period),
            made_at,
            made_by,
        ),
    ]
    title = _("{prison} ({code}): prison profile").format(prison=name, code=code)
    return Report(
        title=title,
        subtitle=_("{period}, against the {benchmark}").format(period=period, benchmark=against),
        language=language,
        sections=tuple(sections),
        footer=f"{title}, {period}",
        keywords=(code, period),
    )


def _trends(table: pl.DataFrame, code: str, period: str) -> dict[str, str]:
    mine = recent_trends(
        table.filter((pl.col("level") == "prison") & (pl.col("prison_code") == code)), last=period
    )
    return dict(zip(mine["indicator"], mine["trend"], strict=True))


def _summary(rows, code, period, against, trends, registry) -> Section:  # type: ignore[no-untyped-def]
    body = []
    for row in rows.iter_rows(named=True):
        unit = registry[row["indicator"]].unit
        body.append(
            (row["label"], *figure_cells(row, unit), trend_word(trends.get(row["indicator"])))
        )
    fig = spine_chart(
        rows,
        _("{code}: indicators against the {benchmark}, {period}").format(
            code=code, benchmark=against, period=period
        ),
        row_height=SPINE_PRINT_ROW,
    )
    notes = footnotes(rows["state"].to_list())
    return Section(
        _("Indicators against the {benchmark}").format(benchmark=against),
        (
            drawn(
                Chart(fig, _(SPINE_CAPTION).format(benchmark=against), "spine", width=SPINE_WIDTH)
            ),
            Table(
                (
                    _("Indicator"),
                    _("Value"),
                    _("95% interval"),
                    _("Benchmark"),
                    _("Against the benchmark"),
                    _("Recent trend"),
                ),
                tuple(body),
                (LEFT, RIGHT, RIGHT, RIGHT, LEFT, LEFT),
                caption=_("{code}, {period}: every indicator of its modules.").format(
                    code=code, period=period
                ),
                widths=(4.2, 1.1, 1.5, 1.1, 1.3, 1.6),
            ),
            *(Paragraph(n, small=True) for n in notes),
        ),
        new_page=False,
    )


def _recent(table, register, code, period, ids, registry, against) -> Section:  # type: ignore[no-untyped-def]
    quarters = recent_quarters(period)
    grid = prison_grid(table, register, quarters, prisons=[code], indicators=ids)
    benchmarks = grid.select("indicator", "period", pl.col("benchmark").alias("value"))
    span = _("{first} to {last}").format(first=quarters[0], last=quarters[-1])
    caption = _(
        "Each indicator's value (line) and 95% interval (band) over {span}, against the "
        "{benchmark} (dashed); a quarter without a value is a gap, marked with the symbol "
        "of why."
    ).format(span=span, benchmark=against)
    charts = []
    for n in range(0, len(ids), PANELS_PER_CHART):
        chunk = ids[n : n + PANELS_PER_CHART]
        titles = {i: axis_label(registry[i]) for i in chunk}
        fig = trend_panels(
            grid.filter(pl.col("indicator").is_in(chunk)),
            benchmarks,
            titles,
            title=f"{code}: {span}",
            benchmark_name=against,
        )
        charts.append(drawn(Chart(fig, caption, f"recent-{n // PANELS_PER_CHART + 1}")))
    notes = footnotes(grid["state"].to_list())
    return Section(
        _("The last {count} quarters").format(count=len(quarters)),
        (*charts, *(Paragraph(n, small=True) for n in notes)),
        new_page=True,
    )


def _cascades(rows, register, code, period, registry, contract) -> list[Section]:  # type: ignore[no-untyped-def]
    found = []
    for chosen in CASCADES:
        steps = cascade_steps(rows, chosen)
        modules = cascade_modules(chosen, registry, contract)
        if outside_its_modules(register, code, modules, steps["persons"], contract):
            continue
        fig = cascade_chart(steps, f"{code}: {_(chosen.title)}, {period}")
        notes = [_(chosen.note), *footnotes(steps["state"].to_list())]
        found.append(
            Section(
                _(chosen.title),
                (
                    drawn(Chart(fig, notes[0], f"cascade-{chosen.id}")),
                    *(Paragraph(n, small=True) for n in notes[1:]),
                ),
                level=2 if found else 1,
            )
        )
    return found


def _breakdowns(table, register, code, period, registry, contract) -> list[Section]:  # type: ignore[no-untyped-def]
    quarters = recent_quarters(period)
    found = []
    for view in breakdown_views(registry, contract):
        over_time = view.kind == "partition"
        series = breakdown_series(
            table, code, view.id, registry, period=None if over_time else period
        )
        if over_time:
            series = series.filter(pl.col("period").is_in(quarters))
        if series.height == 0 or outside_its_modules(
            register, code, [view.module], series["value"], contract
        ):
            continue
        span = (
            _("{first} to {last}").format(first=quarters[0], last=quarters[-1])
            if over_time
            else period
        )
        chart = mix_chart if over_time else types_chart
        fig = chart(series, f"{code}: {view.title}, {span}", _(SHARE_AXIS))
        notes = footnotes(series["state"].to_list())
        found.append(
            Section(
                view.title,
                (
                    drawn(Chart(fig, view.caption, f"breakdown-{view.id}")),
                    *(Paragraph(n, small=True) for n in notes),
                ),
            )
        )
    return found


def _completeness(grid: pl.DataFrame, code: str, period: str) -> Section:
    quarters = recent_quarters(period)
    mine = grid.filter((pl.col("prison_code") == code) & pl.col("period").is_in(quarters)).sort(
        "period"
    )
    body = tuple(
        (
            r["period"],
            _(STATUS_WORDS.get(r["status"], r["status"])),
            percent(r["share"], 0) if r["share"] is not None else "—",
            str(r["versions"]),
        )
        for r in mine.iter_rows(named=True)
    )
    return Section(
        _("Completeness of its submissions"),
        (
            Table(
                (_("Quarter"), _("Status"), _("Elements reported"), _("Versions")),
                body,
                (LEFT, LEFT, RIGHT, RIGHT),
                caption=_("The last {count} quarters up to {period}.").format(
                    count=len(quarters), period=period
                ),
            ),
        ),
    )


def _notes(notes, readings: Readings, code: str, contract: Contract) -> Section:  # type: ignore[no-untyped-def]
    title = _("Notes written with the values")
    if not readings.account.sees_unsuppressed(code):
        return Section(title, (Paragraph(_(NOTES_WITHHELD)),))
    if not notes:
        return Section(
            title, (Paragraph(_("The prison wrote no note with its values this quarter.")),)
        )
    titles = {e.code: translated(e, "title") for e in contract.data_elements}
    rows = tuple((f"{titles.get(element, element)} ({element})", note) for element, note in notes)
    return Section(
        title, (Table((_("Data element"), _("Note")), rows, (LEFT, LEFT), widths=(2, 3)),)
    )


def _definitions(ids: list[str], registry: Registry) -> Section:
    return Section(
        _("Definitions"),
        (
            Terms(
                tuple((axis_label(registry[i]), translated(registry[i], "definition")) for i in ids)
            ),
        ),
        new_page=True,
    )
