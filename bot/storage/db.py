"""The bot's one SQLite database: opening, numbered migrations, transactions.

Files: the database, its WAL and SHM files and the hashing key file (``<db>.key``, see
``bot.storage.keyfile``) are created 0600, a data folder the bot creates 0700. The key
never enters the database, so the database file alone cannot tell which user a hash is.

Faults: a write that fails because the file is gone, replaced, read-only, full or broken
marks the connection for a reopen; a failed reopen is retried with backoff (up to
``REOPEN_MAX_S``) on the next use, and until it works every use raises
``StorageUnavailable`` at once instead of touching a dead connection.

Damage: a read-write open runs ``PRAGMA quick_check`` (it reads the whole file, about 0.2 s
for a million usage events; see docs/operations.md) and refuses a damaged file with
``DatabaseDamagedError``, also when a statement's "malformed" error sends a running bot to
reopen. Damage never heals by itself, so the bot notes it beside the database
(``<db>.damaged``) and stops using the file until it is replaced; a read-only open (`health`,
`stats`) that finds the note checks the file again, so it reports the damage without
reading the whole file every time.
"""

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

from bot.storage import keyfile

log = logging.getLogger(__name__)

# Short on purpose: a lock held by another process should surface as a counted failure
# quickly, not park the single connection thread that lookups also use.
BUSY_TIMEOUT_MS = 200
# The first open waits longer: shard processes started together take turns to migrate a
# new database, and one process's migrations outlast the short timeout above. (A reopen
# after a fault keeps the short one.)
OPEN_BUSY_TIMEOUT_MS = 15_000

# A reopen that failed is tried again after 0.25 s, 0.5 s, 1 s ... at most this long, so a
# repaired file is in use again within seconds and a dead one costs nothing per event.
REOPEN_FIRST_S = 0.25
REOPEN_MAX_S = 5.0
# Commits since the last checkpoint live only in the WAL: checkpoint at least this often, so
# a WAL lost with the process (deleted, or a backup of the main file alone) costs at most this
# much. SQLite's own checkpoint waits for 1,000 pages, which a quiet bot takes days to write.
CHECKPOINT_SECONDS = 60.0
SIDE_FILES = ("-wal", "-shm")
FILE_MODE = 0o600
FOLDER_MODE = 0o700

Params = Sequence[Any] | Mapping[str, Any]

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The migration files or the database schema version are not usable."""


class SchemaTooNewError(MigrationError):
    """The database was migrated by a newer version of the bot than this one."""


class DatabaseFileError(OSError):
    """The database path names something the bot must not open or change (a symbolic link,
    a file that is not SQLite): refused before anything touches it."""


class DatabaseDamagedError(sqlite3.DatabaseError):
    """The database file is damaged ("malformed"): it will not heal; restore a backup."""


class StorageUnavailable(sqlite3.OperationalError):
    """The database cannot be used right now (being reopened after a fault); try later."""


_FILE_FAULTS = (sqlite3.OperationalError, sqlite3.DatabaseError)
_NOT_FILE_FAULTS = (
    StorageUnavailable,
    sqlite3.IntegrityError,
    sqlite3.ProgrammingError,
    sqlite3.InterfaceError,
    sqlite3.DataError,
)


def is_storage_fault(exc: BaseException) -> bool:
    """The database cannot be used (unavailable, locked, read-only, full, broken), as opposed
    to a mistake in a statement or a broken constraint."""
    return isinstance(exc, _FILE_FAULTS) and (
        isinstance(exc, StorageUnavailable) or not isinstance(exc, _NOT_FILE_FAULTS)
    )


def _is_damage(exc: BaseException) -> bool:
    """SQLite found the file's pages broken, not merely busy, full or read-only."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def _is_busy(exc: BaseException) -> bool:
    """A lock held by someone else: wait and retry, the connection itself is fine."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)


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
    except OSError:  # gone, or its folder is gone or not a folder any more
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
        # The WAL and SHM files as opened: deleted or replaced under a live connection, the
        # commits since the last checkpoint live only in an unlinked file.
        self._side_ids: dict[str, tuple[int, int] | None] = {}
        # After a fault: reopen before the next use, not before this loop time.
        self._needs_reopen = False
        self._reopen_at = 0.0
        self._reopen_delay = REOPEN_FIRST_S
        self._outage = False
        self._closed = False
        # Why the file is damaged, once a reopen found it so: no use until it is replaced.
        self._damaged: str | None = None
        self._damaged_id: tuple[int, int] | None = None
        # Serialises write transactions from the usage writer, settings and heartbeat,
        # which share the connection: interleaved statements would join each other's
        # transaction and roll back together.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            # Same error family as sqlite3's own errors, so callers catch one thing.
            raise StorageUnavailable("storage is unavailable")
        return self._conn

    @property
    def key_path(self) -> Path:
        return keyfile.key_path(self.path)

    async def _connect(self, salt: bytes | None = None, *, wait_ms: int = BUSY_TIMEOUT_MS) -> None:
        if self.read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        else:
            keyfile.read_key(self.key_path)  # a damaged key file stops us before any change
            _private_files(self.path)
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            if not self.read_only or damage_note_path(self.path).exists():
                await _check_intact(conn, self.path, note=not self.read_only)
            await conn.execute("PRAGMA foreign_keys = ON")
            if self.read_only:
                await self._check_version_read_only(conn)
            else:
                await self._set_wal(conn, wait_ms)
                # NORMAL is durable in WAL mode except for the last commits on power loss.
                await conn.execute("PRAGMA synchronous = NORMAL")
                await migrate(conn)
            self.salt = await _hashing_key(conn, self.key_path, keep=salt, read_only=self.read_only)
            await conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        self._file_id = _file_id(self.path)
        self._side_ids = self._side_file_ids()

    @staticmethod
    async def _set_wal(conn: aiosqlite.Connection, wait_ms: int) -> None:
        """Switch to WAL, waiting up to `wait_ms` for a lock held elsewhere.

        SQLite answers "database is locked" at once, without its busy handler, while another
        connection writes to a database that is not in WAL yet: a shard process switching a
        new database to WAL as this one starts. So the switch is retried here."""
        end = time.monotonic() + wait_ms / 1000
        pause = 0.01
        while True:
            try:
                async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                    row = await cursor.fetchone()
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() + pause > end:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.25)
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

    def _side_file_ids(self) -> dict[str, tuple[int, int] | None]:
        if self.read_only:
            return {}
        return {suffix: _file_id(Path(f"{self.path}{suffix}")) for suffix in SIDE_FILES}

    def file_replaced(self) -> bool:
        """True if the database, its WAL or its SHM file was deleted or swapped since the
        connection opened (a side file SQLite had not created yet may appear)."""
        if _file_id(self.path) != self._file_id:
            return True
        for suffix, opened in self._side_ids.items():
            if opened is not None and _file_id(Path(f"{self.path}{suffix}")) != opened:
                log.warning(
                    "db_side_file_replaced file=%s; reopening (closing checkpoints what it held)",
                    suffix,
                )
                return True
        return False

    async def checkpoint(self) -> tuple[int, int, int]:
        """Copy the WAL into the database file and truncate it; (busy, wal pages, copied)."""
        async with self._write_lock:
            conn = await self._usable_locked()
            try:
                async with conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    row = await cursor.fetchone()
            except sqlite3.Error as exc:
                self.note_failure(exc)
                raise
        busy, pages, copied = (int(v) for v in row) if row is not None else (0, 0, 0)
        return busy, pages, copied

    def note_failure(self, exc: BaseException) -> None:
        """A statement failed on the file (read-only, full, I/O, gone): reopen before the
        next use. A lock held elsewhere or a mistake in a statement leaves it as it is."""
        fault = isinstance(exc, _FILE_FAULTS) and not isinstance(exc, _NOT_FILE_FAULTS)
        if fault and not _is_busy(exc):
            self._needs_reopen = True

    async def reopen(self) -> None:
        """Close and reopen at `path`, creating and migrating a fresh file if it is gone."""
        async with self._write_lock:
            await self._reopen_locked()

    async def _usable_locked(self) -> aiosqlite.Connection:
        """The connection, reopened first if it failed, is gone or the file was replaced."""
        if self._conn is not None and not self._needs_reopen and not self.file_replaced():
            return self._conn
        if self._closed:
            raise StorageUnavailable("database is closed")
        if self._damaged is not None and _file_id(self.path) == self._damaged_id:
            # Checking again would read the whole file for the same answer; a restored
            # backup moved into place (a new file) is tried, once.
            raise DatabaseDamagedError(self._damaged)
        loop = asyncio.get_running_loop()
        if self._conn is None and loop.time() < self._reopen_at:
            raise StorageUnavailable("storage is unavailable")
        try:
            await self._reopen_locked()
        except DatabaseDamagedError as exc:
            if self._damaged is None:
                log.error("db_damaged %s", exc)
            self._damaged = str(exc)
            self._damaged_id = _file_id(self.path)  # the file found damaged, not the last good one
            raise
        except (sqlite3.Error, OSError, MigrationError) as exc:
            self._reopen_at = loop.time() + self._reopen_delay
            self._reopen_delay = min(self._reopen_delay * 2, REOPEN_MAX_S)
            if not self._outage:
                self._outage = True
                log.warning("db_reopen_failed error=%s; retrying with backoff", type(exc).__name__)
            raise StorageUnavailable("storage is unavailable") from exc
        self._reopen_delay = REOPEN_FIRST_S
        self._outage = False
        self._damaged = None
        return self.conn

    async def _usable(self) -> aiosqlite.Connection:
        if self._conn is not None and not self._needs_reopen and not self.file_replaced():
            return self._conn
        async with self._write_lock:
            return await self._usable_locked()

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
                with contextlib.suppress(OSError):
                    os.remove(f"{self.path}{suffix}")
        # Keep the key so user hashes stay comparable across the recreated file.
        await self._connect(salt=self.salt or None)
        self._needs_reopen = False
        log.warning("db_reopened path=%s", self.path)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error, one writer at a time.

        If the file was deleted or replaced since it was opened, it is reopened (and a
        missing file recreated) first: otherwise writes would land in an unlinked inode.
        """
        async with self._write_lock:
            conn = await self._usable_locked()
            try:
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.execute("COMMIT")
            except BaseException as exc:
                self.note_failure(exc)
                await _rollback_quietly(conn)
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a read query and return every row."""
        conn = await self._usable()
        try:
            async with conn.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as exc:
            self.note_failure(exc)
            raise

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Run a read query and return its first row, if any."""
        conn = await self._usable()
        try:
            async with conn.execute(sql, params) as cursor:
                row: sqlite3.Row | None = await cursor.fetchone()
                return row
        except sqlite3.Error as exc:
            self.note_failure(exc)
            raise

    async def schema_version(self) -> int:
        """The PRAGMA user_version of this database."""
        return await schema_version(self.conn)

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        async with self._write_lock:
            self._closed = True
            conn, self._conn = self._conn, None
            if conn is not None:
                await conn.close()


SQLITE_HEADER = b"SQLite format 3\x00"


def check_database_path(path: Path) -> None:
    """Refuse a symbolic link or an existing file that is not SQLite, before any change:
    chmod follows a link, and 0600 on someone else's file is not ours to do."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.islink(f"{path}{suffix}"):
            raise DatabaseFileError(
                f"{path}{suffix} is a symbolic link; point BLUEBOOK_DB at the database file itself"
            )
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise DatabaseFileError(f"{path} is a folder, not a database file") from None
    if head and head != SQLITE_HEADER[: len(head)]:
        raise DatabaseFileError(f"{path} is not a SQLite database; it was left unchanged")


def damage_note_path(path: Path) -> Path:
    """Where the bot notes that the database at `path` is damaged, for `health` to report."""
    return Path(f"{path}.damaged")


async def _check_intact(conn: aiosqlite.Connection, path: Path, *, note: bool) -> None:
    """Raise DatabaseDamagedError if `PRAGMA quick_check` finds the file damaged; with `note`,
    write the damage note beside it (or remove an old one once the file is whole)."""
    problem: str | None = None
    try:
        async with conn.execute("PRAGMA quick_check") as cursor:
            rows = [str(row[0]) for row in await cursor.fetchall()]
        if rows != ["ok"]:
            problem = " ".join(rows[:2]) if rows else "no answer"
    except sqlite3.DatabaseError as exc:
        if not _is_damage(exc):
            raise
        problem = str(exc)
    note_path = damage_note_path(path)
    if problem is None:
        if note:
            with contextlib.suppress(OSError):  # none, or a read-only folder: nothing to do
                os.remove(note_path)
        return
    detail = " ".join(problem.split())[:160]
    error = DatabaseDamagedError(
        f"{path} is damaged (SQLite's quick_check: {detail}); it was left unchanged: restore "
        "it from a backup (docs/operations.md, Backup), then start the bot again"
    )
    if note:
        with contextlib.suppress(OSError):  # a read-only folder: the error still says it
            fd = os.open(note_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {error}\n")
    raise error


def _private_files(path: Path) -> None:
    """Create the folder 0700 if missing, and the database (with WAL/SHM) 0600."""
    check_database_path(path)
    if not path.parent.is_dir():
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    # SQLite gives the WAL and SHM files the mode of the database file.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.chmod(f"{path}{suffix}", FILE_MODE)


async def _hashing_key(
    conn: aiosqlite.Connection, key_file: Path, *, keep: bytes | None, read_only: bool
) -> bytes:
    """The user-hashing key from the key file; moved out of the database if an older version
    kept it there (the `installation.salt` column, now always empty).

    Read-write, it runs in one write transaction: two processes opening a new database at
    once (shard processes starting together) take turns, so the second finds the first's row
    and key file instead of writing a key of its own."""
    if read_only:
        async with conn.execute("SELECT salt FROM installation WHERE id = 1") as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise MigrationError("database has no installation row; open it read-write once")
        stored = bytes(row[0]) if row[0] else b""
        return keyfile.read_key(key_file) or stored
    await conn.execute("BEGIN IMMEDIATE")
    try:
        async with conn.execute("SELECT salt FROM installation WHERE id = 1") as cursor:
            row = await cursor.fetchone()
        stored = bytes(row[0]) if row is not None and row[0] else b""
        key = keyfile.read_key(key_file) or keep or stored or secrets.token_bytes(keyfile.KEY_BYTES)
        keyfile.write_key(key_file, key)
        if row is None:
            await conn.execute(
                "INSERT INTO installation (id, salt, created) VALUES (1, X'', ?)", (time.time(),)
            )
        elif stored:
            # Overwrite the old key's bytes on disk too, not only unlink the row version.
            await conn.execute("PRAGMA secure_delete = ON")
            await conn.execute("UPDATE installation SET salt = X'' WHERE id = 1")
            await conn.execute("PRAGMA secure_delete = OFF")
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    if stored:
        # Copy the overwritten page into the database file now, not at some later checkpoint.
        await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.info("db_key_moved_to_file")
    return key


async def checkpoint_forever(db: Database) -> None:
    """Checkpoint every CHECKPOINT_SECONDS until cancelled; a failure is logged, not raised."""
    failing = False
    while True:
        await asyncio.sleep(CHECKPOINT_SECONDS)
        try:
            busy, pages, copied = await db.checkpoint()
        except sqlite3.Error as exc:
            if not failing:
                log.warning("db_checkpoint_failed error=%s", type(exc).__name__)
            failing = True
            continue
        if failing:
            log.warning("db_checkpoint_resumed")
        failing = False
        log.debug("db_checkpoint busy=%d wal_pages=%d copied=%d", busy, pages, copied)


async def open_database(path: str | os.PathLike[str], *, read_only: bool = False) -> Database:
    """Open (creating and migrating if needed) the database at `path`."""
    db = Database(Path(path), read_only=read_only)
    await db._connect(wait_ms=OPEN_BUSY_TIMEOUT_MS)
    return db
