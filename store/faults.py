"""When the place the database lives fails: one sentence that says which, and what to do.

A store error is never a traceback. The engine's error hook (store.db) passes every
DBAPI error through `storage_fault`; the few that are about the storage itself (a full
disk, a read-only file, file system or server, a file that cannot be opened, a failing
disk) become a StoreError naming the cause and the fix. Everything else (a constraint,
a lock another ingest holds) is left as it was for the caller, which may retry it.

`WatchedFile` is the SQLite file's identity (device and inode) as first opened: a file
deleted or replaced while the process runs would otherwise go on taking writes into an
unlinked inode that no one will ever read again.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

# SQLite's primary result codes (the low byte of the extended code Python gives).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
_PRIMARY_MASK = 0xFF

# PostgreSQL SQLSTATEs about where the database is rather than what a statement did.
PG_DISK_FULL = "53100"
PG_READ_ONLY_TRANSACTION = "25006"

_RESTART = "Restart the dashboard (prison-monitor serve) to use the new file."


class StoreError(Exception):
    """A problem with the database, said in one plain sentence."""


def storage_fault(exc: BaseException, where: str) -> StoreError | None:
    """The sentence for a storage failure of the database `where`, or None for any other error."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return _sqlite_fault(code & _PRIMARY_MASK, where) if code is not None else None
    sqlstate = getattr(exc, "sqlstate", None)  # psycopg's errors carry it
    if sqlstate == PG_DISK_FULL:
        return StoreError(
            f"The PostgreSQL server of the database {where} has no disk space left; nothing "
            "was stored. Ask its administrator to free space on the server, then try again."
        )
    if sqlstate == PG_READ_ONLY_TRANSACTION:
        return StoreError(
            f"The PostgreSQL database {where} accepts only reads (a standby server, or "
            "default_transaction_read_only is on); nothing was stored. Point --db or "
            "PRISON_MONITOR_DB at the primary server, or ask its administrator to allow writes."
        )
    return None


def _sqlite_fault(primary: int, path: str) -> StoreError | None:
    if primary == SQLITE_FULL:
        return StoreError(
            f"The disk holding the database file {path} is full; nothing was stored. Free "
            "space on that disk (or move the database and point --db at it), then try again."
        )
    if primary == SQLITE_READONLY:
        return StoreError(
            f"The database file {path} is read-only (a read-only file system, the file's "
            "permissions, or mode=ro in the URL); nothing was stored. Make the file and its "
            "folder writable for the user running prison-monitor, or point --db at a "
            "writable copy."
        )
    if primary == SQLITE_CANTOPEN:
        return StoreError(
            f"The database file {path} cannot be opened: its folder is missing, or the user "
            "running prison-monitor may not read and write there. Check the path given by "
            "--db or PRISON_MONITOR_DB and that folder's permissions."
        )
    if primary == SQLITE_IOERR:
        return StoreError(
            f"The disk holding the database file {path} failed to read or write; nothing was "
            "stored. Check that disk (it may be failing, full, or over a file-size limit), "
            "then try again."
        )
    return None


@dataclass
class WatchedFile:
    """A SQLite file and the identity (st_dev, st_ino) it had when this process opened it."""

    path: Path
    identity: tuple[int, int] | None = None

    def learn(self) -> None:
        """Remember the file's identity, once (a file not yet created has none to remember)."""
        if self.identity is None:
            self.identity = self._current()

    def forget(self) -> None:
        """The file is being created afresh (init): the next one opened is the one to watch."""
        self.identity = None

    def check(self) -> None:
        """Refuse to go on when the path no longer names the file first opened (one stat call,
        before reads too: what is read from an unlinked file is no longer anyone's data)."""
        if self.identity is None or self._current() == self.identity:
            return
        raise StoreError(
            f"The database file {self.path} was deleted or replaced while prison-monitor was "
            f"running; nothing was stored. {_RESTART}"
        )

    def _current(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (status.st_dev, status.st_ino)
