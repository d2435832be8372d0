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
from i18n import _, ngettext

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
            say(
                _("{file}: REFUSED — nothing was stored; fix these and import it again:").format(
                    file=name
                )
            )
            for i in issues:
                row = _("row {row}").format(row=i.row) if i.row else ""
                where = ", ".join(x for x in (row, i.column or "") if x)
                place = shown(where) or _("file")
                say("  - " + _("{place}: {message}").format(place=place, message=i.message))
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
        say(_import_line(name, result, since))
    return EXIT_OK


def _import_line(name: str, result, since: str) -> str:  # type: ignore[no-untyped-def]
    """'register.csv: 2 added, 1 updated, 40 unchanged; the changes apply from 2025-Q3.'"""
    from i18n.formats import number

    added, updated, unchanged = map(len, (result.added, result.updated, result.unchanged))
    counts = {
        "file": name,
        "added": ngettext("{count} added", "{count} added", added).format(count=number(added)),
        "updated": ngettext("{count} updated", "{count} updated", updated).format(
            count=number(updated)
        ),
        "unchanged": ngettext("{count} unchanged", "{count} unchanged", unchanged).format(
            count=number(unchanged)
        ),
        "period": since,
    }
    if updated:
        text = _("{file}: {added}, {updated}, {unchanged}; the changes apply from {period}.")
    else:
        text = _("{file}: {added}, {updated}, {unchanged}.")
    return text.format(**counts)


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
            _(
                "'{prison}' is not in the prison register; see 'prison-monitor prisons list'."
            ).format(prison=shown(args.prison))
        )
    fmt = args.format or ("csv" if args.output.suffix.lower() in (".csv", ".txt") else "xlsx")
    if args.output.is_dir():
        raise CliError(
            _("'{file}' is a folder; give a file name for the template.").format(
                file=shown(args.output)
            )
        )
    write_template(args.output, known.prisons[args.prison], args.period, fmt)
    tell(
        _("Template for {prison} {period} written to {file} ({format}).").format(
            prison=args.prison, period=args.period, file=shown(args.output), format=fmt
        )
    )
    return EXIT_OK


def submissions_text(ids: list[int], runs_shown: int = SHOWN_RUNS) -> str:
    """'submission 7', or 'submissions 7–9, 12' in runs; a long list is cut with a count."""
    from i18n.formats import number

    if len(ids) == 1:
        return _("submission {id}").format(id=ids[0])
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:runs_shown])
    if len(runs) > runs_shown:
        more = len(runs) - runs_shown
        text = ngettext(
            "{runs} and {count} more runs", "{runs} and {count} more runs", more
        ).format(runs=text, count=number(more))
    return ngettext("{count} submission ({runs})", "{count} submissions ({runs})", len(ids)).format(
        count=number(len(ids)), runs=text
    )


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
                say(
                    _("Stored as {submissions} (upload {upload}).").format(
                        submissions=stored_as, upload=outcome.upload_id
                    )
                )
            elif outcome.refusal:
                say(_("Not stored: {reason}").format(reason=outcome.refusal))
            else:
                say(_("Not stored."))
            say()
        stored = sum(o.stored for o in outcomes)
        if len(outcomes) > 1:
            from i18n.formats import number

            files = len(outcomes)
            say(
                ngettext(
                    "{stored} of {count} file stored.", "{stored} of {count} files stored.", files
                ).format(stored=number(stored), count=number(files))
            )
    return EXIT_OK if all(o.stored for o in outcomes) else EXIT_REJECTED
