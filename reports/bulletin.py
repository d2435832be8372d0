"""The region or country bulletin (reports.md §1): one area, one quarter, as one account
sees it.

A summary table of every indicator (the area's value, 95% interval, change on the previous
quarter and on a year before, prisons covered); for each indicator the compare chart of
the area's prisons; the completeness of the quarter; the prisons needing attention (worse
than their benchmark at 99.8%, or a worsening trend); definitions, methods, provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from dashboard import charts
from dashboard.chart_style import axis_label
from data_contracts.contract import translated
from i18n import N_, _
from i18n.formats import number
from indicators.aggregates import NATIONAL, REGION
from indicators.attention import needing_attention
from indicators.availability import STATES, footnotes
from indicators.changes import significant_changes
from indicators.compute import recent_trends
from indicators.grids import status_counts
from indicators.overview import national_cards
from indicators.readings import benchmark_words, compare_rows, is_group_benchmark
from indicators.registry import Registry, load_registry
from reports.cells import change_cell, interval_cell, value_cell
from reports.figures import drawn
from reports.inputs import Readings
from reports.model import LEFT, RIGHT, Chart, Paragraph, Report, Section, Table, Terms
from reports.words import methods_section, provenance_section
from store.completeness import STATUS_WORDS, STATUSES

ATTENTION_NONE = N_("No prison is worse than its benchmark at 99.8%, nor worsening.")


@dataclass(frozen=True)
class Area:
    """A region of a country, or a country: what a bulletin is about."""

    level: str  # REGION or NATIONAL
    name: str  # the region's name, or the country's code
    words: str  # how the report names it ("Eastwold (XN)", "Northmoor (XN)")


def region_area(region: str, country: str | None) -> Area:
    return Area(REGION, region, f"{region} ({country})" if country else region)


def country_area(country: str) -> Area:
    from data_contracts.countries import country_name

    name = country_name(country)
    return Area(NATIONAL, country, country if name == country else f"{name} ({country})")


def area_shown(prisons: pl.DataFrame) -> Area | None:
    """The bulletin of what a page shows (``prisons``: the register rows it compares): their
    region when they all lie in one, else their country; None when they span countries."""
    countries = prisons["country"].drop_nulls().unique().to_list()
    if len(countries) != 1:
        return None
    regions = prisons["region"].drop_nulls().unique().to_list()
    if len(regions) == 1:
        return region_area(regions[0], countries[0])
    return country_area(countries[0])


class NoSuchBulletin(ValueError):
    """A bulletin that cannot be made: str(exc) says why and what to do."""


def area_prisons(register: pl.DataFrame, area: Area) -> pl.DataFrame:
    column = "region" if area.level == REGION else "country"
    return register.filter(pl.col(column) == area.name)


def area_rows(table: pl.DataFrame, area: Area) -> pl.DataFrame:
    column = "region" if area.level == REGION else "country"
    return table.filter((pl.col("level") == area.level) & (pl.col(column) == area.name))


def bulletin(
    readings: Readings,
    area: Area,
    period: str,
    *,
    completeness: pl.DataFrame,
    made_at: datetime,
    made_by: str,
    language: str,
) -> Report:
    registry = load_registry()
    prisons = area_prisons(readings.register, area)
    if prisons.height == 0:
        raise NoSuchBulletin(f"{area.words}: no prison of the register that this account reads.")
    table = readings.table
    against = benchmark_words(readings.benchmark)
    sections = [
        _summary(area_rows(table, area), area, period, registry),
        *(s for s in [_attention(table, prisons, period, registry)] if s is not None),
        _completeness(completeness, prisons, period),
        *_compare(table, prisons, period, readings, registry, against),
        _definitions(registry),
        methods_section(readings),
        provenance_section(
            readings,
            _("{area}, quarter {period}").format(area=area.words, period=period),
            made_at,
            made_by,
        ),
    ]
    title = _("{area}: bulletin, {period}").format(area=area.words, period=period)
    return Report(
        title=title,
        subtitle=_("{count} prisons, against the {benchmark}").format(
            count=number(prisons.height), benchmark=against
        ),
        language=language,
        sections=tuple(sections),
        footer=title,
        contents=_("Contents"),
        keywords=(area.name, period),
    )


def _summary(rows: pl.DataFrame, area: Area, period: str, registry: Registry) -> Section:
    cards = national_cards(rows, significant_changes(rows, registry=registry), period, registry)
    body = []
    for card in cards.iter_rows(named=True):
        ind = registry[card["indicator"]]
        shown = card["state"] == "shown"
        body.append(
            (
                axis_label(ind),
                value_cell(card["value"], ind.unit) if shown else STATES[card["state"]].said(),
                interval_cell(card["lower_95"], card["upper_95"], ind.unit),
                change_cell(
                    card["change_on_previous_quarter"], card["previous_quarter_change"], ind.unit
                ),
                change_cell(card["change_on_year_before"], card["year_before_change"], ind.unit),
                number(card["prisons"]),
            )
        )
    notes = footnotes(cards["state"].to_list())
    return Section(
        _("Summary"),
        (
            Table(
                (
                    _("Indicator"),
                    _("Value"),
                    _("95% interval"),
                    _("Change on previous quarter"),
                    _("Change on a year before"),
                    _("Prisons"),
                ),
                tuple(body),
                (LEFT, RIGHT, RIGHT, RIGHT, RIGHT, RIGHT),
                caption=_(
                    "{area}, {period}: every indicator. A change is in the indicator's unit "
                    "(percentage points for percentages), with whether it is significant (95%)."
                ).format(area=area.words, period=period),
                widths=(4.0, 1.1, 1.4, 1.7, 1.7, 0.8),
            ),
            *(Paragraph(n, small=True) for n in notes),
        ),
    )


def _attention(table, prisons, period, registry) -> Section:  # type: ignore[no-untyped-def]
    mine = table.filter(
        (pl.col("level") == "prison")
        & pl.col("prison_code").is_in(prisons["prison_code"].to_list())
    )
    found = needing_attention(mine, recent_trends(mine, last=period), period, registry)
    names = dict(zip(prisons["prison_code"], prisons["name"], strict=True))
    title = _("Prisons needing attention")
    if found.height == 0:
        return Section(title, (Paragraph(_(ATTENTION_NONE)),))
    rows = []
    for r in found.iter_rows(named=True):
        ind = registry[r["indicator"]]
        why = [
            w
            for w, flag in (
                (_("worse at 99.8%"), r["worse_998"]),
                (_("worsening trend"), r["worsening"]),
            )
            if flag
        ]
        rows.append(
            (
                f"{names.get(r['prison_code'], '')} ({r['prison_code']})",
                axis_label(ind),
                value_cell(r["value"], ind.unit),
                value_cell(r["benchmark"], ind.unit),
                "; ".join(why),
            )
        )
    return Section(
        title,
        (
            Table(
                (_("Prison"), _("Indicator"), _("Value"), _("Benchmark"), _("Why")),
                tuple(rows),
                (LEFT, LEFT, RIGHT, RIGHT, LEFT),
                caption=_(
                    "Worse than its benchmark at 99.8% (the benchmark outside the prison's 99.8% "
                    "interval, on the worse side), or a recent trend moving the worse way."
                ),
                widths=(2.4, 3.2, 1.0, 1.0, 1.6),
            ),
        ),
    )


def _completeness(grid: pl.DataFrame, prisons: pl.DataFrame, period: str) -> Section:
    mine = grid.filter(
        (pl.col("period") == period) & pl.col("prison_code").is_in(prisons["prison_code"].to_list())
    )
    counts = status_counts(mine, STATUSES)
    rows = tuple((_(STATUS_WORDS[s]), number(n)) for s, n in counts.items())
    return Section(
        _("Completeness of the quarter"),
        (
            Table(
                (_("Status"), _("Prisons")),
                rows,
                (LEFT, RIGHT),
                caption=_("{period}: the submissions of the {count} prisons.").format(
                    period=period, count=number(mine.height)
                ),
                widths=(2, 1),
            ),
        ),
    )


def _compare(table, prisons, period, readings, registry, against) -> list[Section]:  # type: ignore[no-untyped-def]
    found = []
    for n, ind in enumerate(registry):
        rows = compare_rows(table, prisons, period, ind.id, readings.benchmark, registry)
        if rows.filter(pl.col("state") != "not reported").height == 0:
            continue
        fig = charts.compare_chart(
            rows,
            ind,
            against,
            per_row_benchmark=is_group_benchmark(readings.benchmark),
            highlight=readings.account.prisons,
        )
        caption = translated(ind, "definition")
        notes = footnotes(rows["state"].to_list())
        found.append(
            Section(
                axis_label(ind),
                (
                    drawn(Chart(fig, caption, f"compare-{ind.id}")),
                    *(Paragraph(x, small=True) for x in notes),
                ),
                level=2,
                new_page=n == 0,
            )
        )
    if found:
        first = found[0]
        found.insert(0, Section(_("Prisons compared"), (), new_page=True))
        found[1] = Section(first.title, first.blocks, level=2)
    return found


def _definitions(registry: Registry) -> Section:
    return Section(
        _("Definitions"),
        (Terms(tuple((axis_label(i), translated(i, "definition")) for i in registry)),),
        new_page=True,
    )
