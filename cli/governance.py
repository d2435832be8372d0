"""`review` and `period`: the ministry's review of prison-quarters and locked quarters
(governance.md §1, §2, §7). Thin: the rules are in store.review, store.locks and
store.governance; a refusal is one sentence on stderr and exit 1."""

from __future__ import annotations

import argparse

from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    CliError,
    account,
    engine,
    print_json,
    require_quarter,
    say,
    shown,
    table,
    tell,
)

QUEUE_COLUMNS = ("prison_code", "period", "submission_id", "version", "state", "warnings")


def _refused(exc) -> int:  # type: ignore[no-untyped-def]
    """A governance refusal: its rule id and sentence on stderr (scripts match the id)."""
    tell(f"prison-monitor: {exc.rule}: {exc}")
    return EXIT_REJECTED


def review(args: argparse.Namespace) -> int:
    from store.governance import GovernanceRefused
    from store.review import act

    if args.action == "list":
        return _queue(args)
    require_quarter(args.period, "--period")
    store = engine()
    who = account(store, args.user, may="act")
    text = args.reason if args.action == "reopen" else args.comment
    try:
        done = act(
            store,
            who,
            args.action,
            args.prison,
            args.period,
            submission_id=getattr(args, "submission", None),
            comment=text,
        )
    except GovernanceRefused as exc:
        return _refused(exc)
    say(f"{shown(args.prison)} {args.period}: submission {done.submission_id} is now {done.state}.")
    return EXIT_OK


def _queue(args: argparse.Namespace) -> int:
    from store.review_queue import queue_summary, review_queue

    entries = review_queue(engine(), args.state)
    if args.json:
        print_json(entries)
        return EXIT_OK
    if not entries:
        say("Nothing to review." if args.state is None else f"No submission is {args.state}.")
        return EXIT_OK
    say(table(queue_summary(entries, QUEUE_COLUMNS)))
    return EXIT_OK


def period(args: argparse.Namespace) -> int:
    from store.governance import GovernanceRefused
    from store.locks import set_lock

    require_quarter(args.period)
    store = engine()
    who = account(store, args.user, may="act")
    lock = args.action == "lock"
    try:
        set_lock(store, who, args.period, lock=lock, reason=getattr(args, "reason", None))
    except GovernanceRefused as exc:
        return _refused(exc)
    say(f"{args.period} is {'locked' if lock else 'unlocked'}.")
    return EXIT_OK


def release(args: argparse.Namespace) -> int:
    from store.governance import GovernanceRefused
    from store.releases import create_release, list_releases

    store = engine()
    if args.action == "list":
        rows = [r.as_dict() for r in list_releases(store)]
        if args.json:
            print_json(rows)
        else:
            say(table(rows) if rows else "No release yet ('prison-monitor release create').")
        return EXIT_OK
    who = account(store, args.user, may="act")
    try:
        made = create_release(store, who, args.name)
    except GovernanceRefused as exc:
        return _refused(exc)
    if args.json:
        print_json(made.as_dict())
    else:
        say(f"Release '{shown(made.name)}' recorded: {made.submissions:,} submissions.")
    return EXIT_OK


AUDIT_SHOWN = ("at", "actor", "action", "prison_code", "period", "detail")


def audit(args: argparse.Namespace) -> int:
    from store.audit_trail import AuditFilter, as_json, audit_entries, detail_words
    from store.vintage import VintageError, parse_moment

    try:
        since, until = (None if t is None else parse_moment(t) for t in (args.since, args.until))
    except VintageError as exc:
        raise CliError(str(exc)) from None
    where = AuditFilter(since, until, args.actor, args.prison, args.action)
    entries = audit_entries(engine(), where)
    if args.json:
        print_json(as_json(entries))
        return EXIT_OK
    if not entries:
        say("No audit entry matches.")
        return EXIT_OK
    rows = [
        {
            **{k: e[k] for k in AUDIT_SHOWN},
            "at": e["at"].strftime("%Y-%m-%d %H:%M:%S"),
            "detail": detail_words(e["detail"]),
        }
        for e in entries
    ]
    say(table(rows))
    say(f"{len(entries):,} entries (times in UTC).")
    return EXIT_OK
