"""`prison-monitor`: the command line, a thin layer over the core.

Parses arguments, calls the same functions the dashboard calls, prints
readable text (or JSON with --json), and turns every failure into one plain
sentence on standard error with exit status 2; never a traceback.

This module only parses and dispatches: each command lives in a module of its
own (cli.files, cli.reading, cli.users, cli.serve, cli.funnel), imported when
it runs, and those import cli.common, never this module, so that running it as
`python -m cli.main` does not load it twice (two CliError classes, and its own
errors reported as unexpected).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from cli.common import EXIT_CANNOT_RUN, EXIT_REJECTED, CliError, CliRefused, shown, tell

# Kept in step with store.accounts.ROLES (checked by a test); not imported, so that
# `--help` and usage errors do not load the store.
ROLES = ("ministry", "director", "evaluator", "international")
# Kept in step with indicators.aggregates (checked by a test), for the same reason.
LEVELS = ("prison", "region", "peer", "national", "international")
BENCHMARKS = ("national", "region", "peer")
# Kept in step with store.review.STATES (checked by a test).
REVIEW_STATES = ("submitted", "returned", "approved")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        tell(f"prison-monitor: {message}. Run '{self.prog} --help' for the usage.")
        raise SystemExit(EXIT_CANNOT_RUN)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="prison-monitor",
        description="Monitoring indicators for drug services in prisons.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $PRISON_MONITOR_DB or sqlite:///var/prison-monitor.db)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init", help="create or upgrade the database schema")
    p.add_argument(
        "--sample", action="store_true", help="also load the sample data and demo accounts"
    )
    p.set_defaults(run=_command("cli.serve:init"))

    prisons = sub.add_parser("prisons", help="the prison register")
    psub = prisons.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    psub.required = True
    p = psub.add_parser("import", help="add or update prisons from a register CSV")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--user", default=None, help="the ministry account making the change (default: $USER)"
    )
    p.add_argument(
        "--from",
        dest="effective_from",
        metavar="P",
        help="the quarter the changes apply from (default: the current quarter); earlier "
        "quarters keep the register they had",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.files:prisons_import"))
    p = psub.add_parser("list", help="list the register")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.reading:prisons_list"))

    p = sub.add_parser("validate", help="a dry run of ingest: the same checks; stores nothing")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--user", default=None, metavar="NAME", help="check as this account (authz.prison)"
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=_command("cli.files:validate"))

    p = sub.add_parser("ingest", help="check files as a user and store each one on its own")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--user", required=True, metavar="NAME", help="the account submitting")
    p.add_argument(
        "--replace", action="store_true", help="supersede accepted submissions of the same quarter"
    )
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="why the ministry replaces an approved prison-quarter (kept in the audit trail)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON report per file")
    p.set_defaults(run=_command("cli.files:ingest"))
    _governance(sub)

    p = sub.add_parser("history", help="every submission of each prison-quarter, oldest first")
    p.add_argument("--prison", metavar="CODE")
    p.add_argument("--period", metavar="P")
    p.add_argument("--json", action="store_true")
    _vintage_options(p)
    _reader_option(p)
    p.set_defaults(run=_command("cli.reading:history"))

    users = sub.add_parser("users", help="local accounts")
    usub = users.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    usub.required = True
    p = usub.add_parser("add", help="add or update an account")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--prison", action="append", default=[], metavar="CODE")
    p.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="CODE",
        help="a country a ministry or evaluator account works for (repeatable; none: every)",
    )
    p.add_argument("--email", default=None, help="for OpenID Connect log-in")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.add_argument(
        "--by", default=None, help="the ministry account making the change (default: $USER)"
    )
    p.set_defaults(run=_command("cli.users:users_add"))
    p = usub.add_parser("list", help="list the accounts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.users:users_list"))
    for action, does in (("disable", "cannot log in; its sessions end"), ("enable", "may again")):
        p = usub.add_parser(action, help=f"{action} an account ({does})")
        p.add_argument("name", metavar="NAME")
        p.add_argument("--by", default=None, help="the ministry account making the change")
        p.set_defaults(run=_command(f"cli.users:users_{action}"))

    p = sub.add_parser("indicators", help="the indicator table (indicators.md section 6)")
    p.add_argument("--level", choices=LEVELS, default=None, help="default: prison")
    p.add_argument("--prison", action="append", default=None, metavar="CODE")
    p.add_argument("--from", dest="first", metavar="P", help="first quarter, YYYY-Qn")
    p.add_argument("--to", dest="last", metavar="P", help="last quarter, YYYY-Qn")
    p.add_argument("--indicator", action="append", default=None, metavar="ID")
    p.add_argument("--suppress", action="store_true", help="small-number suppression")
    p.add_argument(
        "--benchmark",
        choices=BENCHMARKS,
        default="national",
        help="what prisons are compared with",
    )
    p.add_argument(
        "--format",
        choices=("csv", "json", "parquet", "xlsx", "sdmx-csv"),
        default="csv",
        help="sdmx-csv: SDMX-CSV 2.0, national (with --level region also region) rows, "
        "suppressed (docs/sdmx.md)",
    )
    p.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    _vintage_options(p)
    _reader_option(p)
    p.set_defaults(run=_command("cli.reading:indicators"))

    p = sub.add_parser("funnel", help="the funnel table of one indicator and quarter (section 7)")
    p.add_argument("--indicator", required=True, metavar="ID")
    p.add_argument("--period", required=True, metavar="P", help="the quarter, YYYY-Qn")
    p.add_argument("--benchmark", choices=BENCHMARKS, default="national")
    p.add_argument(
        "--overdispersion", choices=("none", "multiplicative", "additive"), default="none"
    )
    p.add_argument("--suppress", action="store_true", help="small-number suppression")
    p.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    p.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    _vintage_options(p)
    _reader_option(p)
    p.set_defaults(run=_command("cli.funnel:funnel_command"))

    _reports(sub)

    p = sub.add_parser("serve", help="start the dashboard")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="localhost", help="address to listen on")
    p.add_argument(
        "--demo", action="store_true", help="first load the sample data if the database is empty"
    )
    p.set_defaults(run=_command("cli.serve:serve"))

    p = sub.add_parser("template", help="write a blank submission file for a prison and quarter")
    p.add_argument("--prison", required=True, metavar="CODE")
    p.add_argument("--period", required=True, metavar="P")
    p.add_argument("--format", choices=("xlsx", "csv"), default=None)
    p.add_argument("--output", required=True, type=Path, metavar="FILE")
    p.set_defaults(run=_command("cli.files:template"))
    _language_option(parser)
    return parser


LANGUAGE_HELP = "the language of messages: en, fr, nl or de (default: $PRISON_MONITOR_LANG or en)"


def _language_option(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """--lang on the command line and on every command (international.md §3), before or
    after the command's name."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--lang", default=default, metavar="LANG", help=LANGUAGE_HELP)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _language_option(child, top=False)


def _reader_option(p: argparse.ArgumentParser) -> None:
    """--user of every reading command (international.md §2)."""
    p.add_argument(
        "--user",
        default=None,
        metavar="NAME",
        help="print exactly what this account may see (default: everything, unsuppressed)",
    )


def _vintage_options(p: argparse.ArgumentParser) -> None:
    """--release and --as-of of every reading command (governance.md §3)."""
    p.add_argument("--release", metavar="NAME", help="read exactly that release's figures")
    p.add_argument(
        "--as-of",
        dest="as_of",
        metavar="TIMESTAMP",
        help="read the data as they were then (ISO 8601; UTC unless a zone is given)",
    )


def _reports(sub) -> None:  # type: ignore[no-untyped-def]
    """`report prison` and `report bulletin` (reports.md §2)."""
    report = sub.add_parser("report", help="a prison profile or a bulletin, as PDF or HTML")
    rsub = report.add_subparsers(dest="report", required=True, metavar="KIND")
    p = rsub.add_parser("prison", help="one prison's profile for one quarter")
    p.add_argument("--prison", required=True, metavar="CODE")
    _report_options(p)
    p.set_defaults(run=_command("cli.report:prison"))
    p = rsub.add_parser("bulletin", help="one region's or country's bulletin for one quarter")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", metavar="R", help="a region of the register")
    where.add_argument("--country", metavar="C", help="a country (ISO 3166-1 alpha-2)")
    _report_options(p)
    p.set_defaults(run=_command("cli.report:bulletin"))


def _report_options(p: argparse.ArgumentParser) -> None:
    """What both reports take beside what they are about."""
    p.add_argument("--period", required=True, metavar="P", help="the quarter, YYYY-Qn")
    p.add_argument("--benchmark", choices=BENCHMARKS, default="national")
    p.add_argument("--format", choices=("pdf", "html"), default=None, help="default: from --output")
    p.add_argument(
        "--output", type=Path, required=True, metavar="FILE", help="FILE.pdf or FILE.html"
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on standard error")
    p.add_argument("--user", required=True, metavar="NAME", help="made as this account sees it")
    _vintage_options(p)


def _governance(sub) -> None:  # type: ignore[no-untyped-def]
    """`review` and `period` (governance.md §7)."""
    review = sub.add_parser("review", help="the ministry's review of prison-quarters")
    rsub = review.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    rsub.required = True
    for action, words in (("approve", "approve"), ("return", "return for correction")):
        p = rsub.add_parser(action, help=f"{words} the submission named")
        p.add_argument("--prison", required=True, metavar="CODE")
        p.add_argument("--period", required=True, metavar="P")
        p.add_argument("--submission", required=True, type=int, metavar="ID")
        p.add_argument("--user", required=True, metavar="NAME")
        p.add_argument("--comment", required=action == "return", metavar="TEXT")
        p.set_defaults(run=_command("cli.governance:review"))
    p = rsub.add_parser("reopen", help="approved -> submitted, with a reason")
    p.add_argument("--prison", required=True, metavar="CODE")
    p.add_argument("--period", required=True, metavar="P")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(run=_command("cli.governance:review"))
    p = rsub.add_parser("list", help="the review queue, with each submission's warnings")
    p.add_argument("--state", choices=REVIEW_STATES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.governance:review"))

    release = sub.add_parser("release", help="record or list releases (citable figures)")
    lsub = release.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    lsub.required = True
    p = lsub.add_parser("create", help="record the submissions current now under a name")
    p.add_argument("--name", required=True, metavar="NAME")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.governance:release"))
    p = lsub.add_parser("list", help="the releases, oldest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.governance:release"))

    p = sub.add_parser("audit", help="the audit trail, oldest first, every entry")
    p.add_argument("--since", metavar="T", help="entries at or after T (ISO 8601)")
    p.add_argument("--until", metavar="T", help="entries at or before T (ISO 8601)")
    p.add_argument("--actor", metavar="NAME")
    p.add_argument("--prison", metavar="CODE")
    p.add_argument(
        "--action", metavar="A", help="e.g. review.approve, or a family: review, period, ..."
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_command("cli.governance:audit"))

    p = sub.add_parser("completeness", help="one status per prison and quarter, with shares")
    p.add_argument("--from", dest="first", metavar="P", help="first quarter (default: 3 years)")
    p.add_argument("--to", dest="last", metavar="P", help="last quarter (default: last ended)")
    p.add_argument("--deadline-days", type=int, default=None, metavar="N")
    p.add_argument("--json", action="store_true")
    _reader_option(p)
    p.set_defaults(run=_command("cli.reading:completeness"))

    period = sub.add_parser("period", help="lock or unlock a quarter")
    psub = period.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    psub.required = True
    p = psub.add_parser("lock", help="nothing may be stored for the quarter")
    p.add_argument("period", metavar="P")
    p.add_argument("--user", required=True, metavar="NAME")
    p.set_defaults(run=_command("cli.governance:period"))
    p = psub.add_parser("unlock", help="unlock a quarter, with a reason")
    p.add_argument("period", metavar="P")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.set_defaults(run=_command("cli.governance:period"))


def _command(target: str) -> Callable[[argparse.Namespace], int]:
    """The command `module:function`, imported only when it runs (a usage error stays fast)."""

    def run(args: argparse.Namespace) -> int:
        module, function = target.split(":")
        return getattr(importlib.import_module(module), function)(args)

    return run


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained on stderr
        return int(exc.code or 0)
    if args.db:
        os.environ["PRISON_MONITOR_DB"] = args.db
    try:
        from data_contracts.languages import speaking

        with speaking(_language(args)):  # this command's run only (main may be called again)
            return args.run(args)
    except KeyboardInterrupt:
        tell("prison-monitor: stopped.")
        return 130
    except Exception as exc:  # every failure reaches the user as one sentence
        from store.db import StoreError

        if os.environ.get("PRISON_MONITOR_DEBUG"):
            raise
        if isinstance(exc, CliRefused):
            tell(f"prison-monitor: {exc}")
            return EXIT_REJECTED
        if isinstance(exc, (CliError, StoreError)):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = f"{exc.strerror or exc}: {shown(exc.filename or '')}".rstrip(": ")
            message += "."
        else:
            message = (
                f"an unexpected error stopped the command ({type(exc).__name__}: {exc}); "
                "nothing was stored. Set PRISON_MONITOR_DEBUG=1 to see the details and report it."
            )
        tell(f"prison-monitor: {message}")
        return EXIT_CANNOT_RUN


def _language(args: argparse.Namespace) -> str:
    """Messages in --lang, else PRISON_MONITOR_LANG, else English; a wrong one is told."""
    from data_contracts.languages import LanguageError, check_language, language_from_environment

    try:
        return check_language(args.lang, "--lang") if args.lang else language_from_environment()
    except LanguageError as exc:
        raise CliError(str(exc)) from None


def run() -> int:
    """The console script: `main`, then a quick exit.

    The imports leave about two million objects (Great Expectations' pydantic
    models); collecting them at interpreter exit costs up to a second of a
    short command. Freezing moves them out of the collector's reach; the
    process is ending and the operating system frees the memory.
    """
    code = main()
    sys.stdout.flush()
    gc.freeze()
    return code


if __name__ == "__main__":
    raise SystemExit(run())
