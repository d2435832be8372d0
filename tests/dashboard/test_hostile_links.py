"""Every page, every role, hostile and random links: no exception, no traceback, no markup.

A link is text anyone can write and send to a ministry official. Each page reads its
filters from the URL through dashboard/filters.py; these tests feed it values out of
range, lists too long, unknown codes, very long strings, Markdown and HTML, and other
scripts' digits, and check that the page runs, says what it ignored, and renders none of
the markup.
"""

from __future__ import annotations

import os
import random

import pytest
from pages_by_slug import page as page_spec
from streamlit.testing.v1 import AppTest

from dashboard import filters
from dashboard.pages import FAILED, PAGES
from tests.dashboard.session_seat import seat
from tests.dashboard.test_pages import ACCOUNTS, APP

PARAMS = ("ind", "bench", "q", "from", "to", "prison", "region", "type", "deadline", "od")
IMAGE = "![x](http://evil.example/x.png)"
LINK = "[click](javascript:alert(1))"
HOSTILE = {
    "out of range": {"deadline": "-5", "q": "2025-Q9", "from": "1999-Q1", "to": "9999-Q4"},
    "huge numbers": {"deadline": "99999", "q": "nan", "from": "99999999999999999999"},
    "not numbers": {"deadline": "1e309", "to": "inf", "prison": "nan"},
    "not a number either": {"deadline": "nan"},
    "too many": {"prison": ["NM-WFP"] * 500, "region": [f"R{i}" for i in range(300)]},
    "unknown codes": {"ind": "no_such_indicator", "bench": "galaxy", "od": "maximal"},
    "very long": {p: "x" * 10_000 for p in ("ind", "prison", "region", "q")},
    "markup": {
        "ind": "<script>alert(1)</script>",
        "prison": [IMAGE, LINK],
        "region": ["**bold**", "<img src=x onerror=alert(1)>"],
        "bench": "# heading",
    },
    "other scripts": {
        "q": "٢٠٢٥-Q٣",
        "deadline": "٣٠",
        "prison": ["NM\u202eWFP", "NM-WFP\x00"],
        "type": "\u200b",
    },
}
ALPHABET = "abcXYZ019-_ <>[]()!*#\"'\\/%&;=\u202e\u0663\x00é漢"


def random_links(seed: int, count: int) -> list[dict[str, str | list[str]]]:
    rng = random.Random(seed)
    links = []
    for _ in range(count):
        link: dict[str, str | list[str]] = {}
        for name in rng.sample(PARAMS, rng.randint(1, len(PARAMS))):
            values = [
                "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
                for _ in range(rng.choice((1, 1, 2, 30)))
            ]
            link[name] = values if len(values) > 1 else values[0]
        links.append(link)
    return links


SEED = int(os.environ.get("PM_LINK_SEED", random.SystemRandom().randrange(10**6)))


def visit(sample_db, monkeypatch, role, page, params) -> AppTest:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRISON_MONITOR_DB", sample_db)
    at = AppTest.from_file(APP, default_timeout=120)
    seat(at, ACCOUNTS[role].name)
    at.run()
    at.query_params.update(params)
    at.switch_page(f"views/{page.name}.py").run()
    return at


def assert_clean(at: AppTest, what: str) -> None:
    assert [e.value for e in at.exception] == [], what
    # app.py turns a page's failure into one sentence, so the sentence is a failure too.
    assert not [e.value for e in at.error if FAILED in e.value], f"{what}: the page failed"
    texts = [str(getattr(e, "value", "")) for e in at.main] + [
        str(getattr(e, "value", "")) for e in at.sidebar
    ]
    for text in texts:
        assert "Traceback" not in text and "/work/" not in text, what
        assert IMAGE not in text and LINK not in text, f"{what}: markup rendered: {text[:200]}"
        assert "<script>" not in text, what


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_hostile_links_open_every_page_cleanly(sample_db, monkeypatch, role, case) -> None:
    for page in PAGES:
        if page.requires and not page.opens_for(ACCOUNTS[role]):
            continue
        at = visit(sample_db, monkeypatch, role, page, HOSTILE[case])
        assert_clean(at, f"{role} on {page.name} with {case}")
        assert at.title, f"{page.name} shows no title with {case}"


def test_a_dropped_value_is_told_in_words(sample_db, monkeypatch) -> None:
    page = page_spec("compare")
    at = visit(sample_db, monkeypatch, "ministry", page, {"region": ["Nowhere"], "ind": "x"})
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "Nowhere" in notes and "left out" in notes


def test_markup_in_a_link_is_shown_as_text(sample_db, monkeypatch) -> None:
    page = page_spec("compare")
    at = visit(sample_db, monkeypatch, "evaluator", page, {"region": [IMAGE]})
    notes = " ".join(w.value for w in at.sidebar.warning)
    assert "\\!\\[x\\]" in notes, "the image's Markdown is escaped, so it shows as text"


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_random_links_open_every_page_cleanly(sample_db, monkeypatch, role) -> None:
    print(f"random links seed {SEED} (PM_LINK_SEED={SEED} replays it)")
    links = random_links(SEED + list(ACCOUNTS).index(role), len(PAGES))
    for page, link in zip(PAGES, links, strict=True):
        if page.requires and not page.opens_for(ACCOUNTS[role]):
            continue
        at = visit(sample_db, monkeypatch, role, page, link)
        assert_clean(at, f"{role} on {page.name} with {link!r} (seed {SEED})")


def test_the_registry_says_who_may_open_a_page_and_why_not() -> None:
    upload = next(p for p in PAGES if p.requires == "may_submit_anything")
    assert not upload.opens_for(ACCOUNTS["evaluator"])
    assert upload.opens_for(ACCOUNTS["director"]) and upload.opens_for(ACCOUNTS["ministry"])
    text = upload.refusal(ACCOUNTS["evaluator"])
    assert upload.title in text and "an evaluator" in text
    # Opening it in a browser shows this sentence: tests/browser/test_browser_hostile_links.py.


def test_filters_are_described_in_words_not_url_syntax(sample_db, monkeypatch) -> None:
    page = page_spec("compare")
    at = visit(sample_db, monkeypatch, "ministry", page, {})
    region = at.multiselect(key="f_region").options[0]
    link = {"bench": "region", "region": [region, "<b>nowhere</b>"], "deadline": "7"}
    at = visit(sample_db, monkeypatch, "ministry", page, link)
    assert_clean(at, "compare with a region and a made-up one")
    words = filters.in_words(at.session_state[filters._DESCRIBED])
    assert f"Region: {region}" in words and "Prison type: all" in words
    assert "Benchmark: Prison's own region" in words
    assert "=" not in words and "nowhere" not in words and "bench" not in words


def test_a_failing_page_shows_one_sentence_and_logs_the_traceback(
    sample_db, monkeypatch, caplog
) -> None:
    from dashboard import data

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("detail for the log only /work/secret")

    monkeypatch.setattr(data, "indicator_table", broken)
    page = page_spec("overview")
    at = visit(sample_db, monkeypatch, "evaluator", page, {})
    assert [e.value for e in at.exception] == []
    assert [e.value for e in at.error] == [FAILED]
    shown = " ".join(str(getattr(e, "value", "")) for e in [*at.main, *at.sidebar])
    assert "RuntimeError" not in shown and "/work/secret" not in shown
    assert "RuntimeError: detail for the log only" in caplog.text


@pytest.mark.parametrize("page_name", ["compare", "trends", "profile"])
def test_the_peer_benchmark_is_withheld_from_suppressed_readers_with_the_reason(
    sample_db, monkeypatch, page_name
) -> None:
    from indicators.aggregates import BENCHMARKS, PEER
    from indicators.suppression_peer import PEER_NOT_OFFERED

    page = page_spec(page_name)
    for role in ("director", "evaluator"):
        at = visit(sample_db, monkeypatch, role, page, {"bench": PEER})
        assert_clean(at, f"{role} on {page_name} with bench=peer")
        box = at.selectbox(key="f_bench")
        assert len(box.options) == len(BENCHMARKS) - 1 and box.value == "national"
        assert PEER_NOT_OFFERED in " ".join(w.value for w in at.sidebar.warning)
    at = visit(sample_db, monkeypatch, "ministry", page, {"bench": PEER})
    assert_clean(at, f"ministry on {page_name} with bench=peer")
    box = at.selectbox(key="f_bench")
    assert box.value == PEER and len(box.options) == len(BENCHMARKS)
