"""`prison-monitor report prison|bulletin` (reports.md §2): a thin layer over reports.make."""

from __future__ import annotations

import argparse

from cli.common import (
    EXIT_OK,
    CliError,
    engine,
    reader,
    require_quarter,
    rule_refusals,
    shown,
    tell,
    vintage,
)
from i18n import _


def _format_of(args: argparse.Namespace) -> str:
    from reports.make import FORMATS, HTML, PDF

    if args.format is not None:
        return args.format
    suffix = args.output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix == "htm":
        return HTML
    return PDF


def _check_output(args: argparse.Namespace) -> None:
    if args.output.is_dir():
        raise CliError(
            _("'{file}' is a folder; give a file name for --output.").format(
                file=shown(args.output)
            )
        )
    if not args.output.parent.exists():
        raise CliError(
            _("There is no folder '{folder}' for --output; create it or choose another.").format(
                folder=shown(args.output.parent)
            )
        )


def _written(args: argparse.Namespace, content: bytes, words: str, what: str, user: str) -> int:
    args.output.write_bytes(content)
    size = f"{len(content) / 1024:,.0f}"
    tell(words.format(file=shown(args.output), what=what, period=args.period, user=user, size=size))
    return EXIT_OK


def _progress(share: float, words: str) -> None:
    tell(f"[{share:4.0%}] {words}")


def prison(args: argparse.Namespace) -> int:
    from data_contracts.languages import current_language
    from reports import make
    from reports.prison import NoSuchProfile
    from store.prisons import prison_countries
    from store.reading_scope import require_readable

    require_quarter(args.period, "--period")
    _check_output(args)
    store = engine()
    account = reader(store, args.user)
    countries = prison_countries(store)
    if args.prison not in countries:
        raise CliError(
            _("{code}: not in the prison register; see 'prisons list'.").format(
                code=shown(args.prison)
            )
        )
    with rule_refusals():
        require_readable(account, [args.prison], countries)
    chosen = make.default_vintage(store, account, vintage(store, args))
    fmt = _format_of(args)
    try:
        with rule_refusals():
            content = make.prison_profile(
                store,
                account,
                args.prison,
                args.period,
                vintage=chosen,
                benchmark=args.benchmark,
                fmt=fmt,
                language=current_language(),
                progress=_progress if not args.quiet else make._quiet,
            )
    except NoSuchProfile as exc:
        raise CliError(str(exc)) from None
    return _written(
        args,
        content,
        _("{file} written: the profile of {what}, {period}, as {user} sees it ({size} KiB)."),
        args.prison,
        account.name,
    )


def bulletin(args: argparse.Namespace) -> int:
    from data_contracts.languages import current_language
    from reports import make
    from reports.bulletin import NoSuchBulletin, country_area, region_area
    from store.prisons import list_prisons
    from store.reading_scope import require_readable

    require_quarter(args.period, "--period")
    _check_output(args)
    store = engine()
    account = reader(store, args.user)
    register = list_prisons(store)
    countries = {p.code: p.country for p in register}
    if args.region is not None:
        inside = [p for p in register if p.region == args.region]
        if not inside:
            known = sorted({p.region for p in register if p.region})
            raise CliError(
                _(
                    "There is no region '{region}' in the register; the regions are: {known}."
                ).format(region=shown(args.region), known=", ".join(known))
            )
        area = region_area(args.region, inside[0].country)
    else:
        inside = [p for p in register if p.country == args.country]
        if not inside:
            known = sorted({p.country for p in register if p.country})
            raise CliError(
                _(
                    "There is no prison of country '{country}' in the register; the countries "
                    "are: {known}."
                ).format(country=shown(args.country), known=", ".join(known))
            )
        area = country_area(args.country)
    with rule_refusals():
        require_readable(account, [inside[0].code], countries)
    chosen = make.default_vintage(store, account, vintage(store, args))
    try:
        with rule_refusals():
            content = make.bulletin(
                store,
                account,
                area,
                args.period,
                vintage=chosen,
                benchmark=args.benchmark,
                fmt=_format_of(args),
                language=current_language(),
                progress=_progress if not args.quiet else make._quiet,
            )
    except NoSuchBulletin as exc:
        raise CliError(str(exc)) from None
    return _written(
        args,
        content,
        _("{file} written: the bulletin of {what}, {period}, as {user} sees it ({size} KiB)."),
        area.words,
        account.name,
    )
