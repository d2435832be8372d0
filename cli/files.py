"""Commands that take files in or write one out: prisons import, validate, ingest, template."""

from __future__ import annotations

import argparse

from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    CliError,
    account,
    actor,
    engine,
    existing_file,
    print_json,
    progress,
    register,
    require_quarter,
    rule_refusals,
    say,
    shown,
    tell,
)

# How many runs of submission ids `ingest` names before it counts the rest.
SHOWN_RUNS = 4


def prisons_import(args: argparse.Namespace) -> int:
    from data_contracts.register import read_register
    from store.prisons import default_effective_from, import_prisons

    store = engine()
    by = actor(store, args.user, may="manage")
    prisons, issues = read_register(existing_file(args.file))
    name = shown(args.file.name)
    if issues:
        if args.json:
            print_json(
                {"file": args.file.name, "accepted": False, "errors": [i.to_dict() for i in issues]}
            )
        else:
            say(f"{name}: REFUSED — nothing was stored; fix these and import it again:")
            for i in issues:
                where = ", ".join(x for x in (f"row {i.row}" if i.row else "", i.column or "") if x)
                say(f"  - {shown(where) or 'file'}: {i.message}")
        return EXIT_REJECTED
    if args.effective_from is not None:
        require_quarter(args.effective_from, "--from")
    since = args.effective_from or default_effective_from()
    with rule_refusals():
        result = import_prisons(store, prisons, by, effective_from=since)
    if args.json:
        print_json(
            {
                "file": args.file.name,
                "accepted": True,
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "effective_from": since,
            }
        )
    else:
        dated = f"; the changes apply from {since}" if result.updated else ""
        say(
            f"{name}: {len(result.added)} added, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged{dated}."
        )
    return EXIT_OK


def validate(args: argparse.Namespace) -> int:
    """A dry run of ingest: the same verdict (store.verdict.check_as), nothing stored."""
    from store.verdict import check_as

    path = existing_file(args.file)
    store = engine()
    register(store)
    user = account(store, args.user, may="submit") if args.user else None
    [verdict] = check_as(store, [(path, path.name)], user)
    report = verdict.report
    if args.json:
        print_json(report.to_dict())
    else:
        say(report.to_text(verdict.status))
    return EXIT_OK if report.accepted else EXIT_REJECTED


def template(args: argparse.Namespace) -> int:
    from data_contracts.template import write_template

    require_quarter(args.period)
    known = register(engine())
    if args.prison not in known:
        raise CliError(
            f"'{shown(args.prison)}' is not in the prison register; "
            "see 'prison-monitor prisons list'."
        )
    fmt = args.format or ("csv" if args.output.suffix.lower() in (".csv", ".txt") else "xlsx")
    if args.output.is_dir():
        raise CliError(f"'{shown(args.output)}' is a folder; give a file name for the template.")
    write_template(args.output, known.prisons[args.prison], args.period, fmt)
    tell(f"Template for {args.prison} {args.period} written to {shown(args.output)} ({fmt}).")
    return EXIT_OK


def submissions_text(ids: list[int], runs_shown: int = SHOWN_RUNS) -> str:
    """'submission 7', or 'submissions 7–9, 12' in runs; a long list is cut with a count."""
    if len(ids) == 1:
        return f"submission {ids[0]}"
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:runs_shown])
    if len(runs) > runs_shown:
        text += f" and {len(runs) - runs_shown} more runs"
    return f"{len(ids):,} submissions ({text})"


def ingest(args: argparse.Namespace) -> int:
    from store.submissions import ingest_files
    from store.verdict import verdict_of

    paths = [existing_file(p) for p in args.files]
    store = engine()
    user = account(store, args.user, may="submit")
    register(store)
    outcomes = ingest_files(
        store,
        [(p, p.name) for p in paths],
        user,
        replace=args.replace,
        reason=args.reason,
        progress=progress(len(paths) > 1),
    )
    if args.json:
        print_json([o.to_dict() for o in outcomes] if len(outcomes) > 1 else outcomes[0].to_dict())
    else:
        for outcome in outcomes:
            say(outcome.report.to_text(verdict_of(i.rule for i in outcome.report.errors)))
            if outcome.stored:
                stored_as = submissions_text(outcome.submission_ids)
                say(f"Stored as {stored_as} (upload {outcome.upload_id}).")
            elif outcome.refusal:
                say(f"Not stored: {outcome.refusal}")
            else:
                say("Not stored.")
            say()
        stored = sum(o.stored for o in outcomes)
        if len(outcomes) > 1:
            say(f"{stored} of {len(outcomes)} files stored.")
    return EXIT_OK if all(o.stored for o in outcomes) else EXIT_REJECTED
