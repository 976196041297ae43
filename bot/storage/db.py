"""The bot's one SQLite database: opening, numbered migrations, transactions, backups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# Short on purpose: a lock held by another process should surface as a counted failure
# quickly, not park the single connection thread that lookups also use.
BUSY_TIMEOUT_MS = 200

Params = Sequence[Any] | Mapping[str, Any]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The migration files or the database schema version are not usable."""


class SchemaTooNewError(MigrationError):
    """The database was migrated by a newer version of the bot than this one."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(source: Traversable | None = None) -> list[Migration]:
    """Read NNNN_name.sql files in version order; numbers must run 1, 2, 3 … without gaps."""
    folder = source if source is not None else resources.files("bot.storage.migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _MIGRATION_NAME.match(entry.name)
        if match is None:
            raise MigrationError(f"migration file name {entry.name!r} is not NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            # Two engineers picking the same next number must not silently shadow each other.
            raise MigrationError(
                f"two migrations numbered {version}: {found[version].name}, {entry.name}"
            )
        found[version] = Migration(version, entry.name, entry.read_text(encoding="utf-8"))
    versions = sorted(found)
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migration numbers must run 1..N without gaps, found {versions}")
    return [found[v] for v in versions]


def split_statements(sql: str) -> Iterator[str]:
    """Split a script into single statements (semicolons in strings or triggers are kept)."""
    # executescript() would commit our BEGIN IMMEDIATE first, so statements run one by one.
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _has_code(pending):
                yield pending.strip()
            pending = ""
    if _has_code(pending.rstrip(";")):
        raise MigrationError(f"incomplete SQL statement at end of script: {pending.strip()[:80]!r}")


def _has_code(text: str) -> bool:
    lines = (line.split("--", 1)[0].strip() for line in text.splitlines())
    return any(line and line != ";" for line in lines)


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The PRAGMA user_version of the open database."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(
    conn: aiosqlite.Connection,
    upto: int | None = None,
    *,
    migrations: Iterable[Migration] | None = None,
) -> int:
    """Apply pending migrations, each in its own transaction; return the new version.

    `conn` should be in autocommit mode (isolation_level=None): the runner issues BEGIN
    IMMEDIATE and COMMIT itself.
    """
    steps = list(migrations) if migrations is not None else load_migrations()
    latest = steps[-1].version if steps else 0
    target = latest if upto is None else upto
    current = await schema_version(conn)
    if current > latest:
        raise SchemaTooNewError(
            f"database schema version {current} is newer than this bot supports ({latest}); "
            "run a newer bot or restore a backup"
        )
    for step in steps:
        if step.version <= current or step.version > target:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            if await schema_version(conn) >= step.version:
                await conn.execute("ROLLBACK")
                continue
            for statement in split_statements(step.sql):
                await conn.execute(statement)
            # PRAGMA takes no parameters; the value is an int parsed from our own file name.
            await conn.execute(f"PRAGMA user_version = {int(step.version)}")
            await conn.execute("COMMIT")
        except BaseException:
            await _rollback_quietly(conn)
            raise
        log.info("db_migrated version=%d name=%s", step.version, step.name)
        current = step.version
    return await schema_version(conn)


async def _rollback_quietly(conn: aiosqlite.Connection) -> None:
    # SQLite may already have rolled back on its own (e.g. SQLITE_FULL); that is fine.
    with contextlib.suppress(sqlite3.Error, ValueError):
        if conn.in_transaction:
            await conn.execute("ROLLBACK")


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


class Database:
    """One aiosqlite connection; all writes go through `transaction()`."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.salt = b""
        self._conn: aiosqlite.Connection | None = None
        self._file_id: tuple[int, int] | None = None
        # Serialises write transactions from the usage writer, settings and heartbeat,
        # which share the connection: interleaved statements would join each other's
        # transaction and roll back together.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            # Same error family as a closed sqlite3 connection, so callers catch one thing.
            raise sqlite3.ProgrammingError("database is closed")
        return self._conn

    async def _connect(self, salt: bytes | None = None) -> None:
        if self.read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
            await conn.execute("PRAGMA foreign_keys = ON")
            if self.read_only:
                await self._check_version_read_only(conn)
            else:
                await self._set_wal(conn)
                # NORMAL is durable in WAL mode except for the last commits on power loss.
                await conn.execute("PRAGMA synchronous = NORMAL")
                await migrate(conn)
            self.salt = await _installation_salt(conn, keep=salt, read_only=self.read_only)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        self._file_id = _file_id(self.path)

    @staticmethod
    async def _set_wal(conn: aiosqlite.Connection) -> None:
        async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
            row = await cursor.fetchone()
        if row is None or str(row[0]).lower() != "wal":
            log.warning("db_wal_unavailable journal_mode=%s", row[0] if row else None)

    @staticmethod
    async def _check_version_read_only(conn: aiosqlite.Connection) -> None:
        latest = len(load_migrations())
        current = await schema_version(conn)
        if current > latest:
            raise SchemaTooNewError(
                f"database schema version {current} is newer than this bot supports ({latest})"
            )
        if current < latest:
            raise MigrationError(
                f"database schema version {current} is older than {latest}; "
                "open it read-write once (start the bot) to migrate"
            )

    def file_replaced(self) -> bool:
        """True if the file at `path` was deleted or swapped since the connection opened."""
        return _file_id(self.path) != self._file_id

    async def reopen(self) -> None:
        """Close and reopen at `path`, creating and migrating a fresh file if it is gone."""
        async with self._write_lock:
            await self._reopen_locked()

    async def _reopen_locked(self) -> None:
        old = self._conn
        self._conn = None
        if old is not None:
            with contextlib.suppress(sqlite3.Error, ValueError):
                await old.close()
        if not self.read_only and not self.path.exists():
            # WAL/SHM files left by the deleted database would otherwise be replayed
            # into the new one.
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{self.path}{suffix}")
        # Keep the salt so user hashes stay comparable across the recreated file.
        await self._connect(salt=self.salt or None)
        log.warning("db_reopened path=%s", self.path)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error, one writer at a time.

        If the file was deleted or replaced since it was opened, it is reopened (and a
        missing file recreated) first: otherwise writes would land in an unlinked inode.
        """
        async with self._write_lock:
            if self._conn is not None and self.file_replaced():
                await self._reopen_locked()
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                await _rollback_quietly(conn)
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a read query and return every row."""
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a read query and return its first row, if any."""
        async with self.conn.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row

    async def schema_version(self) -> int:
        """The PRAGMA user_version of this database."""
        return await schema_version(self.conn)

    async def backup_to(self, target: str | os.PathLike[str]) -> Path:
        """Copy a consistent snapshot to `target` with SQLite's online backup API."""
        # A separate connection in a worker thread, so the bot's connection keeps serving.
        return await asyncio.to_thread(_backup_file, self.path, Path(target))

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        async with self._write_lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                await conn.close()


def _backup_file(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1: one step, so the copy is a single consistent read snapshot.
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()
    # Rename last so a crash never leaves a half-written file under the real name.
    os.replace(partial, target)
    return target


async def _installation_salt(
    conn: aiosqlite.Connection, *, keep: bytes | None, read_only: bool
) -> bytes:
    if not read_only:
        salt = keep if keep is not None else secrets.token_bytes(32)
        await conn.execute(
            "INSERT OR IGNORE INTO installation (id, salt, created) VALUES (1, ?, ?)",
            (salt, time.time()),
        )
    async with conn.execute("SELECT salt FROM installation WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise MigrationError("database has no installation row; open it read-write once")
    return bytes(row[0])


async def open_database(path: str | os.PathLike[str], *, read_only: bool = False) -> Database:
    """Open (creating and migrating if needed) the database at `path`."""
    db = Database(Path(path), read_only=read_only)
    await db._connect()
    return db
