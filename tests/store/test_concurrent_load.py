"""20 concurrent ingests while the dashboard's read path runs: nothing lost, one current each."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from submission_files import csv_text, good_rows

from store.history import submission_history
from store.read import current_values
from store.schema import uploads
from store.submissions import ingest_files

PERIODS = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]


def _ingest(args: tuple[str, str]) -> bool:
    url, path = args
    from store.accounts import get_account
    from store.db import get_engine

    engine = get_engine(url)
    [outcome] = ingest_files(
        engine, [(Path(path), Path(path).name)], get_account(engine, "min"), replace=True
    )
    return outcome.stored


def test_twenty_concurrent_ingests_with_dashboard_reads(engine, store_url, tmp_path) -> None:
    from indicators.compute import indicator_values
    from store.prisons import list_prisons

    files = []
    for i in range(20):
        prison = ["BE-HAS", "BE-NEW"][i % 2]
        period = PERIODS[(i // 2) % len(PERIODS)]  # each prison-quarter sent twice
        rows = good_rows(
            prison, period if prison == "BE-HAS" else "2025-Q3", receptions=str(300 + i)
        )
        files.append(str(Path(tmp_path) / f"load{i}.csv"))
        Path(files[-1]).write_text(csv_text(rows))
    errors: list[BaseException] = []
    seen: list[int] = []
    stop = threading.Event()

    def read_like_the_dashboard() -> None:
        prisons = list_prisons(engine)
        while not stop.is_set():
            try:
                values = current_values(engine)
                indicator_values(values, prisons)
                seen.append(values.height)
            except BaseException as exc:
                errors.append(exc)
                return

    # Spawned, not forked: forking a process whose Polars thread pool is busy can deadlock.
    ctx = multiprocessing.get_context("spawn")
    reader = threading.Thread(target=read_like_the_dashboard)
    reader.start()
    try:
        with ctx.Pool(20) as pool:
            stored = pool.map(_ingest, [(store_url, f) for f in files], chunksize=1)
    finally:
        stop.set()
        reader.join(timeout=60)
    assert errors == []
    assert seen, "the reader ran"
    assert seen == sorted(seen), "the read path never saw values disappear"
    assert stored == [True] * 20
    from sqlalchemy import func, select

    with engine.connect() as conn:
        accepted = conn.execute(
            select(func.count()).select_from(uploads).where(uploads.c.accepted)
        ).scalar()
    assert accepted == 20
    history = submission_history(engine)
    quarters: dict[tuple[str, str], list[dict]] = {}
    for h in history:
        quarters.setdefault((h["prison_code"], h["period"]), []).append(h)
    assert sum(len(v) for v in quarters.values()) == 20
    for versions in quarters.values():
        assert sorted(h["version"] for h in versions) == list(range(1, len(versions) + 1))
        assert [h["status"] for h in versions].count("current") == 1
    assert current_values(engine).height == len(quarters) * len(good_rows())
