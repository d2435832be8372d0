"""Over a hundred freshly mutated files, each through `prison-monitor validate --json` as a process.

A new seed every run (printed, and kept in the failure message), so each CI run
tries files no run tried before; `PRISON_MONITOR_FUZZ_SEED` replays one. The
files that got no clean answer are copied to test-artifacts/mutated/.
"""

from __future__ import annotations

import os
import random

import mutate

COUNT = int(os.environ.get("PRISON_MONITOR_FUZZ_COUNT", "120"))


def test_every_mutated_file_gets_a_clean_answer() -> None:
    seed = int(os.environ.get("PRISON_MONITOR_FUZZ_SEED") or random.SystemRandom().randrange(10**9))
    keep = mutate.PROJECT / "test-artifacts" / "mutated"
    outcomes, seconds = mutate.run_all(COUNT, seed, workers=2, keep=keep)
    text = mutate.summary(outcomes, seed, seconds)
    print(text)
    assert len(outcomes) == COUNT >= 100
    assert all(o.problem is None for o in outcomes), text
    # The mutations reach the checks, not only the reader: both verdicts and several rules.
    codes = {o.exit_code for o in outcomes}
    assert 1 in codes, text


def test_the_judge_refuses_what_is_not_a_clean_answer() -> None:
    good = (
        '{"file": "a.csv", "accepted": false, "rows": 1, "prisons": [], "periods": [], '
        '"errors": [{"rule": "file.empty", "severity": "error", "row": null, "column": null, '
        '"prison_code": null, "period": null, "data_element": null, "message": "Empty."}], '
        '"warnings": []}'
    )
    assert mutate.judge(1, good, "") is None
    assert mutate.judge(2, "", "The file 'x' does not exist.\n") is None
    assert mutate.judge(0, good, "") == "exit code, 'accepted' and the errors disagree"
    assert mutate.judge(1, good, "Traceback (most recent call last):") is not None
    assert mutate.judge(1, "{}", "") is not None
    assert mutate.judge(2, "", "one\ntwo\n") is not None
    assert mutate.judge(None, "", "") is not None
    assert mutate.judge(3, "", "") == "exit code 3"


def test_mutants_are_reproducible_from_their_seed() -> None:
    first = mutate.make_mutants(12, seed=7)
    again = mutate.make_mutants(12, seed=7)
    assert [(m.name, m.how) for m in first] == [(m.name, m.how) for m in again]
    assert len({m.how for m in first}) > 6
