"""Review, approval and locked quarters (governance.md §1, §2) on SQLite and PostgreSQL: the
life of a prison-quarter a ministry can publish, every step audited."""

from __future__ import annotations

import json

import pytest
from submission_files import good_rows
from test_ingest import ingest, write_file

from data_contracts.periods import period_index
from store.audit import entries
from store.governance import GovernanceRefused, rules
from store.history import submission_history
from store.locks import set_lock
from store.review import APPROVED, RETURNED, SUBMITTED, act, review_states, state_of
from store.review_queue import review_queue

P, Q = "BE-HAS", "2025-Q3"


def _state(engine) -> str:
    with engine.connect() as conn:
        return state_of(conn, P, Q).state


def _refused(rule: str, call) -> GovernanceRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(GovernanceRefused) as caught:
        call()
    assert caught.value.rule == rule, str(caught.value)
    return caught.value


def test_the_life_of_a_prison_quarter(engine, account, tmp_path) -> None:
    ministry, director = account("min"), account("dir")
    first = ingest(engine, write_file(tmp_path, "v1.csv", good_rows()), director)
    [sid] = first.submission_ids
    assert _state(engine) == SUBMITTED
    act(engine, ministry, "return", P, Q, submission_id=sid, comment="Receptions look doubled")
    assert _state(engine) == RETURNED
    [entry] = [e for e in submission_history(engine) if e["status"] == "current"]
    assert (entry["state"], entry["comment"]) == (RETURNED, "Receptions look doubled")

    second = ingest(engine, write_file(tmp_path, "v2.csv", good_rows()), director, replace=True)
    assert second.stored and _state(engine) == SUBMITTED  # a new version awaits review again
    [sid2] = second.submission_ids
    stale = _refused(
        "review.stale", lambda: act(engine, ministry, "approve", P, Q, submission_id=sid)
    )
    assert str(sid2) in str(stale)
    act(engine, ministry, "approve", P, Q, submission_id=sid2)
    assert _state(engine) == APPROVED

    third = ingest(engine, write_file(tmp_path, "v3.csv", good_rows()), director, replace=True)
    assert not third.stored and "approved" in third.refusal
    assert third.refusal.startswith(f"{P} {Q} is approved")
    by_ministry = ingest(
        engine, write_file(tmp_path, "v3m.csv", good_rows()), ministry, replace=True
    )
    assert not by_ministry.stored and "--reason" in by_ministry.refusal
    _refused("review.comment", lambda: act(engine, ministry, "reopen", P, Q))
    act(engine, ministry, "reopen", P, Q, comment="The director found a typing error")
    assert _state(engine) == SUBMITTED
    fourth = ingest(engine, write_file(tmp_path, "v4.csv", good_rows()), director, replace=True)
    assert fourth.stored

    statuses = [e["status"] for e in submission_history(engine)]
    assert statuses.count("refused") == 2 and statuses.count("current") == 1
    actions = entries(engine)["action"].to_list()[::-1]
    for action in ("review.return", "review.approve.refused", "review.approve", "review.reopen"):
        assert action in actions, action
    reopen = entries(engine).filter(entries(engine)["action"] == "review.reopen")
    assert json.loads(reopen["detail"][0])["reason"] == "The director found a typing error"


def test_a_ministry_replaces_an_approved_quarter_with_a_reason(engine, account, tmp_path) -> None:
    ministry = account("min")
    [sid] = ingest(engine, write_file(tmp_path, "v1.csv", good_rows()), ministry).submission_ids
    act(engine, ministry, "approve", P, Q, submission_id=sid)
    path = write_file(tmp_path, "v2.csv", good_rows())
    again = ingest(engine, path, ministry, replace=True, reason="Audit correction")
    assert again.stored
    supersede = entries(engine).filter(entries(engine)["action"] == "submission.supersede")
    assert json.loads(supersede["detail"][0])["reason"] == "Audit correction"


def test_a_locked_quarter_stores_nothing_for_anyone(engine, account, tmp_path) -> None:
    ministry, director = account("min"), account("dir")
    set_lock(engine, ministry, Q, lock=True)
    for who in (director, ministry):
        outcome = ingest(engine, write_file(tmp_path, f"{who.name}.csv", good_rows()), who)
        assert not outcome.stored and outcome.refusal.startswith(f"{Q} is locked"), outcome
    _refused("period.state", lambda: set_lock(engine, ministry, Q, lock=True))
    _refused("review.comment", lambda: set_lock(engine, ministry, Q, lock=False))
    set_lock(engine, ministry, Q, lock=False, reason="Late correction agreed")
    assert ingest(engine, write_file(tmp_path, "after.csv", good_rows()), director).stored
    actions = entries(engine)["action"].to_list()
    assert {"period.lock", "period.unlock", "period.lock.refused"} <= set(actions)


@pytest.mark.parametrize("name", ["dir", "eva"])
def test_only_the_ministry_reviews_and_locks(engine, account, tmp_path, name) -> None:
    [sid] = ingest(
        engine, write_file(tmp_path, "v1.csv", good_rows()), account("min")
    ).submission_ids
    who = account(name)
    calls = [
        lambda: act(engine, who, "approve", P, Q, submission_id=sid),
        lambda: act(engine, who, "return", P, Q, submission_id=sid, comment="x"),
        lambda: act(engine, who, "reopen", P, Q, comment="x"),
        lambda: set_lock(engine, who, Q, lock=True),
        lambda: set_lock(engine, who, Q, lock=False, reason="x"),
    ]
    for call in calls:
        assert who.role in str(_refused("authz.role", call))
    assert _state(engine) == SUBMITTED


def test_the_queue_lists_states_and_warnings(engine, account, tmp_path) -> None:
    ministry = account("min")
    [sid] = ingest(engine, write_file(tmp_path, "v1.csv", good_rows()), ministry).submission_ids
    [item] = review_queue(engine)
    assert (item["submission_id"], item["state"], item["warnings"]) == (sid, SUBMITTED, [])
    act(engine, ministry, "approve", P, Q, submission_id=sid, comment="Checked")
    assert review_queue(engine, SUBMITTED) == []
    [item] = review_queue(engine, APPROVED)
    assert (item["comment"], item["reviewed_by"]) == ("Checked", "min")
    with engine.connect() as conn:
        assert review_states(conn)[(P, period_index(Q))].state == APPROVED


def test_every_governance_rule_has_a_sentence_naming_what_to_do() -> None:
    for rule in rules().values():
        assert rule["message"].strip() and rule["when"].strip()
