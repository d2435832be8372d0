"""Seeded synthetic inputs for the benchmarks: a big register and big valid submissions.

Why this exists: the sample data holds one prison-quarter per file (18 rows),
but the contract allows files of up to 100,000 rows (a ministry back-fill), and
the goals for `validate` and `ingest` are set on such files. The benchmarks
need a file of any size that is *accepted*, so that what they time is the
whole work of the checks and of storing, not an early rejection.

Everything is drawn from `random.Random(seed)` in a fixed order, so one seed
always writes the same bytes. The data elements, their kinds and the subset
pairs (first <= second) come from the contract, never from a list written here:

- counts are whole numbers; an element that is the first of one or more pairs
  is drawn between 0 and the smallest of the values it must not exceed, after
  those values are drawn (the pairs are walked as a graph, so chains such as
  hcv_treatment_started <= hcv_rna_positive <= hcv_antibody_positive hold);
- the elements that are not counts (population_average) are > 0 with one
  decimal, and come first within each prison-quarter, so that a prison-quarter
  cut short by the row limit still has its population row (it only draws a
  `completeness.missing_elements` warning);
- the parts of each breakdown are drawn once their total is: a partition's parts add up
  to its total exactly, an overlapping breakdown's parts are each at most the total and
  add up to at least it (rule `breakdown.sum`);
- a file holds the elements of the base module and of the modules it is asked for, and
  the register names those modules for every prison (core only by default: the v1 scale
  of 18 elements; `ALL_MODULES` writes every element of the contract);
- quarters start at 2000-Q1, long ended (or, for bench_governance.py, end with the last
  ended quarter: `quarters_ending`); the prisons have no opened/closed quarters, so no
  `period.out_of_service` warning either.

Run alone to write files by hand:

    .venv/bin/python benchmarks/synthetic.py --prisons 300 --rows 100000 --out /tmp/bench
    .venv/bin/python benchmarks/synthetic.py --federal --out /tmp/federal   # 2,000 x 40
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from data_contracts.contract import Contract, load_contract

SEED = 20260101
FIRST_YEAR = 2000
REGISTER_HEADER = ["prison_code", "name", "region", "prison_type", "opened", "closed", "modules"]
ALL_MODULES = "all"  # the `modules` argument that means every optional module of the contract
PRISON_TYPES = ["remand", "sentenced", "mixed", "women", "juvenile"]
REGIONS = ["Benchmark North", "Benchmark South", "Benchmark East", "Benchmark West"]


def prison_codes(n: int) -> list[str]:
    """`BX-0001` … : fictional codes that cannot clash with the sample register (`NM-`)."""
    return [f"BX-{i:04d}" for i in range(1, n + 1)]


def quarters(n: int, first_year: int = FIRST_YEAR) -> list[str]:
    """`n` consecutive quarters from `first_year`-Q1."""
    return [f"{first_year + i // 4}-Q{i % 4 + 1}" for i in range(n)]


def quarters_ending(n: int, last: str) -> list[str]:
    """`n` consecutive quarters, the last of them `last` (YYYY-Qn)."""
    year, quarter = int(last[:4]), int(last[-1])
    end = year * 4 + quarter - 1
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(end - n + 1, end + 1)]


def module_list(modules: Sequence[str] | str = ()) -> tuple[str, ...]:
    """The optional modules meant: `ALL_MODULES` is every one of the contract's."""
    if modules == ALL_MODULES:
        return tuple(load_contract().optional_module_ids)
    return tuple(modules)


def write_register(
    path: Path, n_prisons: int, seed: int = SEED, modules: Sequence[str] | str = ()
) -> list[str]:
    """Write a register CSV of `n_prisons` fictional prisons reporting `modules`; their codes."""
    named = ";".join(module_list(modules))
    rng = random.Random(seed)
    codes = prison_codes(n_prisons)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REGISTER_HEADER)
        for i, code in enumerate(codes, start=1):
            writer.writerow(
                [
                    code,
                    f"Benchmark Prison {i:04d}",
                    REGIONS[(i - 1) % len(REGIONS)],
                    rng.choice(PRISON_TYPES),
                    "",
                    "",
                    named,
                ]
            )
    return codes


def element_order(contract: Contract, modules: Sequence[str] = ()) -> list[str]:
    """The elements of these modules, non-counts (population) first, then in contract order."""
    codes = contract.expected_codes(list(modules))
    return [c for c in codes if c not in contract.count_codes] + [
        c for c in codes if c in contract.count_codes
    ]


def elements_per_quarter(modules: Sequence[str] | str = ()) -> int:
    """How many rows one prison-quarter reporting these modules takes."""
    return len(load_contract().expected_codes(list(module_list(modules))))


def _draw_order(contract: Contract) -> list[str]:
    """Count elements ordered so every ceiling (second of a pair) is drawn before its subsets."""
    ceilings = _ceilings(contract)
    order: list[str] = []
    pending = list(contract.count_codes)
    while pending:
        ready = [c for c in pending if all(p in order for p in ceilings[c])]
        if not ready:
            raise ValueError(f"the contract's pairs form a cycle among {pending}")
        order += ready
        pending = [c for c in pending if c not in ready]
    return order


def _ceilings(contract: Contract) -> dict[str, list[str]]:
    ceilings: dict[str, list[str]] = {c: [] for c in contract.element_codes}
    for first, second in contract.pairs:
        ceilings[first].append(second)
    for breakdown in contract.breakdowns:  # drawn by _breakdown_parts, from their total only
        for part in breakdown.parts:
            others = [c for c in ceilings[part] if c != breakdown.total]
            bounded = [first for first, second in contract.pairs if second == part]
            if others or bounded:
                raise ValueError(
                    f"{part} is a part of {breakdown.id} and in a pair beyond its total;"
                    " synthetic.py draws parts from their total alone"
                )
    return ceilings


def _breakdown_parts(rng: random.Random, kind: str, total: int, n_parts: int) -> list[int]:
    """Parts of `total` that satisfy breakdown.sum: a partition adds up to the total exactly;
    overlapping parts are each at most the total and add up to at least it."""
    cuts = sorted(rng.randint(0, total) for _ in range(n_parts - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    if kind == "partition":
        return parts
    return [p + rng.randint(0, (total - p) // 4) for p in parts]  # some persons in two parts


def quarter_values(
    rng: random.Random, contract: Contract, ceilings: dict[str, list[str]], order: Sequence[str]
) -> dict[str, str]:
    """One prison-quarter's values, as the text written in the file, coherent with every pair."""
    population = rng.uniform(50, 1500)
    values: dict[str, float] = {}
    text: dict[str, str] = {}
    parts = {p: b for b in contract.breakdowns for p in b.parts}
    for code in contract.element_codes:
        if code not in contract.count_codes:
            text[code] = f"{max(population, 1.0):.1f}"
    for code in order:
        if code in parts:
            if code not in values:  # the first part of its breakdown: draw them all
                b = parts[code]
                drawn = _breakdown_parts(rng, b.kind, int(values[b.total]), len(b.parts))
                for part, value in zip(b.parts, drawn, strict=True):
                    values[part] = value
                    text[part] = str(value)
            continue
        limits = [values[p] for p in ceilings[code]]
        if limits:
            top = int(min(limits))
            value = round(top * rng.uniform(0.2, 1.0)) if top else 0
        else:  # a count bounded by no other: a magnitude from the population
            value = rng.randint(0, max(1, math.ceil(population * rng.uniform(0.05, 1.2))))
        values[code] = value
        text[code] = str(value)
    return text


def submission_rows(
    codes: Sequence[str],
    periods: Sequence[str],
    rows: int,
    seed: int = SEED,
    modules: Sequence[str] | str = (),
) -> Iterator[list[str]]:
    """Up to `rows` data rows: prison-quarters in prison-then-quarter order, each element once.

    Every element of the contract is drawn (the pairs need them all); the rows hold those of
    the base module and `modules`.
    """
    contract = load_contract()
    rng = random.Random(seed)
    ceilings = _ceilings(contract)
    order = _draw_order(contract)
    elements = element_order(contract, module_list(modules))
    written = 0
    for code in codes:
        for period in periods:
            text = quarter_values(rng, contract, ceilings, order)
            for element in elements:
                if written >= rows:
                    return
                yield [code, period, element, text[element], ""]
                written += 1


def write_submission(
    path: Path,
    codes: Sequence[str],
    n_quarters: int,
    rows: int,
    seed: int = SEED,
    modules: Sequence[str] | str = (),
    periods: Sequence[str] | None = None,
) -> int:
    """Write a valid submission CSV of at most `rows` rows; return the number written.

    The quarters are `quarters(n_quarters)` (from 2000-Q1) unless `periods` names them.
    Raises ValueError if the prisons and quarters cannot fill `rows`.
    """
    periods = list(periods) if periods is not None else quarters(n_quarters)
    if len(periods) != n_quarters:
        raise ValueError(f"{len(periods)} quarters named, {n_quarters} asked for")
    contract = load_contract()
    capacity = len(codes) * n_quarters * elements_per_quarter(modules)
    if capacity < rows:
        raise ValueError(
            f"{len(codes)} prisons x {n_quarters} quarters hold {capacity} rows, not {rows}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(contract.column_names)
        for row in submission_rows(codes, periods, rows, seed, modules):
            writer.writerow(row)
            written += 1
    return written


def quarters_needed(n_prisons: int, rows: int) -> int:
    """The fewest quarters that let `n_prisons` prisons (core only) fill `rows` rows."""
    per_quarter = n_prisons * elements_per_quarter()
    return max(1, math.ceil(rows / per_quarter))


def write_bench_set(
    folder: Path, rows: int, n_prisons: int = 300, seed: int = SEED
) -> tuple[Path, Path, int]:
    """Write `register.csv` and `submission_<rows>.csv` into `folder`; return both and the rows."""
    register = folder / "register.csv"
    codes = write_register(register, n_prisons, seed)
    submission = folder / f"submission_{rows}.csv"
    written = write_submission(submission, codes, quarters_needed(n_prisons, rows), rows, seed)
    return register, submission, written


def write_scale_set(
    folder: Path,
    n_prisons: int,
    n_quarters: int,
    n_files: int,
    modules: Sequence[str] | str = (),
    periods: Sequence[str] | None = None,
) -> tuple[Path, list[Path]]:
    """A register of `n_prisons` and `n_files` files sharing them, every quarter of each
    (from 2000-Q1, or the `periods` named).

    File k (from 1) holds its share of the prisons for all `n_quarters` quarters, drawn with
    seed k; the 2,000 x 40 scale is 16 files of 90,000 rows (core only), or 40 files of
    82,000 rows with every module. Returns the register and the files.
    """
    if n_prisons % n_files:
        raise ValueError(f"{n_prisons} prisons do not split evenly into {n_files} files")
    register = folder / "register.csv"
    codes = write_register(register, n_prisons, modules=modules)
    per_file = n_prisons // n_files
    rows = per_file * n_quarters * elements_per_quarter(modules)
    files = []
    for k in range(n_files):
        path = folder / f"scale_{k + 1:02d}.csv"
        share = codes[k * per_file : (k + 1) * per_file]
        write_submission(path, share, n_quarters, rows, k + 1, modules, periods)
        files.append(path)
    return register, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prisons", type=int, default=300)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument(
        "--federal",
        action="store_true",
        help="the scale data set instead: 2,000 prisons x 40 quarters in 16 files of 90,000 rows",
    )
    parser.add_argument(
        "--all-modules",
        action="store_true",
        help="with --federal: every module (3.28 M values in 40 files of 82,000 rows)",
    )
    args = parser.parse_args()
    if args.federal:
        if args.all_modules:
            register, files = write_scale_set(args.out, 2000, 40, 40, ALL_MODULES)
        else:
            register, files = write_scale_set(args.out, 2000, 40, 16)
        print("\n".join(str(p) for p in [register, *files]))
        return
    register, submission, written = write_bench_set(args.out, args.rows, args.prisons, args.seed)
    print(f"{register}\n{submission} ({written} rows)")


if __name__ == "__main__":
    main()
