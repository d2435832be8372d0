"""Where the governance pages' server time goes: the functions the Review, Audit trail and
Data completeness pages call, timed one by one against a database, and profiled.

Why this exists: bench_governance.py times a click in the browser, and its breakdown says
how much of it is the server's; this says which of the server's calls take it. It calls
what each page's run calls, outside Streamlit (no cache: each call is what a page run does
when its cache entry is new: the first visit, or any visit after a review, a log-in or an
upload changed the cache key), and Streamlit's own conversion of each data grid to Arrow
bytes (what st.dataframe sends), then prints the top of a cProfile of each cold path.

    .venv/bin/python benchmarks/bench_governance.py --keep /tmp/pm-gov-db
    .venv/bin/python benchmarks/profile_governance.py sqlite:////tmp/pm-gov-db/pm.db \
        [--user ministry] [--repeat 3] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl


def _timed(label: str, fn: Callable[[], Any], repeat: int) -> Any:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    print(f"  {label:<58} median {statistics.median(times):6.3f} s  max {max(times):6.3f} s")
    return value


def _profile(label: str, fn: Callable[[], Any], top: int) -> None:
    profile = cProfile.Profile()
    profile.enable()
    fn()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(top)
    print(f"\n---- cProfile, {label} (cumulative)\n{out.getvalue()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db_url")
    parser.add_argument("--user", default="ministry")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    from streamlit import dataframe_util

    from data_contracts.periods import last_ended_quarter
    from store import accounts
    from store.audit_trail import audit_entries, audit_frame
    from store.completeness import (
        DEFAULT_DEADLINE_DAYS,
        completeness_without_reviews,
        with_review_states,
    )
    from store.db import get_engine
    from store.review import latest_reviews, review_version
    from store.review_queue import (
        frame_in_state,
        in_state,
        queue_entries,
        queue_frame,
        values_beside,
    )
    from store.submissions import data_version

    engine = get_engine(args.db_url)
    account = accounts.get_account(engine, args.user)
    assert account is not None, f"no account {args.user}"
    n = args.repeat

    def arrow(frame: pl.DataFrame) -> bytes:
        return dataframe_util.convert_anything_to_arrow_bytes(frame)

    print("every page run (dashboard.data.version(): the cache key)")
    _timed(
        "setup_version + review_version + data_version",
        lambda: (
            accounts.setup_version(engine),
            review_version(engine),
            data_version(engine),
        ),
        n,
    )

    print("Review (dashboard/views/review.py)")
    entries = _timed(
        "queue_entries(engine)  [cached by data version]", lambda: queue_entries(engine), n
    )

    def read_reviews() -> dict[int, Any]:
        with engine.connect() as conn:
            return latest_reviews(conn)

    reviewed = _timed("latest_reviews  [cached by review version]", read_reviews, n)
    queue = _timed(
        "in_state(entries, reviews, 'submitted')  [the command line]",
        lambda: in_state(entries, reviewed, "submitted"),
        n,
    )
    frame = _timed("queue_frame(entries)  [cached with them]", lambda: queue_frame(entries), n)
    table = _timed(
        "frame_in_state(frame, reviews, 'submitted')  [after each review]",
        lambda: frame_in_state(frame, reviewed, "submitted"),
        n,
    )
    size = len(
        _timed("st.dataframe's Arrow bytes of the queue  [every run]", lambda: arrow(table), n)
    )
    labels = _timed(
        "the selectbox's labels  [after each review]",
        lambda: (
            table.select(
                pl.format("{} {} (submission {})", "prison_code", "period", "submission_id")
            )
            .to_series()
            .to_list()
        ),
        n,
    )
    first = queue[0]
    beside = _timed(
        "values_beside(first entry)  [every run, not cached]",
        lambda: values_beside(engine, first["prison_code"], first["period"]),
        n,
    )
    _timed("st.dataframe's Arrow bytes of the values beside", lambda: arrow(beside), n)
    print(
        f"  ({len(queue):,} entries; queue grid {size / 2**20:.1f} MiB of Arrow; "
        f"{len(labels):,} selectbox options, {sum(map(len, labels)) / 2**20:.1f} MiB of text)"
    )

    print("Audit trail (dashboard/views/audit.py)")
    entries = _timed(
        "audit_entries(engine, account=ministry)  [once per account]",
        lambda: audit_entries(engine, account=account),
        n,
    )
    log = _timed("audit_frame(entries)  [cached with it]", lambda: audit_frame(entries), n)
    size = len(
        _timed("st.dataframe's Arrow bytes of the entries  [every run]", lambda: arrow(log), n)
    )
    _timed(
        "the filters' choices (actors, actions, prisons)  [every run]",
        lambda: (
            sorted(log["actor"].unique()),
            sorted(log["action"].unique()),
            sorted(log["prison_code"].drop_nulls().unique()),
        ),
        n,
    )
    print(f"  ({log.height:,} entries; grid {size / 2**20:.1f} MiB of Arrow)")

    print("Data completeness (dashboard/views/completeness.py)")
    last = last_ended_quarter(date.today())
    base = _timed(
        "completeness_without_reviews(last 12 ended quarters)  [by data version]",
        lambda: completeness_without_reviews(
            engine, first=last - 11, last=last, deadline_days=DEFAULT_DEADLINE_DAYS
        ),
        n,
    )
    grid = _timed(
        "with_review_states(grid, reviews)  [after each review]",
        lambda: with_review_states(base, reviewed),
        n,
    )
    print(f"  ({grid.height:,} prison-quarters)")

    _profile("queue_entries(engine)", lambda: queue_entries(engine), args.top)
    _profile(
        "audit_entries + audit_frame",
        lambda: audit_frame(audit_entries(engine, account=account)),
        args.top,
    )
    _profile(
        "completeness without reviews, 12 quarters",
        lambda: completeness_without_reviews(
            engine, first=last - 11, last=last, deadline_days=DEFAULT_DEADLINE_DAYS
        ),
        args.top,
    )


if __name__ == "__main__":
    main()
