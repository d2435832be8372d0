"""What the Upload page writes: the verdict a file would get, and storing it (the same
core as `validate --user` and `ingest`). The engine and the account check are data.py's."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dashboard.data import _still_current, engine, warm_up
from store import accounts
from store.changes import StoredVersion
from store.submissions import IngestOutcome, ingest_files
from store.verdict import Verdict


def _saved(content: bytes, folder: str) -> Path:
    """The upload on disk under a name of ours: a sent file name is never used as a path."""
    path = Path(folder) / "upload.bin"
    path.write_bytes(content)
    return path


def check_upload(content: bytes, name: str, account: accounts.Account) -> Verdict:
    """The one verdict storing this file would get, as `account` (nothing stored).

    The same core as `validate --user` and `ingest`: contract, register, the stored
    history of the prisons this account may submit for, authz.prison, submission.replaces.
    """
    from store.verdict import check_as

    with tempfile.TemporaryDirectory(prefix="pm-upload-") as folder:
        [verdict] = check_as(engine(), [(_saved(content, folder), name)], account)
    return verdict


def replaced_by(verdict: Verdict) -> dict[tuple[str, int], dict]:
    """The accepted submissions an upload would supersede (only of the account's prisons)."""
    return verdict.replaces


def stored_versions(outcome: IngestOutcome) -> list[StoredVersion]:
    """Each prison-quarter a stored upload made: its version and what changed since the last."""
    from store.changes import stored_versions as versions

    return versions(engine(), outcome.submission_ids)


def store_upload(
    content: bytes, name: str, account: accounts.Account, *, replace: bool, progress=None
) -> IngestOutcome:
    account = _still_current(account)  # a role taken away a moment ago stores nothing
    with tempfile.TemporaryDirectory(prefix="pm-upload-") as folder:
        [outcome] = ingest_files(
            engine(),
            [(_saved(content, folder), name)],
            account,
            replace=replace,
            progress=progress,
        )
    if outcome.stored:
        warm_up()
    return outcome
