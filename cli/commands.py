"""What each `prison-monitor` command does: call the core, print the outcome."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from cli.main import EXIT_OK, EXIT_REJECTED, CliError, print_json


def _engine(*, schema: bool = True):  # type: ignore[no-untyped-def]
    from store.db import get_engine, require_schema

    engine = get_engine()
    if schema:
        require_schema(engine)
    return engine


def _actor(explicit: str | None) -> str:
    if explicit:
        return explicit
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:
        return "operator"


def _register(engine):  # type: ignore[no-untyped-def]
    from store.prisons import load_register

    register = load_register(engine)
    if not len(register):
        raise CliError(
            "The prison register is empty; import one with 'prison-monitor prisons import FILE' "
            "(or run 'prison-monitor init --sample' for the sample register)."
        )
    return register


def _existing_file(path: Path) -> Path:
    if not path.exists():
        raise CliError(f"There is no file '{path}'; check the name and the folder.")
    if path.is_dir():
        raise CliError(f"'{path}' is a folder, not a file; name a file inside it.")
    return path


def init(args: argparse.Namespace) -> int:
    from store.db import database_url, get_engine, migrate

    engine = get_engine()
    migrate(engine)
    print(f"Database ready: {_safe_url(database_url())}")
    if args.sample:
        from store.sample import load_sample

        summary = load_sample(engine, progress=_progress(True))
        for line in summary:
            print(line)
    return EXIT_OK


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def prisons_import(args: argparse.Namespace) -> int:
    from data_contracts.register import read_register
    from store.prisons import import_prisons

    engine = _engine()
    prisons, issues = read_register(_existing_file(args.file))
    if issues:
        if args.json:
            print_json(
                {"file": args.file.name, "accepted": False, "errors": [i.to_dict() for i in issues]}
            )
        else:
            print(f"{args.file.name}: REFUSED — nothing was stored; fix these and import it again:")
            for i in issues:
                where = ", ".join(x for x in (f"row {i.row}" if i.row else "", i.column or "") if x)
                print(f"  - {where or 'file'}: {i.message}")
        return EXIT_REJECTED
    result = import_prisons(engine, prisons, _actor(args.user))
    if args.json:
        print_json(
            {
                "file": args.file.name,
                "accepted": True,
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
    else:
        print(
            f"{args.file.name}: {len(result.added)} added, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
    return EXIT_OK


def prisons_list(args: argparse.Namespace) -> int:
    from store.prisons import list_prisons, prison_dict

    rows = [prison_dict(p) for p in list_prisons(_engine())]
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print("The register is empty.")
        return EXIT_OK
    print(_table(rows))
    return EXIT_OK


def _table(rows: list[dict]) -> str:
    columns = list(rows[0])
    cells = [[("" if r[c] is None else str(r[c])) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def _account(engine, name: str):  # type: ignore[no-untyped-def]
    from store.accounts import get_account

    account = get_account(engine, name)
    if account is None:
        raise CliError(f"There is no account '{name}'; add it with 'prison-monitor users add'.")
    return account


def validate(args: argparse.Namespace) -> int:
    """A dry run of ingest: the same verdict (store.verdict.check_as), nothing stored."""
    from store.verdict import check_as

    path = _existing_file(args.file)
    engine = _engine()
    _register(engine)
    account = _account(engine, args.user) if args.user else None
    [verdict] = check_as(engine, [(path, path.name)], account)
    report = verdict.report
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.to_text())
    return EXIT_OK if report.accepted else EXIT_REJECTED


def template(args: argparse.Namespace) -> int:
    from data_contracts.periods import is_period
    from data_contracts.template import write_template

    if not is_period(args.period):
        raise CliError(f"'{args.period}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3.")
    register = _register(_engine())
    if args.prison not in register:
        raise CliError(
            f"'{args.prison}' is not in the prison register; see 'prison-monitor prisons list'."
        )
    fmt = args.format or ("csv" if args.output.suffix.lower() in (".csv", ".txt") else "xlsx")
    if args.output.is_dir():
        raise CliError(f"'{args.output}' is a folder; give a file name for the template.")
    write_template(args.output, args.prison, args.period, fmt)
    print(
        f"Template for {args.prison} {args.period} written to {args.output} ({fmt}).",
        file=sys.stderr,
    )
    return EXIT_OK


def indicators(args: argparse.Namespace) -> int:
    from data_contracts.periods import is_period
    from indicators.registry import load_registry
    from indicators.table import indicator_table, write_table
    from store.prisons import list_prisons
    from store.read import current_values

    registry = load_registry()
    unknown = [i for i in args.indicator or [] if i not in registry]
    if unknown:
        raise CliError(
            f"{', '.join(unknown)}: no such indicator; choose from {', '.join(registry.ids)}."
        )
    for option, value in (("--from", args.first), ("--to", args.last)):
        if value is not None and not is_period(value):
            raise CliError(
                f"{option} '{value}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3."
            )
    engine = _engine()
    prisons = list_prisons(engine)
    known = {p.code for p in prisons}
    missing = [p for p in args.prison or [] if p not in known]
    if missing:
        raise CliError(f"{', '.join(missing)}: not in the prison register; see 'prisons list'.")
    if args.output is not None and args.output.is_dir():
        raise CliError(f"'{args.output}' is a folder; give a file name for --output.")
    # Every prison is read: benchmarks and suppression need all of them. Nothing else in this
    # process holds the SQLite file, so the fast (ADBC) read is safe here.
    values = current_values(engine, exclusive=True)
    table = indicator_table(
        values,
        prisons,
        level=args.level,
        prisons=args.prison,
        first=args.first,
        last=args.last,
        indicators=args.indicator,
        suppress=args.suppress,
        benchmark=args.benchmark,
    )
    if args.output is None:
        content = write_table(table, args.format)
        sys.stdout.buffer.write(content or b"")
        sys.stdout.flush()
    else:
        write_table(table, args.format, args.output)
        print(f"{table.height:,} rows written to {args.output} ({args.format}).", file=sys.stderr)
    return EXIT_OK


def funnel(args: argparse.Namespace) -> int:
    from cli.funnel import funnel_command

    return funnel_command(args)


def serve(args: argparse.Namespace) -> int:
    import subprocess

    from store.db import database_url, get_engine, migrate
    from store.prisons import list_prisons
    from store.sample import demo_accounts, load_sample

    engine = get_engine()
    if args.demo:
        migrate(engine)
        if not list_prisons(engine):
            print("Loading the sample data (about 10 s)…", flush=True)
            for line in load_sample(engine, progress=_progress(True)):
                print(line)
        else:
            print("The database already has data; demo log-ins (password 'demo'):")
            for name, role, codes in demo_accounts():
                print(f"  {name:<10} {role}{' of ' + ', '.join(codes) if codes else ''}")
    else:
        _engine()
    root = Path(__file__).resolve().parents[1]
    app = root / "dashboard" / "app.py"
    url = f"http://{args.address}:{args.port}"
    print(f"Dashboard: {url}  (database {_safe_url(database_url())}; Ctrl-C stops it)", flush=True)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
    ]
    env = {**os.environ, "PRISON_MONITOR_DB": database_url()}
    # Run from the project folder so .streamlit/config.toml (theme, upload limit) applies.
    return subprocess.call(command, cwd=root, env=env)


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    """Progress of long work (many files) on stderr, kept off stdout and its JSON.

    On a terminal one line is redrawn; otherwise a line is printed at each
    tenth of the way, so logs stay short.
    """
    if not enabled:
        return None
    tty = sys.stderr.isatty()
    shown: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        step = max(1, total // 10)
        if tty:
            end = "\n" if done >= total else ""
            print(f"\r  {stage} {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done >= total or done - shown.get(stage, -step) >= step:
            shown[stage] = done
            print(f"  {stage} {done}/{total}", file=sys.stderr, flush=True)

    return show


def _submissions(ids: list[int], shown: int = 4) -> str:
    """'submission 7', or 'submissions 7–9, 12' in runs; a long list is cut with a count."""
    if len(ids) == 1:
        return f"submission {ids[0]}"
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:shown])
    if len(runs) > shown:
        text += f" and {len(runs) - shown} more runs"
    return f"{len(ids):,} submissions ({text})"


def ingest(args: argparse.Namespace) -> int:
    from store.submissions import ingest_files

    paths = [_existing_file(p) for p in args.files]
    engine = _engine()
    account = _account(engine, args.user)
    _register(engine)
    outcomes = ingest_files(
        engine,
        [(p, p.name) for p in paths],
        account,
        replace=args.replace,
        progress=_progress(len(paths) > 1),
    )
    if args.json:
        print_json([o.to_dict() for o in outcomes] if len(outcomes) > 1 else outcomes[0].to_dict())
    else:
        for outcome in outcomes:
            print(outcome.report.to_text())
            if outcome.stored:
                stored_as = _submissions(outcome.submission_ids)
                print(f"Stored as {stored_as} (upload {outcome.upload_id}).")
            elif outcome.refusal:
                print(f"Not stored: {outcome.refusal}")
            else:
                print("Not stored.")
            print()
        stored = sum(o.stored for o in outcomes)
        if len(outcomes) > 1:
            print(f"{stored} of {len(outcomes)} files stored.")
    return EXIT_OK if all(o.stored for o in outcomes) else EXIT_REJECTED


def history(args: argparse.Namespace) -> int:
    from data_contracts.periods import is_period
    from store.history import SHOWN_COLUMNS, submission_history

    if args.period is not None and not is_period(args.period):
        raise CliError(f"'{args.period}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3.")
    entries = submission_history(_engine(), prison=args.prison, period=args.period)
    if args.json:
        print_json(entries)
        return EXIT_OK
    if not entries:
        print("No submissions.")
        return EXIT_OK
    print(_table([{c: e[c] for c in SHOWN_COLUMNS} for e in entries]))
    return EXIT_OK


def users_add(args: argparse.Namespace) -> int:
    from store.accounts import AccountError, save_account

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("No password came on standard input; pipe it in, e.g. from a file.")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name} (empty: no local log-in): ") or None
    try:
        account, created = save_account(
            _engine(),
            args.name,
            args.role,
            prisons=args.prison,
            password=password,
            email=args.email.strip().lower() if args.email else None,
            actor=_actor(args.by),
        )
    except AccountError as exc:
        print(f"prison-monitor: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    prisons = f" for {', '.join(sorted(account.prisons))}" if account.prisons else ""
    login = "" if password else " (no password: it can log in only through OpenID Connect)"
    print(f"{'Added' if created else 'Updated'} {account.role} {account.name}{prisons}{login}.")
    return EXIT_OK


def users_list(args: argparse.Namespace) -> int:
    from store.accounts import list_accounts

    rows = [
        {"name": a.name, "role": a.role, "prisons": ", ".join(sorted(a.prisons)), "email": a.email}
        for a in list_accounts(_engine())
    ]
    if args.json:
        print_json(rows)
    else:
        print(_table(rows) if rows else "No accounts.")
    return EXIT_OK
