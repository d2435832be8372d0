"""The dashboard across countries (international.md §1-2), under AppTest on the sample data
(three countries): a ministry of Lauwerland (XL) meets nothing of another country on any
page it opens, an international account no prison or region on any page it opens, and the
countries are set side by side on Compare and Trends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES
from sample_data.register import ALL_PRISONS
from store.accounts import get_account
from store.db import get_engine
from store.sample import DEMO_COUNTRY, DEMO_COUNTRY_MINISTRY
from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seat

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    return sample_database(tmp_path_factory.mktemp("countries"))


def page_text(at: AppTest) -> str:
    """Everything a page shows as text: its words, tables, choices and charts' data."""
    parts: list[str] = []
    for kind in TEXT_ELEMENTS:
        parts += [str(e.value) for e in at.get(kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for kind in ("selectbox", "multiselect"):
        for widget in at.get(kind):
            parts += [str(o) for o in widget.options]
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec)))
    for metric in at.get("metric"):
        parts.append(f"{metric.label} {metric.value}")
    return "\n".join(parts)


def opened(sample_db: str, name: str, slug: str, monkeypatch) -> AppTest:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, name)
    at.run()
    at.switch_page(f"views/{slug}.py").run()
    assert [e.value for e in at.exception] == [], (name, slug)
    return at


def pages_for(sample_db: str, name: str, monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)
    account = get_account(get_engine(), name)
    assert account is not None
    return [p.name for p in PAGES if p.opens_for(account)]


def test_a_ministry_of_one_country_meets_nothing_of_another(sample_db, monkeypatch) -> None:
    foreign = [p for p in ALL_PRISONS if p.country != DEMO_COUNTRY]
    own = [p for p in ALL_PRISONS if p.country == DEMO_COUNTRY]
    slugs = pages_for(sample_db, DEMO_COUNTRY_MINISTRY, monkeypatch)
    assert {"overview", "compare", "trends", "profile", "administration"} <= set(slugs)
    seen_own = False
    for slug in slugs:
        text = page_text(opened(sample_db, DEMO_COUNTRY_MINISTRY, slug, monkeypatch))
        leaked = [p.code for p in foreign if p.code in text or p.name in text]
        assert leaked == [], (slug, leaked[:5])
        seen_own |= any(p.code in text for p in own)
    assert seen_own  # the pages do show its own country's prisons


def test_an_international_account_meets_no_prison_or_region(sample_db, monkeypatch) -> None:
    slugs = pages_for(sample_db, "international", monkeypatch)
    assert set(slugs) == {"overview", "compare", "trends", "definitions"}
    regions = {p.region for p in ALL_PRISONS}
    for slug in slugs:
        text = page_text(opened(sample_db, "international", slug, monkeypatch))
        leaked = [p.code for p in ALL_PRISONS if p.code in text or p.name in text]
        assert leaked == [], (slug, leaked[:5])
        assert [r for r in regions if r in text] == [], slug


def test_compare_and_trends_set_the_countries_side_by_side(sample_db, monkeypatch) -> None:
    countries = sorted({p.country for p in ALL_PRISONS})
    for slug, control in (("compare", "View"), ("trends", "Show")):
        at = opened(sample_db, "ministry", slug, monkeypatch)
        [views] = [w for w in at.get("button_group") if w.label == control]
        views.set_value("Countries").run()
        assert [e.value for e in at.exception] == []
        [frame] = at.dataframe
        assert sorted(set(frame.value["country"])) == countries
        assert "value of all the countries shown" in page_text(at)
