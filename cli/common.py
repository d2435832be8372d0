"""What every command shares: exit codes, the error it raises, the database, and printing.

Every line the command line prints goes through `terminal_safe` (by `say`,
`tell`, `print_json` and `write_output`): names, file names, cells and
messages may come from anyone's file or register, and a control sequence in
them (clear the screen, a disguised link, a carriage return that overwrites
the line) must reach the terminal as visible text, not as a command to it.

The command modules import this module, never cli.main, so that
`python -m cli.main` (where cli.main is `__main__`) has one CliError class.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from i18n import _, ngettext

EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2

# C0 controls but line feed and tab, DEL and the C1 controls (CSI, OSC, ...), the bidirectional
# overrides and isolates (text that reads differently than it is stored), and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Also line feed and tab, for one value quoted inside a line (a name cannot forge a line).
_UNSAFE_IN_VALUE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class CliError(Exception):
    """The command could not run; the message is the one sentence the user reads."""


class CliRefused(CliError):
    """Refused by a rule (exit 1): the message starts with the rule's id (authz.role: ...)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character shown escaped (`\\x1b`), lines and tabs kept."""
    return _UNSAFE.sub(_escape, text)


def shown(value: object) -> str:
    """One value for a message: control characters, line feeds and tabs shown escaped."""
    return _UNSAFE_IN_VALUE.sub(_escape, str(value))


def say(*parts: object, end: str = "\n", flush: bool = False) -> None:
    """Print to standard output, through terminal_safe."""
    sys.stdout.write(terminal_safe(" ".join(str(p) for p in parts)) + end)
    if flush:
        sys.stdout.flush()


def tell(*parts: object, end: str = "\n") -> None:
    """Print to standard error (progress, notes, failures), through terminal_safe."""
    sys.stderr.write(terminal_safe(" ".join(str(p) for p in parts)) + end)
    sys.stderr.flush()


INDENTED_JSON_MAX_CHARS = 5_000_000


def print_json(data: Any) -> None:
    """JSON on standard output: json.dumps escapes C0 controls inside strings; DEL, the C1
    controls and the overrides are written as JSON \\u escapes too (the same text to a reader).

    Indented for a person to read, unless it is larger than INDENTED_JSON_MAX_CHARS: Python
    indents with its slow pure-Python encoder (seconds for a report of 400,000 issues), so
    a large report is written compact and ASCII-only (every non-ASCII character a \\u
    escape, so nothing unsafe is left to escape), which every JSON reader takes the same."""
    text = json.dumps(data, default=str)
    if len(text) <= INDENTED_JSON_MAX_CHARS:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
        text = _UNSAFE.sub(_json_escape, text)
    sys.stdout.write(text + "\n")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def write_output(content: bytes, fmt: str) -> None:
    """A table on standard output: text formats made terminal-safe, binary ones as they are."""
    if fmt in ("csv", "json"):
        text = content.decode("utf-8")
        escape = _json_escape if fmt == "json" else _escape
        content = _UNSAFE.sub(escape, text).encode("utf-8")
    sys.stdout.buffer.write(content)
    sys.stdout.flush()


def output_table(frame: Any, fmt: str, output: Path | None) -> None:
    """A table (a Polars frame) written to the file `output`, told in one line on standard
    error, or to standard output when `output` is None."""
    from indicators.table import write_table

    if output is None:
        write_output(write_table(frame, fmt) or b"", fmt)
    else:
        write_table(frame, fmt, output)
        tell(rows_written(frame.height, output, fmt))


def rows_written(rows: int, output: Path, fmt: str) -> str:
    """The line saying a table went to the file `output` (`fmt`: its format's name)."""
    from i18n.formats import number

    text = ngettext(
        "{count} rows written to {file} ({format}).",
        "{count} rows written to {file} ({format}).",
        rows,
    )
    return text.format(count=number(rows), file=shown(output), format=fmt)


def engine(*, schema: bool = True):  # type: ignore[no-untyped-def]
    from store.db import get_engine, require_schema

    engine = get_engine()
    if schema:
        require_schema(engine)
    return engine


def operator() -> str:
    """Who runs the command, when no account is named: the operating system's user."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:
        return "operator"


def actor(engine, name: str | None, *, may: str) -> str:  # type: ignore[no-untyped-def]
    """The account named by --user / --by (it must exist, be enabled and be allowed to do
    `may`), or the operating system's user when none is named."""
    if name is None:
        return operator()
    return account(engine, name, may=may).name


def account(engine, name: str, *, may: str):  # type: ignore[no-untyped-def]
    from store.accounts import AccountError, require_actor
    from store.governance import GovernanceRefused

    try:
        return require_actor(engine, name, may=may)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    except GovernanceRefused as exc:
        raise CliRefused(f"{exc.rule}: {exc}") from None


@contextmanager
def rule_refusals() -> Iterator[None]:
    """A refusal by a rule inside (authz.role, authz.country, ...) as the command's exit 1."""
    from indicators.scope import ScopeRefused
    from store.governance import GovernanceRefused

    try:
        yield
    except GovernanceRefused as exc:
        raise CliRefused(f"{exc.rule}: {exc}") from None
    except ScopeRefused as exc:  # its message starts with the rule's id
        raise CliRefused(str(exc)) from None


def reader(engine, name: str | None):  # type: ignore[no-untyped-def]
    """The account a reading command reads as (--user NAME), or None: the operator's
    unrestricted view (international.md §2)."""
    return None if name is None else account(engine, name, may="act")


def register(engine):  # type: ignore[no-untyped-def]
    from store.prisons import load_register

    register = load_register(engine)
    if not len(register):
        raise CliError(
            _(
                "The prison register is empty; import one with 'prison-monitor prisons import "
                "FILE' (or run 'prison-monitor init --sample' for the sample register)."
            )
        )
    return register


def vintage(engine, args):  # type: ignore[no-untyped-def]
    """The release or moment named by --release / --as-of (store.vintage), or the latest."""
    from store.vintage import VintageError, resolve

    try:
        return resolve(engine, getattr(args, "release", None), getattr(args, "as_of", None))
    except VintageError as exc:
        raise CliError(str(exc)) from None


def existing_file(path: Path) -> Path:
    if not path.exists():
        raise CliError(
            _("There is no file '{file}'; check the name and the folder.").format(file=shown(path))
        )
    if path.is_dir():
        raise CliError(
            _("'{file}' is a folder, not a file; name a file inside it.").format(file=shown(path))
        )
    return path


def require_quarter(value: str, option: str = "") -> None:
    """CliError unless `value` is a quarter written YYYY-Qn (`option` names the flag)."""
    from data_contracts.periods import is_period

    if not is_period(value):
        if option:
            text = _("{option} '{value}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3.")
        else:
            text = _("'{value}' is not a quarter written YYYY-Qn; use e.g. 2025-Q3.")
        raise CliError(text.format(option=option, value=shown(value)))


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def table(rows: list[dict]) -> str:
    columns = list(rows[0])
    cells = [[("" if r[c] is None else shown(r[c])) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def progress(enabled: bool) -> Callable[[str, int, int], None] | None:
    """Progress of long work (many files) on stderr, kept off stdout and its JSON.

    On a terminal one line is redrawn; otherwise a line is printed at each
    tenth of the way, so logs stay short.
    """
    if not enabled:
        return None
    tty = sys.stderr.isatty()
    done_at: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        step = max(1, total // 10)
        if tty:
            # the carriage return is ours (it redraws the line), so it is written around tell
            sys.stderr.write("\r")
            tell(f"  {stage} {done}/{total}", end="\n" if done >= total else "")
        elif done >= total or done - done_at.get(stage, -step) >= step:
            done_at[stage] = done
            tell(f"  {stage} {done}/{total}")

    return show
