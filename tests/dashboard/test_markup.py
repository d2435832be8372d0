"""Markup that people wrote renders as text on every page, for every role.

Names come from the register (prison names, regions), file names and cells from uploads
(quoted in messages), notes from the files' rows. Each reaches Streamlit surfaces that
render Markdown (titles, captions, alerts, st.table cells, labels, tooltips) and Plotly
text that renders HTML. AppTest gives the Markdown source of each element: a payload must
never appear in it as written (only escaped), and no Plotly figure may carry a payload's
tags.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import markup
from dashboard.pages import FAILED, PAGES
from tests.dashboard.sample_database import sample_database
from tests.dashboard.session_seat import seat
from tests.dashboard.test_pages import ACCOUNTS, APP

IMAGE = "![x](http://evil.example/x.png)"
LINK = '<a href="https://evil.example">x</a>'
SCRIPT = "<script>alert(1)</script>"
PAYLOADS = (IMAGE, LINK, "**bold**", SCRIPT, "$x$", ":red[x]", "<img src=http://evil.example>")
# The tags a payload would put into Plotly text if it went in unescaped.
PLOTLY_TAGS = ("<a href", "<img", "<script")
HOSTILE_FILE_NAME = f"{IMAGE} {LINK} **bold** $x$ :red[x].csv"
# Markdown surfaces of AppTest's elements: their source is in these attributes.
MARKDOWN_VALUES = frozenset(
    {"markdown", "caption", "title", "header", "subheader", "latex"}
    | {"error", "warning", "info", "success", "toast", "exception", "metric"}
)
LABELS = ("label", "help", "placeholder")


def hostile_register(url: str) -> None:
    """Every prison of the database at ``url`` renamed: a payload in its name and region."""
    from store.db import get_engine
    from store.prisons import import_prisons, list_prisons

    engine = get_engine(url)
    renamed = [
        replace(
            p,
            name=f"{PAYLOADS[n % len(PAYLOADS)]} {p.name}",
            # Two regions still: the regional benchmark, funnels and filters have groups.
            region=f"{PAYLOADS[n % 2]} {p.region}",
        )
        for n, p in enumerate(list_prisons(engine))
    ]
    import_prisons(engine, renamed, "test")
    engine.dispose()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    """The sample data, with every prison's name and region holding a payload."""
    url = sample_database(tmp_path_factory.mktemp("markup"))
    hostile_register(url)
    return url


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def markdown_sources(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    texts: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", "")
        if kind in MARKDOWN_VALUES:
            texts.append(str(node.value))
        texts += [str(getattr(node, a)) for a in LABELS if getattr(node, a, None)]
        if kind == "table":
            frame = node.value
            texts += [str(c) for c in frame.columns]
            texts += [str(v) for v in frame.to_numpy().ravel() if isinstance(v, str)]
    return texts


def plotly_strings(at: AppTest) -> list[str]:
    """Every string of every Plotly figure on the page."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for node in _nodes(at._tree):
        if getattr(node, "type", "") == "plotly_chart":
            walk(json.loads(node.proto.spec))
    return found


def assert_text_only(at: AppTest, what: str) -> None:
    assert [e.value for e in at.exception] == [], what
    assert not [e.value for e in at.error if FAILED in e.value], f"{what}: the page failed"
    for source in markdown_sources(at):
        for payload in PAYLOADS:
            assert payload not in source, f"{what}: {payload!r} renders as markup in {source!r}"
        # GitHub autolinks "http://…" even when its ":" is escaped (tests/browser saw it)
        assert "://" not in source, f"{what}: an address would be a link in {source!r}"
    for text in plotly_strings(at):
        for tag in PLOTLY_TAGS:
            assert tag not in text, f"{what}: a chart carries {tag!r}: {text[:200]!r}"


def open_page(db: str, monkeypatch, role: str, name: str, params=None) -> AppTest:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", db)
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, ACCOUNTS[role].name)
    at.run()
    if params:
        at.query_params.update(params)
    return at.switch_page(f"views/{name}.py").run()


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_register_names_render_as_text_on_every_page(hostile_db, monkeypatch, role) -> None:
    for page in PAGES:
        if not page.opens_for(ACCOUNTS[role]):
            continue
        at = open_page(hostile_db, monkeypatch, role, page.name)
        assert_text_only(at, f"{role} on {page.name}")


@pytest.mark.parametrize("view", ["compare", "trends", "completeness"])
def test_regional_views_render_names_as_text(hostile_db, monkeypatch, view) -> None:
    """The regional benchmark and a chosen region put region names into charts and notes."""
    regional = {"bench": "region", "od": "multiplicative"}
    at = open_page(hostile_db, monkeypatch, "ministry", view, regional)
    assert_text_only(at, f"{view} by region")
    if view == "compare":
        at.segmented_control(key="compare_view").set_value("Funnel plot").run()
        assert_text_only(at, "the funnel plot by region")
    if view == "trends":
        return  # no region filter: its prisons are chosen by code
    regions = at.multiselect(key="f_region").options
    chosen = {**regional, "region": [regions[0], f"{LINK} nowhere"]}
    at = open_page(hostile_db, monkeypatch, "ministry", view, chosen)
    assert_text_only(at, f"{view} with a region chosen and a hostile one asked for")


def test_the_prison_profile_title_shows_the_name_escaped(hostile_db, monkeypatch) -> None:
    at = open_page(hostile_db, monkeypatch, "director", "profile")
    title = at.title[0].value
    assert any(markup.text(p) in title for p in PAYLOADS), "the register's name, as text"


def _hostile_upload() -> bytes:
    from sample_data import INVALID_DIR

    text = (INVALID_DIR / "value.negative.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    note = " ".join(PAYLOADS)
    hostile = [
        f'"{IMAGE}",2023-Q3,receptions,5,',  # an unknown prison, quoted in the message
        f'NM-WFP,2023-Q3,"{LINK.replace(chr(34), chr(34) * 2)}",5,',  # an unknown element
        'NM-WFP,2023-Q3,releases,"**bold** $x$",',  # not a number
        f'NM-WFP,2023-Q3,oud_identified,67,"{note.replace(chr(34), chr(39))}"',
    ]
    return "\n".join([lines[0], *hostile, *lines[1:]]).encode()


@pytest.mark.parametrize("role", ["director", "ministry"])
def test_uploaded_file_names_cells_and_notes_render_as_text(hostile_db, monkeypatch, role) -> None:
    at = open_page(hostile_db, monkeypatch, role, "upload")
    at.file_uploader[0].set_value((HOSTILE_FILE_NAME, _hostile_upload(), "text/csv")).run()
    assert_text_only(at, f"{role} uploading a hostile file")
    assert at.table, "the problems are listed"
    assert any(markup.text(HOSTILE_FILE_NAME) in e.value for e in at.error)
    at = open_page(hostile_db, monkeypatch, role, "history")
    assert_text_only(at, f"{role} on the history after a hostile upload")


def test_markup_text_escapes_every_payload_and_keeps_plain_words() -> None:
    for payload in PAYLOADS:
        assert payload not in markup.text(payload)
    assert markup.text("Willowford Prison") == "Willowford Prison"
    assert markup.text("a\nb\r\n# c") == "a b \\# c", "one line: no heading can start"
    for address in ("https://evil.example/x", "www.evil.example", "me@evil.example"):
        shown = markup.text(address)
        assert "://" not in shown and "www." not in shown and "@e" not in shown
        assert shown.replace(markup.WORD_JOINER, "").replace("\\", "") == address
    assert markup.plotly_text(LINK) == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'
