"""Make the sample data: a fictional prison register and its quarterly returns.

Why this exists: the dashboard demo, `prison-monitor init --sample` and the
tests need realistic submissions (believable magnitudes, trends, small numbers
for suppression, the odd gap and note) and one bad file per rule of the
contract, without any real prison's data. Everything is drawn from
`random.Random(42)` in a fixed order and written without timestamps, so every
run produces the same bytes and the output can be committed.

Run from the project root:  .venv/bin/python -m sample_data.generate

The parts: `register` (the fictional prisons), `model` (their figures, quarter by
quarter), `writers` (CSV and XLSX bytes), `recipes` (the files that break or warn on a
rule); this module runs them in their fixed order and checks every rule is covered.

The data elements, their modules and kinds, the subset pairs and the breakdowns come from
the contract (`data_contracts/submission_v1.yaml`, through `elements`); the models name
individual elements only to give them believable values, and the generator stops if the
contract and the models disagree. The core rows of a return come first and are drawn from
one stream (`model`); the rows of the prison's other modules follow them and are drawn from
the prison's own stream (`model_v2`), so adding modules moved no core figure.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from sample_data import (
    DEMO_DIRECTOR_PRISON,
    INVALID_DIR,
    REGISTER_FILE,
    SAMPLE_DIR,
    SUBMISSIONS_DIR,
    WARNINGS_DIR,
)
from sample_data.model import (
    AUTHZ_OTHER_PRISON,
    CONTRACT,
    SEED,
    SERIES,
    SPARE_QUARTER,
    Record,
    check_scenarios,
    draw_params,
    quarter_index,
    quarter_label,
    quarter_records,
    steady_figures,
)
from sample_data.model_v2 import (
    check_model_v2,
    draw_params_v2,
    module_records,
    prison_stream,
    steady_module_figures,
)
from sample_data.recipes import make_invalid_files, make_warning_files
from sample_data.register import (
    CLOSED_IN_SERIES,
    OTHER_PRISONS,
    PRISON_BY_CODE,
    PRISONS,
    REPORTERS,
    Prison,
)
from sample_data.writers import write_register, write_submission


def clear_output(root: Path) -> None:
    """Delete what an earlier run wrote under `root` (only the generated files and folders)."""
    (root / REGISTER_FILE.name).unlink(missing_ok=True)
    for folder in (SUBMISSIONS_DIR, INVALID_DIR, WARNINGS_DIR):
        shutil.rmtree(root / folder.name, ignore_errors=True)
        (root / folder.name).mkdir()


def main(root: Path = SAMPLE_DIR) -> None:
    """Write the sample data under `root` (the committed folder unless a test names another)."""
    check_scenarios()
    check_model_v2()
    check_register_modules()
    rng = random.Random(SEED)
    clear_output(root)
    write_register(root / REGISTER_FILE.name)

    params = {p.code: draw_params(rng, p) for p in PRISONS}
    spare: dict[str, list[Record]] = {}
    last_return: dict[str, list[Record]] = {}
    files = 0
    for prison in PRISONS:
        par = params[prison.code]
        written, last, history = write_series(root, prison, rng, par)
        files += written
        if last is not None:
            last_return[prison.code] = last
        # The spare quarter, for every prison open then (so each prison's draws stay put
        # whichever prisons the invalid files use), kept in line with both ends of the
        # series: a checker may compare it with the quarters after it or the latest ones.
        if prison.is_open(SPARE_QUARTER):
            n = CONTRACT.limits["outlier_history_quarters"]
            figures = steady_figures(rng, prison, par, SPARE_QUARTER, history[:n], history[-n:])
            spare[prison.code] = quarter_records(prison, SPARE_QUARTER, figures)

    files += write_other_countries(root)
    invalid = make_invalid_files(
        root / INVALID_DIR.name, spare[DEMO_DIRECTOR_PRISON], spare[AUTHZ_OTHER_PRISON]
    )
    closed = PRISON_BY_CODE[CLOSED_IN_SERIES]
    after = quarter_label(quarter_index(closed.closed) + 2)
    warnings = make_warning_files(
        root / WARNINGS_DIR.name,
        spare[DEMO_DIRECTOR_PRISON],
        [Record(r.prison_code, after, r.element, r.value) for r in last_return[CLOSED_IN_SERIES]],
    )
    check_rule_coverage(invalid, warnings)
    print(
        f"{len(PRISONS) + len(OTHER_PRISONS)} prisons, {files} submissions, "
        f"{len(invalid)} invalid files, "
        f"{len(warnings)} warnings files"
    )


def write_other_countries(root: Path) -> int:
    """The submissions of the other countries' prisons, each drawn from streams of its own
    (so Nordmere's files, drawn from the one seeded stream, stay as they were)."""
    files = 0
    for prison in OTHER_PRISONS:
        rng = random.Random(f"{SEED}:{prison.code}")
        written, _, _ = write_series(root, prison, rng, draw_params(rng, prison))
        files += written
    return files


def write_series(
    root: Path, prison: Prison, rng: random.Random, par: Any
) -> tuple[int, list[Record] | None, list[dict]]:
    """Every quarter of SERIES the prison is open in, drawn from `rng` (core) and the
    prison's own stream (modules) and written; how many files, the last one's records and
    the core figures of each quarter."""
    stream = prison_stream(prison)
    par_v2 = draw_params_v2(stream, prison)
    history: list[dict] = []
    history_v2: list[dict] = []
    last = None
    for period in SERIES:
        if not prison.is_open(period):
            continue
        figures = steady_figures(rng, prison, par, period, history)
        history.append(figures)
        extra = steady_module_figures(stream, prison, par_v2, period, figures, history_v2)
        history_v2.append(extra)
        last = quarter_records(prison, period, figures) + module_records(prison, period, extra)
        write_submission(root / SUBMISSIONS_DIR.name, prison, period, last)
    return len(history), last, history


def check_register_modules() -> None:
    """The register names the contract's modules, in its order."""
    named = [m for m in CONTRACT.optional_module_ids if m in REPORTERS]
    if list(REPORTERS) != named or set(REPORTERS) - set(named):
        raise SystemExit(f"the register's modules {list(REPORTERS)} are not the contract's")


def check_rule_coverage(invalid: dict[str, str], warnings: dict[str, str]) -> None:
    """Every error rule of the contract has an invalid file; every name is a rule id."""
    rule_ids = {r.id for r in CONTRACT.rules}
    covered = {rule_of(name) for name in invalid}
    missing = {r.id for r in CONTRACT.rules if r.is_error} - covered
    if missing:
        raise SystemExit(f"no invalid file for the error rule(s) {sorted(missing)}")
    named = covered | {rule_of(name) for name in warnings}
    if named - rule_ids:
        raise SystemExit(f"files named after no rule: {sorted(named - rule_ids)}")


def rule_of(file_name: str) -> str:
    """`value.negative.csv` and `file.unreadable--encrypted.xlsx` -> their rule ids."""
    if "--" in file_name:
        return file_name.split("--")[0]
    return file_name.rsplit(".", 1)[0]


if __name__ == "__main__":
    main()
