"""Storage faults injected into a running bot's database from outside, and their repairs.

Tests run as root here, where file modes stop nothing, so each fault is one that holds for
root too:

- deleted: the database and its WAL/SHM files are unlinked;
- folder_gone: the same, and the data folder is replaced by a plain file, so nothing can
  be created there (what an unwritable folder does to any other user);
- read_only: the file is replaced by a copy whose header says "read-only" (SQLite's file
  format write version set to 3, which SQLite honours for every user);
- locked: another process holds the write lock (BEGIN EXCLUSIVE);
- full: the bot process gets a file-size limit (RLIMIT_FSIZE, set with prlimit), so every
  write past it fails as on a full disk.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
from pathlib import Path
from typing import Any

WRITE_VERSION_OFFSET = 18


def _drop_files(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _copy_with_write_version(db: Path, version: int) -> None:
    """Replace `db` by a consistent copy of itself whose header write version is `version`."""
    copy = db.with_name(db.name + ".copy")
    src = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    dst = sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    data = bytearray(copy.read_bytes())
    data[WRITE_VERSION_OFFSET] = version
    copy.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.replace(copy, db)


class Fault:
    """`apply()` breaks the storage of process `pid`; `repair()` makes it usable again."""

    def __init__(self, name: str, db: Path, pid: int) -> None:
        self.name, self.db, self.pid = name, db, pid
        self._lock: sqlite3.Connection | None = None
        self._saved: Any = None

    def apply(self) -> None:
        if self.name == "deleted":
            _drop_files(self.db)
        elif self.name == "folder_gone":
            shutil.rmtree(self.db.parent)
            self.db.parent.write_text("not a folder")
        elif self.name == "read_only":
            _copy_with_write_version(self.db, 3)
        elif self.name == "locked":
            self._lock = sqlite3.connect(self.db, timeout=5, isolation_level=None)
            self._lock.execute("BEGIN EXCLUSIVE")
        elif self.name == "full":
            self._saved = resource.prlimit(self.pid, resource.RLIMIT_FSIZE)
            # Below the files' current sizes: any write that extends a file fails.
            resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (4096 + 100, self._saved[1]))
        else:
            raise ValueError(self.name)

    def repair(self) -> None:
        if self.name == "folder_gone":
            self.db.parent.unlink()
            self.db.parent.mkdir()
        elif self.name == "read_only":
            _copy_with_write_version(self.db, 2)
        elif self.name == "locked" and self._lock is not None:
            self._lock.execute("ROLLBACK")
            self._lock.close()
        elif self.name == "full":
            resource.prlimit(self.pid, resource.RLIMIT_FSIZE, self._saved)


# Faults after which events are dropped (counted) and commands that write are refused.
DROPPING = ("folder_gone", "read_only", "locked", "full")
NAMES = ("deleted", *DROPPING)
