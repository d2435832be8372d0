"""Bringing the product up: `init` (schema, sample data) and `serve` (the dashboard)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from cli.common import EXIT_OK, engine, progress, safe_url, say

# `serve` says this first while any account still has the public demo password.
DEMO_WARNING = (
    "WARNING: {names} still {verb} the public demo password '{password}'; anyone can log in "
    "as {them}. Give {them} a password of your own with 'prison-monitor users add NAME --role "
    "ROLE --password-stdin', or disable {them} with 'prison-monitor users disable NAME'."
)


def init(args: argparse.Namespace) -> int:
    from store.db import database_url, get_engine, migrate

    store = get_engine()
    migrate(store)
    say(f"Database ready: {safe_url(database_url())}")
    if args.sample:
        from store.sample import load_sample

        for line in load_sample(store, progress=progress(True)):
            say(line)
    return EXIT_OK


def demo_warning(names: list[str]) -> str | None:
    """The first line of `serve` while accounts with the demo password exist, else None."""
    from store.passwords import DEMO_PASSWORD

    if not names:
        return None
    one = len(names) == 1
    return DEMO_WARNING.format(
        names=("the account " if one else "the accounts ") + ", ".join(sorted(names)),
        verb="has" if one else "have",
        password=DEMO_PASSWORD,
        them="it" if one else "them",
    )


def serve(args: argparse.Namespace) -> int:
    from store.accounts import demo_password_accounts
    from store.db import database_url, get_engine, migrate
    from store.prisons import list_prisons
    from store.sample import demo_accounts, demo_lines, load_sample

    store = get_engine()
    if args.demo:
        migrate(store)
    else:
        engine()
    load = args.demo and not list_prisons(store)
    # Said first, before anything else: the sample about to be loaded has the demo accounts.
    with_demo = set(demo_password_accounts(store))
    if load:
        with_demo |= {name for name, *_ in demo_accounts()}
    warning = demo_warning(sorted(with_demo))
    if warning:
        say(warning, flush=True)
    if load:
        say("Loading the sample data (about 10 s)…", flush=True)
        for line in load_sample(store, progress=progress(True)):
            say(line)
    elif args.demo:
        say("The database already has data; demo log-ins (password 'demo'):")
        for line in demo_lines():
            say(line)
    root = Path(__file__).resolve().parents[1]
    app = root / "dashboard" / "server.py"  # dashboard/app.py behind our routes and headers
    url = f"http://{args.address}:{args.port}"
    say(f"Dashboard: {url}  (database {safe_url(database_url())}; Ctrl-C stops it)", flush=True)
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
