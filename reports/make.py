"""Making a report from start to finish, the same for the command line and the dashboard:
read what the account sees, build the model, draw the charts, write PDF or HTML.

`progress(share, words)` (share 0..1) is told at every step, so the dashboard can show a
progress bar and the command line a line on standard error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine

from i18n import N_, _
from reports import figures
from reports.model import Report
from store.account_model import Account
from store.vintage import Vintage

PDF, HTML = "pdf", "html"
FORMATS = (PDF, HTML)
Progress = Callable[[float, str], None]
# Shares of the whole run at which each step starts (the charts take most of it).
READ_AT, BUILD_AT, CHARTS_AT, WRITE_AT = 0.0, 0.3, 0.4, 0.9

READING = N_("Reading the figures…")
BUILDING = N_("Laying out the report…")
DRAWING = N_("Drawing chart {done} of {total}…")
WRITING = N_("Writing the file…")


def _quiet(share: float, words: str) -> None:
    """No progress shown."""


def default_vintage(engine: Engine, account: Account, vintage: Vintage) -> Vintage:
    """The vintage asked for; with none, the latest release for a reader who cites figures
    (governance.md §3: evaluators), else the latest data."""
    from store.releases import list_releases

    if not vintage.latest or not account.reads_releases_by_default:
        return vintage
    releases = list_releases(engine)
    return Vintage(release=releases[-1]) if releases else vintage


def write(
    report: Report, fmt: str, made_at: datetime, progress: Progress, drawing: figures.Drawing
) -> bytes:
    """The file of `report`; its charts from `drawing` (those built with it are drawn
    already, or being drawn; any other is drawn now)."""
    charts = report.charts()

    def drawn(done: int, total: int) -> None:
        share = CHARTS_AT + (WRITE_AT - CHARTS_AT) * done / total
        progress(share, _(DRAWING).format(done=min(done + 1, total), total=total))

    progress(CHARTS_AT, _(DRAWING).format(done=1, total=len(charts)))
    images = drawing.images(charts, drawn)
    progress(WRITE_AT, _(WRITING))
    if fmt == HTML:
        from reports.html_writer import html_page

        content = html_page(report, images)
    else:
        from reports.typst_writer import pdf_bytes

        content = pdf_bytes(report, images, made_at)
    progress(1.0, _(WRITING))
    return content


def _read(
    engine: Engine,
    account: Account,
    vintage: Vintage,
    benchmark: str,
    period: str,
    progress: Progress,
):  # type: ignore[no-untyped-def]
    """Start the browser that draws the charts (it starts while the figures are read), then
    read the report's quarters: (when it is made, the readings, its first quarter's index)."""
    from dashboard.images import start_in_background
    from data_contracts.periods import period_index, period_label
    from reports import inputs
    from reports.prison import RECENT_QUARTERS

    start_in_background()
    made_at = datetime.now(UTC)
    progress(READ_AT, _(READING))
    first = period_index(period) - RECENT_QUARTERS + 1
    readings = inputs.read(
        engine, account, vintage, benchmark, first=period_label(first), last=period
    )
    return made_at, readings, first


def _made(build: Callable[[], Report], fmt: str, made_at: datetime, progress: Progress) -> bytes:
    """Build the report, its charts drawn as they come, and write it."""
    progress(BUILD_AT, _(BUILDING))
    with figures.drawing() as charts:
        return write(build(), fmt, made_at, progress, charts)


def prison_profile(
    engine: Engine,
    account: Account,
    code: str,
    period: str,
    *,
    vintage: Vintage,
    benchmark: str = "national",
    fmt: str = PDF,
    language: str = "en",
    progress: Progress = _quiet,
) -> bytes:
    """The prison profile of `code` in `period`, as `account` sees it."""
    from data_contracts.periods import period_index
    from reports.prison import prison_profile as build
    from store.completeness import DEFAULT_DEADLINE_DAYS, completeness
    from store.read import value_notes

    made_at, readings, first = _read(engine, account, vintage, benchmark, period, progress)
    grid = completeness(
        engine, first=first, last=period_index(period), deadline_days=DEFAULT_DEADLINE_DAYS
    )
    notes = value_notes(engine, code, period, vintage=vintage)
    return _made(
        lambda: build(
            readings,
            code,
            period,
            completeness=grid,
            notes=notes,
            made_at=made_at,
            made_by=account.name,
            language=language,
        ),
        fmt,
        made_at,
        progress,
    )


def bulletin(
    engine: Engine,
    account: Account,
    area: object,
    period: str,
    *,
    vintage: Vintage,
    benchmark: str = "national",
    fmt: str = PDF,
    language: str = "en",
    progress: Progress = _quiet,
) -> bytes:
    """The bulletin of `area` (reports.bulletin.Area) in `period`, as `account` sees it."""
    from data_contracts.periods import period_index
    from reports.bulletin import bulletin as build
    from store.completeness import DEFAULT_DEADLINE_DAYS, completeness

    made_at, readings, _first = _read(engine, account, vintage, benchmark, period, progress)
    last = period_index(period)
    grid = completeness(engine, first=last, last=last, deadline_days=DEFAULT_DEADLINE_DAYS)
    return _made(
        lambda: build(
            readings,
            area,  # type: ignore[arg-type]
            period,
            completeness=grid,
            made_at=made_at,
            made_by=account.name,
            language=language,
        ),
        fmt,
        made_at,
        progress,
    )
