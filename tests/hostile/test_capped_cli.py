"""Sixty-odd hostile files through `prison-monitor validate --json`, each under a 3 GiB cap.

Bombs (zip, Parquet dictionaries and prefixes, XML entities), huge headers and
cells, junk, other scripts' digits, control characters in notes and markup in
every field: each must end, within seconds and under the address-space cap, in a
JSON report (exit 0 or 1) or one sentence (exit 2), never in a traceback, a
crash or a kill. Markup is reported as the text it is.
"""

from __future__ import annotations

import json
import resource
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bombs
import mutate

ADDRESS_SPACE = 3 * 2**30  # bytes a checking process may map
# A process starts in about 3.5 s here (Great Expectations alone ~2.5 s); a file may add a few.
SECONDS_PER_FILE = 25
WORKERS = 2
RULES = {r.id for r in bombs.CONTRACT.rules}


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def _run(hostile: bombs.Hostile, folder: Path, command: list[str], env: dict) -> str | None:
    """None when the answer is clean; otherwise what is wrong, naming the file."""
    path = folder / hostile.name
    path.write_bytes(hostile.content)
    code, out, err, seconds = mutate.validate_json(
        path, command, env, SECONDS_PER_FILE, preexec_fn=_capped
    )
    if code is None:
        return f"{hostile.name}: no answer within {SECONDS_PER_FILE} s"
    problem = mutate.judge(code, out, err)
    if problem:
        return f"{hostile.name}: {problem} (stderr: {err[-300:]!r})"
    if code == 2:
        return None
    report = json.loads(out)
    found = {e["rule"] for e in report["errors"] + report["warnings"]}
    if not found <= RULES:
        return f"{hostile.name}: rules outside the contract {found - RULES}"
    errors = {e["rule"] for e in report["errors"]}
    if hostile.rules is not None and not (errors and errors <= hostile.rules):
        return f"{hostile.name}: errors {sorted(errors)}, expected some of {sorted(hostile.rules)}"
    if hostile.name.startswith("markup-") and not any(
        json.dumps(text)[1:-1] in out for text in bombs.MARKUP
    ):
        return f"{hostile.name}: the markup is not in the report as text"
    if report["file"] != hostile.name:
        return f"{hostile.name}: the report names the file {report['file']!r}"
    return None if seconds <= SECONDS_PER_FILE else f"{hostile.name}: {seconds:.1f} s"


def test_every_hostile_file_ends_in_a_report_or_one_sentence_under_the_cap() -> None:
    files = bombs.hostile_files()
    assert len(files) >= 60
    assert len({h.name for h in files}) == len(files)
    command = [str(Path(mutate.sys.executable).with_name("prison-monitor"))]
    with tempfile.TemporaryDirectory(prefix="pm-hostile-") as name:
        folder = Path(name)
        env = mutate.prepare_database(folder, command)
        (folder / "files").mkdir()
        with ThreadPoolExecutor(WORKERS) as pool:
            problems = list(pool.map(lambda h: _run(h, folder / "files", command, env), files))
    failed = [p for p in problems if p]
    assert not failed, "\n".join(failed)
