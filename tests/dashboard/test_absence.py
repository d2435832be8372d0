"""Suppressed, not computable, not reported and not in service are told apart on the pages."""

from __future__ import annotations

import pytest

from indicators.availability import NOT_IN_SERVICE, STATES, SUPPRESSED


def captions(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(c.value for c in at.caption)


def table_states(at) -> set[str]:  # type: ignore[no-untyped-def]
    found: set[str] = set()
    for frame in at.dataframe:
        data = frame.value
        if "state" in data.columns:
            found |= set(data["state"].tolist())
    return found


@pytest.mark.parametrize("page", ["compare", "profile", "trends"])
def test_an_evaluator_reads_why_figures_are_absent(app, page) -> None:
    at = app("evaluator")
    at.switch_page(f"views/{page}.py").run()
    assert [e.value for e in at.exception] == []
    states = table_states(at)
    assert states, f"{page} shows no column saying whether each figure is shown"
    for state in states - {"shown"}:
        assert STATES[state].meaning() in captions(at), f"{page}: '{state}' has no footnote"


def test_compare_tells_a_closed_prison_from_a_suppressed_one(app) -> None:
    at = app("evaluator")
    at.switch_page("views/compare.py").run()
    states = table_states(at)
    assert {SUPPRESSED, NOT_IN_SERVICE} <= states
    text = captions(at)
    assert STATES[SUPPRESSED].meaning() in text and STATES[NOT_IN_SERVICE].meaning() in text


def test_deaths_pooled_over_rolling_four_quarters_say_so(app) -> None:
    from indicators.pooling import POOLED_NOTE

    at = app("evaluator")
    at.query_params["ind"] = "overdose_death_rate"
    at.switch_page("views/trends.py").run()
    at.toggle(key="pool").set_value(True).run()
    assert [e.value for e in at.exception] == []
    assert POOLED_NOTE in captions(at)
