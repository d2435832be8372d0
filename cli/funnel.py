"""`prison-monitor funnel`: the funnel table of indicators.md §7, a thin layer over the core.

One command, one module, like the others (cli/main.py dispatches to it).
"""

from __future__ import annotations

import argparse
import difflib

from cli.common import (
    EXIT_OK,
    CliError,
    engine,
    output_table,
    reader,
    rule_refusals,
    shown,
    vintage,
)
from i18n import _

# How alike an unknown id must be to a known one to be suggested (difflib's ratio).
SUGGESTION_CUTOFF = 0.6


def _check_indicator(indicator: str, ids: list[str]) -> None:
    if indicator in ids:
        return
    near = difflib.get_close_matches(indicator, ids, n=1, cutoff=SUGGESTION_CUTOFF)
    if near:
        text = _("'{indicator}' is not an indicator; did you mean '{near}'?")
    else:
        text = _("'{indicator}' is not an indicator; choose from {ids}.")
    raise CliError(
        text.format(indicator=shown(indicator), near=near[0] if near else "", ids=", ".join(ids))
    )


def funnel_command(args: argparse.Namespace) -> int:
    from data_contracts.periods import is_period, suggest_period
    from indicators.funnel import funnel_table
    from indicators.registry import load_registry
    from store.read import current_values
    from store.register_history import register_over_time

    registry = load_registry()
    _check_indicator(args.indicator, list(registry.ids))
    if not is_period(args.period):
        guess = suggest_period(args.period)
        if guess:
            text = _("--period '{value}' is not a quarter written YYYY-Qn; did you mean '{guess}'?")
        else:
            text = _("--period '{value}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3.")
        raise CliError(text.format(value=shown(args.period), guess=guess))
    if args.suppress and args.benchmark == "peer":
        from indicators.table import PEER_SUPPRESSION_REFUSED

        raise CliError(PEER_SUPPRESSION_REFUSED)
    if args.output is not None and args.output.is_dir():
        raise CliError(
            _("'{file}' is a folder; give a file name for --output.").format(
                file=shown(args.output)
            )
        )
    store = engine()
    account = reader(store, args.user)
    chosen = vintage(store, args)
    # Nothing else in this process holds the SQLite file, so the fast (ADBC) read is safe.
    values = current_values(store, exclusive=True, vintage=chosen)
    from indicators.table import PeerSuppressionRefused

    try:
        with rule_refusals():
            table = funnel_table(
                values,
                register_over_time(store, chosen.moment),
                args.indicator,
                args.period,
                benchmark=args.benchmark,
                overdispersion=args.overdispersion,
                suppress=args.suppress,
                registry=registry,
                account=account,
            )
    except PeerSuppressionRefused as exc:
        raise CliError(str(exc)) from None
    if table.height == 0:
        raise CliError(
            _(
                "No prison reported both figures of {indicator} for {period}; "
                "see 'prison-monitor history --period {period}' for what is stored."
            ).format(indicator=args.indicator, period=args.period)
        )
    output_table(table, args.format, args.output)
    return EXIT_OK
