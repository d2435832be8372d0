"""`init --sample`: the sample register, every sample submission and the demo accounts."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select

from data_contracts.register import read_register
from store.accounts import get_account, save_demo_account
from store.db import StoreError
from store.passwords import DEMO_PASSWORD
from store.prisons import import_prisons
from store.schema import uploads
from store.submissions import ingest_files

SAMPLE_ACTOR = "sample-loader"


def demo_accounts() -> list[tuple[str, str, list[str], list[str]]]:
    """(name, role, prisons, countries) of each demo account: the three of cli-and-roles.md,
    an international account and a ministry of one country (international.md §2)."""
    from sample_data import DEMO_DIRECTOR_PRISON

    return [
        ("ministry", "ministry", [], []),
        ("director", "director", [DEMO_DIRECTOR_PRISON], []),
        ("evaluator", "evaluator", [], []),
        ("international", "international", [], []),
        (DEMO_COUNTRY_MINISTRY, "ministry", [], [DEMO_COUNTRY]),
    ]


# The demo ministry of one country: Lauwerland (the sample's two-language country).
DEMO_COUNTRY, DEMO_COUNTRY_MINISTRY = "XL", "ministry-xl"


def load_sample(
    engine: Engine, progress: Callable[[str, int, int], None] | None = None
) -> list[str]:
    """Load the sample data (once: a second run adds nothing); returns what was loaded."""
    from sample_data import REGISTER_FILE, SUBMISSIONS_DIR

    prisons, issues = read_register(REGISTER_FILE)
    if issues:
        raise StoreError(f"The sample register is invalid: {issues[0].message}")
    result = import_prisons(engine, prisons, SAMPLE_ACTOR)
    lines = [f"Sample register: {len(result.added)} prisons added, {len(result.updated)} updated."]
    for name, role, codes, countries in demo_accounts():
        if get_account(engine, name) is None:
            save_demo_account(
                engine, name, role, prisons=codes, countries=countries, actor=SAMPLE_ACTOR
            )
    with engine.connect() as conn:
        already = set(conn.execute(select(uploads.c.file_name).where(uploads.c.accepted)).scalars())
    files = sorted(p for p in SUBMISSIONS_DIR.iterdir() if p.is_file() and p.name not in already)
    ministry = get_account(engine, "ministry")
    assert ministry is not None
    outcomes = ingest_files(engine, [(p, p.name) for p in files], ministry, progress=progress)
    refused = [o.report.file for o in outcomes if not o.stored]
    if refused:
        raise StoreError(f"Sample files were refused: {', '.join(refused[:5])}.")
    lines.append(
        f"Sample submissions: {len(outcomes)} files stored ({len(already)} already there)."
    )
    lines.append(f"Demo log-ins (password '{DEMO_PASSWORD}'):")
    return lines + demo_lines()


def demo_lines() -> list[str]:
    """One line per demo account: its name, role and prisons or countries."""
    lines = []
    for name, role, codes, countries in demo_accounts():
        of = codes or countries
        lines.append(f"  {name:<13} {role}{' of ' + ', '.join(of) if of else ''}")
    return lines
