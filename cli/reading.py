"""Commands that read the store: prisons list, history, indicators."""

from __future__ import annotations

import argparse

from cli.common import (
    EXIT_OK,
    CliError,
    engine,
    output_table,
    print_json,
    reader,
    require_quarter,
    rule_refusals,
    say,
    shown,
    table,
    tell,
    vintage,
    write_output,
)


def prisons_list(args: argparse.Namespace) -> int:
    from store.prisons import list_prisons, prison_dict

    rows = [prison_dict(p) for p in list_prisons(engine())]
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        say("The register is empty.")
        return EXIT_OK
    say(table(rows))
    return EXIT_OK


def history(args: argparse.Namespace) -> int:
    from store.history import SHOWN_COLUMNS, submission_history, visible_entries
    from store.prisons import prison_countries
    from store.reading_scope import require_readable

    if args.period is not None:
        require_quarter(args.period)
    store = engine()
    account = reader(store, args.user)
    countries = prison_countries(store)
    with rule_refusals():
        require_readable(account, [args.prison] if args.prison else [], countries)
    entries = submission_history(
        store, prison=args.prison, period=args.period, vintage=vintage(store, args)
    )
    if account is not None:
        entries = visible_entries(entries, account, countries)
    if args.json:
        print_json(entries)
        return EXIT_OK
    if not entries:
        say("No submissions.")
        return EXIT_OK
    say(table([{c: e[c] for c in SHOWN_COLUMNS} for e in entries]))
    return EXIT_OK


def indicators(args: argparse.Namespace) -> int:
    from indicators.aggregates import PRISON
    from indicators.international import INTERNATIONAL
    from indicators.registry import load_registry
    from indicators.table import PeerSuppressionRefused, indicator_table
    from store.prisons import list_prisons
    from store.read import current_values
    from store.register_history import register_over_time

    registry = load_registry()
    unknown = [shown(i) for i in args.indicator or [] if i not in registry]
    if unknown:
        raise CliError(
            f"{', '.join(unknown)}: no such indicator; choose from {', '.join(registry.ids)}."
        )
    for option, value in (("--from", args.first), ("--to", args.last)):
        if value is not None:
            require_quarter(value, option)
    store = engine()
    account = reader(store, args.user)
    chosen = vintage(store, args)
    prisons = list_prisons(store, chosen.moment)
    known = {p.code for p in prisons}
    missing = [shown(p) for p in args.prison or [] if p not in known]
    if missing:
        raise CliError(f"{', '.join(missing)}: not in the prison register; see 'prisons list'.")
    if args.output is not None and args.output.is_dir():
        raise CliError(f"'{shown(args.output)}' is a folder; give a file name for --output.")
    # Every prison is read: benchmarks and suppression need all of them. Nothing else in this
    # process holds the SQLite file, so the fast (ADBC) read is safe here.
    over_time = register_over_time(store, chosen.moment)
    values = current_values(store, exclusive=True, vintage=chosen)
    sdmx = args.format == SDMX_CSV
    level, suppress = (sdmx_levels(args), True) if sdmx else (args.level or PRISON, args.suppress)
    try:
        with rule_refusals():
            result = indicator_table(
                values,
                over_time,
                level=level,
                prisons=args.prison,
                first=args.first,
                last=args.last,
                indicators=args.indicator,
                suppress=suppress,
                benchmark=args.benchmark,
                account=account,
            )
    except PeerSuppressionRefused as exc:
        raise CliError(str(exc)) from None
    if sdmx:
        from indicators.sdmx import sdmx_csv

        content = sdmx_csv(result, registry)
        if args.output is None:
            write_output(content, "csv")
        else:
            args.output.write_bytes(content)
            rows = content.count(b"\n") - 1  # below the header line
            tell(f"{rows:,} rows written to {shown(args.output)} (SDMX-CSV 2.0).")
        return EXIT_OK
    if level == INTERNATIONAL:  # international.md §1: the number of countries, so named
        result = result.rename({"prisons": "countries"})
    output_table(result, args.format, args.output)
    return EXIT_OK


SDMX_CSV = "sdmx-csv"


def sdmx_levels(args: argparse.Namespace) -> list[str]:
    """The levels SDMX output holds (international.md §4): national, with region if asked."""
    from indicators.aggregates import NATIONAL, REGION

    if args.level not in (None, NATIONAL, REGION) or args.prison:
        raise CliError(
            "--format sdmx-csv holds national and region rows only: use --level national "
            "(the default) or --level region, without --prison."
        )
    return [NATIONAL] if args.level in (None, NATIONAL) else [NATIONAL, REGION]


# Quarters `completeness` shows without --from: the last ended one and those before it.
DEFAULT_COMPLETENESS_QUARTERS = 12
MAX_DEADLINE_DAYS = 365
COMPLETENESS_SHOWN = ("prison_code", "period", "status", "share", "versions", "state")


def completeness(args: argparse.Namespace) -> int:
    from datetime import date

    from data_contracts.periods import last_ended_quarter, period_index
    from indicators.grids import status_counts
    from store.completeness import DEFAULT_DEADLINE_DAYS, STATUSES, as_json
    from store.completeness import completeness as grid_of

    for option, value in (("--from", args.first), ("--to", args.last)):
        if value is not None:
            require_quarter(value, option)
    days = DEFAULT_DEADLINE_DAYS if args.deadline_days is None else args.deadline_days
    if not 0 <= days <= MAX_DEADLINE_DAYS:
        raise CliError(f"--deadline-days must be between 0 and {MAX_DEADLINE_DAYS}, not {days}.")
    last = last_ended_quarter(date.today()) if args.last is None else period_index(args.last)
    first = (
        last - DEFAULT_COMPLETENESS_QUARTERS + 1 if args.first is None else period_index(args.first)
    )
    if first > last:
        raise CliError("--from is after --to; give the earlier quarter first.")
    from store.prisons import prison_countries
    from store.reading_scope import prisons_in_scope, require_readable

    store = engine()
    account = reader(store, args.user)
    countries = prison_countries(store)
    with rule_refusals():
        require_readable(account, [], countries)
    grid = grid_of(store, first=first, last=last, deadline_days=days)
    grid = prisons_in_scope(grid, account, countries)
    if args.json:
        print_json(as_json(grid))
        return EXIT_OK
    if grid.height == 0:
        say("The register is empty: no prison is expected to report.")
        return EXIT_OK
    rows = [
        {**row, "share": "" if row["share"] is None else f"{row['share']:.0f}%"}
        for row in grid.select(COMPLETENESS_SHOWN).iter_rows(named=True)
    ]
    say(table(rows))
    counts = status_counts(grid, STATUSES)
    say("; ".join(f"{s}: {n:,}" for s, n in counts.items()) + f" (deadline {days} days).")
    return EXIT_OK
