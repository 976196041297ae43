"""The usage log: one row per exchange (a command, autocomplete or button answered, each
lookup in a chat message, a fact-of-the-day post), written off the hot path by one writer task.

`UsageLog.log()` never waits on the database. Events go onto a bounded queue; a writer task
drains it in bounded batches. If the database is unavailable the failed batches are dropped
and counted, one warning is logged per outage, and writing resumes when the database does.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import aiosqlite

from bot.pack.library import split_edition
from bot.pack.refs import looks_like_ref
from bot.search.normalize import normalize, normalize_query
from bot.storage.db import Database

log = logging.getLogger(__name__)

DEFAULT_MAX_QUEUE = 10_000
# Bounded so one transaction (and the row building that runs on the event loop) stays short.
DEFAULT_BATCH_SIZE = 500
# After the first event of a batch the writer waits this long for more, so that under load
# many events share one transaction (and one trip to the database thread) instead of each
# taking its own. flush() and close() cut the wait short.
DEFAULT_LINGER_S = 0.1
# Users whose hashes are kept (`UsageLog._user_hash`): then they are made afresh.
USER_HASHES_KEPT = 4096
DEFAULT_RETENTION_DAYS = 180
PURGE_INTERVAL_S = 24 * 3600.0
# Deleting in chunks keeps the write lock short for the other writers on the connection.
PURGE_CHUNK = 5_000
# Long queries are usually pasted text, not something worth keeping whole.
MAX_QUERY_CHARS = 200
MAX_LABEL_CHARS = 100

_INSERT_EVENT = """
INSERT INTO usage_events (
    ts, guild_id, channel_id, user_hash, kind, command, query, top_ref,
    result_count, latency_ms, outcome, error_class, pack
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_ADD_DROPS = """
INSERT INTO usage_drops (day, dropped) VALUES (?, ?)
ON CONFLICT (day) DO UPDATE SET dropped = dropped + excluded.dropped
"""
_PURGE_EVENTS = """
DELETE FROM usage_events WHERE id IN (SELECT id FROM usage_events WHERE ts < ? LIMIT ?)
"""
_PURGE_DROPS = "DELETE FROM usage_drops WHERE day < ?"
# What one row the database will not take raises (a value too large for an INTEGER, a type
# it cannot bind): the rest of its batch is still written.
_BAD_ROW = (sqlite3.InterfaceError, sqlite3.IntegrityError, sqlite3.ProgrammingError, OverflowError)


class EventKind(StrEnum):
    SLASH = "slash"
    AUTOCOMPLETE = "autocomplete"
    BUTTON = "button"
    KEYWORD = "keyword"
    FACT = "fact"


class Outcome(StrEnum):
    """How an exchange ended. OK, NO_RESULT and REFUSED mean the answer was sent."""

    OK = "ok"
    NO_RESULT = "no_result"
    # Asked for what the library cannot serve as asked (an edition it does not hold): the
    # user got an error reply, and the query is no gap in the content.
    REFUSED = "refused"
    DISABLED = "disabled"
    ERROR = "error"  # our code raised; the user got the short "went wrong" answer
    SEND_FAILED = "send_failed"  # Discord refused the answer or the connection failed
    TIMED_OUT = "timed_out"  # Discord did not take the answer within the reply deadline


@dataclass(slots=True)
class UsageEvent:
    """One interaction. `user_id` is hashed before storage; `query` is only what was asked.

    Made once per exchange, by name or, on the path, by position in field order (a frozen,
    keyword-only dataclass cost several times as much to make: bench/README.md)."""

    kind: EventKind
    command: str | None = None
    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None
    query: str | None = None
    top_ref: str | None = None
    result_count: int | None = None
    latency_ms: float | None = None
    outcome: Outcome = Outcome.OK
    error_class: str | None = None
    pack_key: str | None = None  # the pack quoted, e.g. '2025-3' (bot/pack/library.py)
    ts: float = field(default_factory=time.time)


@dataclass(slots=True)
class UsageStats:
    """Counters since start.

    queued + dropped_queue_full = events offered to `log()` (refusals after close count as
    queue-full); queued = written + dropped_write_failed + pending.
    """

    queued: int = 0
    written: int = 0
    dropped: int = 0
    dropped_queue_full: int = 0
    dropped_write_failed: int = 0
    batches: int = 0  # transactions that wrote events


_DIGIT = re.compile(r"\d")
_WORDS = re.compile(r"[^\W\d_]{2,}")


def stored_query(text: str | None) -> str | None:
    """The query as stored: search's own normal form (bot/search/normalize.py
    `normalize_query`, the one query normaliser), capped for storage; so /stats groups
    queries the way search reads them. A reference (bot/pack/refs.py `looks_like_ref`) is
    normalised the same but keeps its case, which tells its parts apart."""
    if text is None:
        return None
    # A reference has a digit; most queries have none (one test in C before the parsing).
    if _DIGIT.search(text) is not None and looks_like_ref(split_edition(text).ref):
        # A reference keeps its case: `3.1.1(3)A(a)` is not `3.1.1(3)a(a)` (`.A` is a part,
        # `(a)` an item), and "References not found" shows it as typed.
        kept = " ".join(normalize(text[:MAX_QUERY_CHARS], fold_case=False).split())
        # Only a part's letter tells parts apart; words ("SEC", "para") fold, so "SEC 3.1.1"
        # and "sec 3.1.1" are one row.
        kept = _WORDS.sub(lambda word: word.group().lower(), kept)
        return kept[:MAX_QUERY_CHARS].rstrip() or None
    # rstrip: a cut just after a space would otherwise change again on a second pass.
    return normalize_query(text)[:MAX_QUERY_CHARS].rstrip() or None


# Rows per INSERT statement: one statement binds all its rows at once and runs in one step,
# so the database thread and the event loop hand the interpreter lock back and forth once
# per statement instead of once per row (12 columns x 100 rows, within SQLite's 32,766
# parameters).
ROWS_PER_INSERT = 100
_INSERT_MANY: dict[int, str] = {}


def _insert_many_sql(count: int) -> str:
    sql = _INSERT_MANY.get(count)
    if sql is None:
        head, values = _INSERT_EVENT.rsplit("VALUES", 1)
        sql = head + "VALUES " + ", ".join([values.strip()] * count)
        _INSERT_MANY[count] = sql
    return sql


async def _insert_rows(conn: aiosqlite.Connection, rows: list[tuple[object, ...]]) -> None:
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        await conn.execute(_insert_many_sql(len(chunk)), [v for row in chunk for v in row])


def hash_user_id(salt: bytes, user_id: int) -> str:
    """Keyed BLAKE2b of the id: stable per installation, useless without the salt."""
    return hashlib.blake2b(str(user_id).encode("ascii"), key=salt, digest_size=16).hexdigest()


def _utc_day(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def _label(text: str | None) -> str | None:
    return text[:MAX_LABEL_CHARS] if text is not None else None


class _DatabaseFileGone(OSError):
    """The batch committed into a file that was deleted or replaced, so it is lost."""


class UsageLog:
    """Queue-backed writer of `UsageEvent`s. Call `log()` from the event loop thread only."""

    def __init__(
        self,
        db: Database,
        *,
        maxsize: int = DEFAULT_MAX_QUEUE,
        batch_size: int = DEFAULT_BATCH_SIZE,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        retry_initial_s: float = 0.05,
        retry_max_s: float = 2.0,
        linger_s: float = DEFAULT_LINGER_S,
    ) -> None:
        if maxsize < 1 or batch_size < 1 or retention_days < 1:
            raise ValueError("maxsize, batch_size and retention_days must be at least 1")
        self._db = db
        self._queue: asyncio.Queue[UsageEvent | None] = asyncio.Queue(maxsize)
        self._batch_size = batch_size
        self._retention_days = retention_days
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._backoff_s = retry_initial_s
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._linger_s = linger_s
        self._hurry = asyncio.Event()
        self._flushing = 0
        self._closing = False
        self._failing = False
        self._overflowing = False
        self._unpersisted_drops = 0
        # Each user's hash, for the salt it was made with (`_user_hash`).
        self._hashes: dict[int, str] = {}
        self._hashes_salt = b""
        self.stats = UsageStats()

    @property
    def pending(self) -> int:
        """Events queued but not yet written or dropped."""
        return self._queue.qsize()

    @property
    def maxsize(self) -> int:
        return self._queue.maxsize

    def log(self, event: UsageEvent) -> bool:
        """Queue `event` without waiting; return False (and count it) if it was dropped."""
        if self._closing:
            self._count_dropped(1, queue_full=True)
            return False
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self._count_dropped(1, queue_full=True)
            if not self._overflowing:
                self._overflowing = True
                log.warning("usage_log_queue_full maxsize=%d; dropping events", self.maxsize)
            return False
        self.stats.queued += 1
        return True

    def start(self) -> None:
        """Start the writer task (it purges old events first, then daily)."""
        if self._task is not None:
            raise RuntimeError("usage log already started")
        self._task = self._spawn_writer()

    def _spawn_writer(self) -> asyncio.Task[None]:
        task = asyncio.create_task(self._run(), name="usage-log-writer")
        task.add_done_callback(self._writer_done)
        return task

    async def flush(self) -> None:
        """Wait until every event queued so far has been written or dropped."""
        if self._task is None or self._task.done():
            raise RuntimeError("usage log writer is not running")
        self._flushing += 1
        self._hurry.set()
        try:
            await self._queue.join()
        finally:
            self._flushing -= 1
            if not self._flushing:
                self._hurry.clear()

    async def close(self) -> None:
        """Stop accepting events, write everything still queued, persist the drop count."""
        if self._closing:
            return
        self._closing = True
        self._wake.set()
        self._hurry.set()
        if self._task is None:
            # Never started: run the writer just long enough to flush what was queued.
            self._task = self._spawn_writer()
        task = self._task
        if task.done():
            self._drop_remaining()
        else:
            # The writer drains in order, so the sentinel is reached after every real event.
            await self._queue.put(None)
            await task
        if self._unpersisted_drops:
            await self._persist_drops_at_close()

    async def _persist_drops_at_close(self) -> None:
        """Write the drop count; if the database stays locked or unavailable, keep it in the
        drops file beside it (merged at the next start), so no counted drop vanishes."""
        day, count = _utc_day(time.time()), self._unpersisted_drops
        # One try: SIGTERM must not wait out a lock (see the shutdown budget); the file is
        # the fallback.
        try:
            async with self._db.transaction() as conn:
                await conn.execute(_ADD_DROPS, (day, count))
        except (sqlite3.Error, OSError):
            pass
        else:
            self._unpersisted_drops = 0
            return
        path = drops_path(self._db.path)
        try:
            _append_drops(path, {day: count})
        except OSError as exc:
            log.error("usage_drops_lost dropped=%d error=%s", count, type(exc).__name__)
            return
        self._unpersisted_drops = 0
        log.warning("usage_drops_saved_to_file path=%s dropped=%d", path, count)

    async def _merge_drops_file(self) -> None:
        """Add the drop counts a previous run could not write (see close) to the database."""
        path = drops_path(self._db.path)
        claimed = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            os.replace(path, claimed)  # atomic: two processes never merge the same counts
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("usage_drops_file_unreadable error=%s", type(exc).__name__)
            return
        counts = _read_drops(claimed)
        try:
            async with self._db.transaction() as conn:
                for day, count in counts.items():
                    await conn.execute(_ADD_DROPS, (day, count))
        except (sqlite3.Error, OSError):
            with contextlib.suppress(OSError):
                _append_drops(path, counts)  # for the next start
        else:
            log.warning("usage_drops_file_merged dropped=%d", sum(counts.values()))
        with contextlib.suppress(OSError):
            claimed.unlink()

    async def purge(self, *, older_than_days: int | None = None, now: float | None = None) -> int:
        """Delete events (and drop counts) older than the retention; return events deleted."""
        days = self._retention_days if older_than_days is None else older_than_days
        cutoff = (time.time() if now is None else now) - days * 86400
        deleted = 0
        while True:
            async with self._db.transaction() as conn:
                cursor = await conn.execute(_PURGE_EVENTS, (cutoff, PURGE_CHUNK))
                count = cursor.rowcount
                if count < PURGE_CHUNK:
                    await conn.execute(_PURGE_DROPS, (_utc_day(cutoff),))
            deleted += count
            # Stop early on shutdown; the rest goes at the next start.
            if count < PURGE_CHUNK or self._closing:
                break
            await asyncio.sleep(0)
        if deleted:
            log.info("usage_log_purged events=%d older_than_days=%d", deleted, days)
        return deleted

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_purge = loop.time()
        await self._merge_drops_file()
        while True:
            if not self._closing and loop.time() >= next_purge:
                ok = await self._purge_quietly()
                # After a failed purge, try again within the hour rather than tomorrow.
                next_purge = loop.time() + (PURGE_INTERVAL_S if ok else 3600.0)
            try:
                async with asyncio.timeout_at(None if self._closing else next_purge):
                    first = await self._queue.get()
            except TimeoutError:
                continue
            if first is not None:
                await self._linger()
            batch, stop = self._take_batch(first)
            if batch:
                await self._write(batch)
            for _ in range(len(batch) + stop):
                self._queue.task_done()
            if stop:
                return
            if self._failing and self._closing:
                # Shutting down while the database is down: do not make SIGTERM wait out retries.
                self._drop_remaining()
                return
            if self._failing:
                await self._sleep_backoff()
            else:
                await asyncio.sleep(0)

    async def _linger(self) -> None:
        if self._hurry.is_set() or self._linger_s <= 0:
            return
        if self._queue.qsize() + 1 >= self._batch_size:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._linger_s):
                await self._hurry.wait()

    def _take_batch(self, first: UsageEvent | None) -> tuple[list[UsageEvent], bool]:
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self._batch_size:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    async def _write(self, batch: list[UsageEvent]) -> None:
        drops = self._unpersisted_drops
        rows, bad = self._rows(batch)
        try:
            try:
                async with self._db.transaction() as conn:
                    await _insert_rows(conn, rows)
                    if drops or bad:
                        await conn.execute(_ADD_DROPS, (_utc_day(time.time()), drops + bad))
            except _BAD_ROW:
                # One row the database will not take (an id too large for an INTEGER, say):
                # the batch was rolled back; write its rows one by one, so only that row is
                # lost.
                async with self._db.transaction() as conn:
                    rows, refused = await self._insert_one_by_one(conn, rows)
                    bad += refused
                    if drops or bad:
                        await conn.execute(_ADD_DROPS, (_utc_day(time.time()), drops + bad))
            if self._db.file_replaced():
                raise _DatabaseFileGone(f"database file {self._db.path} was removed during write")
        except (sqlite3.Error, OSError) as exc:
            self._count_dropped(len(batch), queue_full=False)
            self._note_failure(exc)
            return
        except Exception:
            # A bug, not an outage: log it loudly but keep the writer alive for later events.
            self._count_dropped(len(batch), queue_full=False)
            log.exception("usage_log_batch_failed events=%d", len(batch))
            return
        if bad:
            # Counted and already persisted with this transaction's drop count.
            self._count_dropped(bad, queue_full=False)
            self._unpersisted_drops -= bad
        self._unpersisted_drops -= drops
        written = len(rows)
        self.stats.written += written
        if written:
            self.stats.batches += 1
        if self._overflowing and self._queue.qsize() < self.maxsize // 2:
            self._overflowing = False
        if self._failing:
            self._failing = False
            self._backoff_s = self._retry_initial_s
            log.warning("usage_log_resumed dropped_total=%d", self.stats.dropped)

    def _rows(self, batch: list[UsageEvent]) -> tuple[list[tuple[object, ...]], int]:
        """Rows for the batch, and how many events could not be made into a row (counted)."""
        rows = []
        bad = 0
        for event in batch:
            try:
                rows.append(self._row(event))
            except Exception:
                bad += 1
                if bad == 1:
                    log.exception("usage_log_bad_event kind=%s", getattr(event, "kind", None))
        return rows, bad

    async def _insert_one_by_one(
        self, conn: aiosqlite.Connection, rows: list[tuple[object, ...]]
    ) -> tuple[list[tuple[object, ...]], int]:
        kept = []
        refused = 0
        for row in rows:
            try:
                await conn.execute(_INSERT_EVENT, row)
            except _BAD_ROW as exc:
                refused += 1
                if refused == 1:
                    log.warning("usage_log_bad_row error=%s detail=%s", type(exc).__name__, exc)
                continue
            kept.append(row)
        return kept, refused

    def _user_hash(self, user_id: int) -> str:
        """`hash_user_id` with the database's salt, kept per user (a team asks again and
        again; a keyed BLAKE2b costs about forty dict lookups)."""
        salt = self._db.salt
        if salt != self._hashes_salt or len(self._hashes) >= USER_HASHES_KEPT:
            self._hashes.clear()
            self._hashes_salt = salt
        found = self._hashes.get(user_id)
        if found is None:
            found = self._hashes[user_id] = hash_user_id(salt, user_id)
        return found

    def _row(self, e: UsageEvent) -> tuple[object, ...]:
        user_hash = None if e.user_id is None else self._user_hash(e.user_id)
        # `_value_`: the member's plain value (`.value` is a property of the enum, and slower).
        return (
            e.ts,
            e.guild_id,
            e.channel_id,
            user_hash,
            e.kind._value_,
            _label(e.command),
            stored_query(e.query),
            _label(e.top_ref),
            e.result_count,
            e.latency_ms,
            e.outcome._value_,
            _label(e.error_class),
            _label(e.pack_key),
        )

    async def _purge_quietly(self) -> bool:
        try:
            await self.purge()
        except (sqlite3.Error, OSError) as exc:
            self._note_failure(exc)
            return False
        return True

    def _note_failure(self, exc: BaseException) -> None:
        if self._failing:
            self._backoff_s = min(self._backoff_s * 2, self._retry_max_s)
            return
        self._failing = True
        self._backoff_s = self._retry_initial_s
        log.warning(
            "usage_log_write_failed error=%s detail=%s; dropping and counting events until "
            "the database is writable",
            type(exc).__name__,
            exc,
        )

    async def _sleep_backoff(self) -> None:
        # Woken early by close() so shutdown never waits out a long retry delay.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._backoff_s):
                await self._wake.wait()

    def _count_dropped(self, count: int, *, queue_full: bool) -> None:
        self.stats.dropped += count
        if queue_full:
            self.stats.dropped_queue_full += count
        else:
            self.stats.dropped_write_failed += count
        self._unpersisted_drops += count

    def _drop_remaining(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if item is not None:
                self._count_dropped(1, queue_full=False)
            self._queue.task_done()

    def _writer_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("usage_log_writer_died", exc_info=task.exception())


def drops_path(db_path: Path) -> Path:
    """Where drop counts wait when the database could not take them at shutdown."""
    return db_path.with_name(db_path.name + ".drops")


def _append_drops(path: Path, counts: dict[str, int]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.writelines(f"{day} {count}\n" for day, count in counts.items())


def _read_drops(path: Path) -> dict[str, int]:
    """'YYYY-MM-DD N' lines, summed per day; a damaged line is skipped and logged."""
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        day, _, number = line.partition(" ")
        if len(day) == 10 and number.isdigit():
            counts[day] = counts.get(day, 0) + int(number)
        elif line.strip():
            log.warning("usage_drops_file_bad_line")
    return counts
