"""The recipes of the invalid files about modules: the breakdowns' sums (spec §3.3) and a
register naming a module the contract does not have (§5). Called by recipes.make_invalid_files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from data_contracts.register import MODULE_SEPARATOR
from sample_data.model import CONTRACT, Record
from sample_data.writers import write_csv, write_register

if TYPE_CHECKING:
    from sample_data.recipes import Folder


def breakdown_parts(total: int, count: int, short: int) -> list[int]:
    """`count` parts, the first largest, each at most `total`, adding up to `total - short`."""
    weights = [count - i for i in range(count)]
    parts = [(total - short) * w // sum(weights) for w in weights]
    parts[0] += total - short - sum(parts)  # what the rounding down left
    assert all(0 <= p <= total for p in parts) and sum(parts) == total - short, parts
    return parts


def breakdown_files(out: Folder, base: list[Record]) -> None:
    """One file per kind of breakdown (spec §3.3), its parts added to the base return.

    A partition whose parts are all reported but add up to less than its total (each part
    within the total, so no pair breaks); an overlapping breakdown whose parts add up to
    less than its total, where every person is in at least one part. A total that is not in
    the base return is given the value of the base's persons who started drug treatment.
    """
    code, period = base[0].prison_code, base[0].period
    values = {r.element: r.value for r in base}
    started = values["treatment_started"]
    for kind in ("partition", "overlapping"):
        b = next(b for b in CONTRACT.breakdowns if b.kind == kind)
        has_total = b.total in values
        total = int(values[b.total] if has_total else started)
        # a partition missing a few persons; an overlapping breakdown missing about a third
        short = max(1, total // 20) if kind == "partition" else max(1, total // 3)
        parts = breakdown_parts(total, len(b.parts), short)
        rows = [*base] if has_total else [*base, Record(code, period, b.total, total)]
        rows += [Record(code, period, p, v) for p, v in zip(b.parts, parts, strict=True)]
        out.records(
            f"breakdown.sum--{kind}.csv",
            f"{b.id}: the parts add up to {sum(parts)}, {b.total} is {total}",
            rows,
        )


def register_files(folder: Path) -> dict[str, str]:
    """Registers refused by a register rule: the sample register with one module misspelt."""
    buffer = folder / "register.tmp"
    write_register(buffer)
    rows = list(csv.reader(io.StringIO(buffer.read_text(encoding="utf-8"))))
    buffer.unlink()
    header, body = rows[0], rows[1:]
    col = header.index("modules")
    target = next((r for r in body if r[col]), body[0])
    named = [m for m in target[col].split(MODULE_SEPARATOR) if m]
    modules = named or CONTRACT.optional_module_ids[:1]
    wrong = modules[-1][:-1]  # the last letter lost
    assert wrong not in CONTRACT.module_ids
    target[col] = MODULE_SEPARATOR.join([*modules[:-1], wrong])
    write_csv(folder / "register.module.csv", header, body)
    return {"register.module.csv": f"module '{wrong}' for {target[0]}"}
