"""Log-in as the spec says: password rules, throttling per name, audit before the grant,
OpenID Connect's email_verified, disabled accounts, the stamp that ends sessions."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from store import throttle
from store.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    authenticate,
    check_password,
    demo_password_accounts,
    get_account,
    login_oidc,
    require_actor,
    save_account,
    save_demo_account,
    session_account,
    set_disabled,
)
from store.audit import entries
from store.db import StoreError
from store.passwords import common_passwords
from store.schema import login_attempts

GOOD = "correct horse battery staple"


class Clock:
    """A clock the test moves by hand, and a sleep that only records."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def log_in(engine, name: str, password: str, clock: Clock):  # type: ignore[no-untyped-def]
    return authenticate(engine, name, password, clock=clock, sleep=clock.sleep)


def actions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    return entries(engine)["action"].to_list()[::-1]


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("x" * (MIN_PASSWORD_LENGTH - 1), f"at least {MIN_PASSWORD_LENGTH}"),
        ("PasswordPassword", "common and breached"),
        ("QWERTYUIOPASDFGHJKL", "common and breached"),
        ("a.long.name.of.someone", "account's name"),
    ],
)
def test_password_rules(password: str, says: str) -> None:
    with pytest.raises(AccountError, match=says):
        check_password(password, name="A.Long.Name.Of.Someone")


def test_a_good_password_passes_and_the_list_is_shipped() -> None:
    check_password(GOOD, name="anna")
    listed = common_passwords()
    assert listed and all(len(p) >= MIN_PASSWORD_LENGTH for p in listed)


def test_success_is_audited_in_the_deciding_transaction(engine) -> None:
    result = authenticate(engine, "min", "long-test-pass-1")
    assert result.account == get_account(engine, "min") and result.message is None
    last = entries(engine, limit=1).row(0, named=True)
    assert (last["action"], last["subject"], json.loads(last["detail"])) == (
        "login",
        "min",
        {"method": "password"},
    )


def test_unknown_name_and_wrong_password_look_the_same(engine) -> None:
    clock = Clock()
    timings = {}
    answers = {}
    for name in ("min", "nobody-has-this-name"):
        log_in(engine, name, "warm-up", clock)  # first hash of the process costs more
        start = time.perf_counter()
        answers[name] = log_in(engine, name, "wrong password here", clock)
        timings[name] = time.perf_counter() - start
    assert answers["min"] == answers["nobody-has-this-name"]
    assert answers["min"].account is None and answers["min"].message
    # the same argon2 check is spent for both: within a factor, not a hash apart
    slow, fast = max(timings.values()), min(timings.values())
    assert slow < fast * 3 + 0.05, timings


def test_failures_slow_down_then_lock_the_name_audited(engine) -> None:
    clock = Clock()
    for _ in range(throttle.LOCK_AFTER_FAILURES):
        result = log_in(engine, "min", "wrong", clock)
    assert clock.slept == [throttle.delay_after(n) for n in range(1, len(clock.slept) + 1)]
    assert clock.slept[: throttle.FREE_FAILURES] == [0.0] * throttle.FREE_FAILURES
    assert clock.slept[throttle.FREE_FAILURES] > 0
    assert clock.slept == sorted(clock.slept)
    assert "Too many failed log-ins" in result.message
    assert actions(engine).count("login.failed") == throttle.LOCK_AFTER_FAILURES
    assert actions(engine).count("login.locked") == 1
    # locked: even the right password is refused, and the refusal is audited
    locked = log_in(engine, "min", "long-test-pass-1", clock)
    assert locked.account is None and "Too many failed log-ins" in locked.message
    assert json.loads(entries(engine, limit=1)["detail"][0])["reason"] == "locked"
    # the lock runs out; then the right password works and the count starts again
    clock.now += timedelta(minutes=throttle.LOCK_MINUTES, seconds=1)
    assert log_in(engine, "min", "long-test-pass-1", clock).account is not None
    with engine.connect() as conn:
        assert conn.execute(select(login_attempts)).all() == []


def test_unknown_names_lock_too(engine) -> None:
    clock = Clock()
    for _ in range(throttle.LOCK_AFTER_FAILURES):
        result = log_in(engine, "ghost", "wrong", clock)
    assert "Too many failed log-ins" in result.message
    assert "login.locked" in actions(engine)


def test_a_success_resets_the_count(engine) -> None:
    clock = Clock()
    for _ in range(throttle.LOCK_AFTER_FAILURES - 1):
        log_in(engine, "min", "wrong", clock)
    assert log_in(engine, "min", "long-test-pass-1", clock).account is not None
    clock.slept.clear()
    log_in(engine, "min", "wrong", clock)
    assert clock.slept == [0.0]


def test_hostile_names_are_counted_and_audited_escaped(engine) -> None:
    clock = Clock()
    name = "min\x00\x1b[2J" + "x" * 500
    result = log_in(engine, name, "long-test-pass-1", clock)
    assert result.account is None
    subject = entries(engine, limit=1)["subject"][0]
    assert "\x00" not in subject and "\x1b" not in subject and len(subject) <= 100


def test_a_store_that_cannot_be_written_refuses_with_one_sentence(engine, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from store import audit

    def locked(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(audit, "record", locked)
    with pytest.raises(StoreError, match="nobody was logged in"):
        authenticate(engine, "min", "long-test-pass-1")


def test_disabled_accounts_cannot_log_in_and_sessions_end(engine) -> None:
    account = get_account(engine, "dir")
    assert session_account(engine, "dir", account.stamp) == account
    set_disabled(engine, "dir", True, actor="min")
    assert session_account(engine, "dir", account.stamp) is None
    assert get_account(engine, "dir").disabled
    refused = authenticate(engine, "dir", "long-test-pass-2", sleep=lambda _: None)
    assert refused.account is None
    assert refused.message == authenticate(engine, "ghost", "x", sleep=lambda _: None).message
    assert "account.disable" in actions(engine)
    enabled = set_disabled(engine, "dir", False, actor="min")
    assert (
        not enabled.disabled and authenticate(engine, "dir", "long-test-pass-2").account is not None
    )


@pytest.mark.parametrize(
    "change",
    [
        {"role": "director", "prisons": ["BE-HAS", "BE-NEW"]},
        {"role": "director", "prisons": ["BE-HAS"], "password": "a brand new long password"},
        {"role": "director", "prisons": ["BE-HAS"], "email": "dir@example.org"},
        {"role": "evaluator"},
    ],
)
def test_any_change_of_the_account_changes_its_stamp(engine, change) -> None:
    before = get_account(engine, "dir")
    save_account(engine, "dir", actor="min", **change)
    assert session_account(engine, "dir", before.stamp) is None
    assert session_account(engine, "dir", get_account(engine, "dir").stamp) is not None


def test_the_last_ministry_account_stays(engine) -> None:
    with pytest.raises(AccountError, match="last enabled ministry"):
        set_disabled(engine, "min", True, actor="min")
    with pytest.raises(AccountError, match="last enabled ministry"):
        save_account(engine, "min", "evaluator", actor="min")
    save_account(engine, "min2", "ministry", actor="min")
    set_disabled(engine, "min", True, actor="min2")
    with pytest.raises(AccountError, match="last enabled ministry"):
        save_account(engine, "min2", "evaluator", actor="min2")


def test_a_duplicate_email_is_one_sentence(engine) -> None:
    save_account(engine, "min", "ministry", email="Someone@Example.org", actor="test")
    with pytest.raises(AccountError, match="already used by account 'min'"):
        save_account(engine, "eva", "evaluator", email="someone@example.org ", actor="test")


@pytest.mark.parametrize(
    ("verified", "granted"),
    [(True, True), ("true", True), ("TRUE", True), (False, False), ("false", False),
     (None, False), ("yes", False), (1, False)],
)  # fmt: skip
def test_oidc_needs_email_verified(engine, verified, granted) -> None:
    save_account(engine, "eva", "evaluator", email="eva@example.org", actor="test")
    result = login_oidc(engine, "Eva@Example.org", verified)
    assert (result.account is not None) == granted
    assert actions(engine)[-1] == ("login" if granted else "login.failed")
    if not granted:
        assert "verified" in result.message


def test_oidc_refuses_unknown_and_disabled(engine) -> None:
    assert "no account here" in login_oidc(engine, "who@example.org", True).message
    save_account(engine, "eva", "evaluator", email="eva@example.org", actor="test")
    set_disabled(engine, "eva", True, actor="min")
    assert "disabled" in login_oidc(engine, "eva@example.org", True).message


@pytest.mark.parametrize(
    ("name", "may", "says"),
    [
        ("ghost", "submit", "There is no account 'ghost'"),
        ("eva", "submit", "may not submit"),
        ("dir", "manage", "only a ministry account"),
    ],
)
def test_require_actor(engine, name, may, says) -> None:
    from store.governance import GovernanceRefused

    with pytest.raises((AccountError, GovernanceRefused), match=says):
        require_actor(engine, name, may=may)
    assert require_actor(engine, "min", may="manage").name == "min"
    assert require_actor(engine, "dir", may="submit").name == "dir"


def test_require_actor_refuses_a_disabled_account(engine) -> None:
    set_disabled(engine, "dir", True, actor="min")
    with pytest.raises(AccountError, match="disabled"):
        require_actor(engine, "dir", may="submit")


def test_demo_password_accounts_are_found_by_hash(engine) -> None:
    assert demo_password_accounts(engine) == []
    save_demo_account(engine, "not-a-demo-name", "evaluator", prisons=[], actor="test")
    assert demo_password_accounts(engine) == ["not-a-demo-name"]


def test_the_core_refuses_a_weak_password_whoever_asks(engine) -> None:
    """Not only `users add`: any caller of save_account (a page, a script) gets the rule."""
    for weak in ("short", "1q2w3e4r5t6y7u8i9o0p", "1Q2W3E4R5T6Y7U8I9O0P"):
        with pytest.raises(AccountError):
            save_account(engine, "min", "ministry", password=weak, actor="test")
    with pytest.raises(AccountError):
        save_account(engine, "newcomer", "evaluator", password="newcomer", actor="test")
    assert get_account(engine, "newcomer") is None
