"""The services the bot runs on, opened and closed in one place (main(), the console, tests).

`open_services` loads the library (raising ContentError), opens the database, starts the
usage writer and the heartbeat, and wires the fact of the day to the library's resolver of
a server's pack; on exit it flushes the usage queue and closes the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bot.fotd.clock import Clock, SystemClock
from bot.fotd.rotation import FactRotation
from bot.fotd.service import FotdService
from bot.fotd.store import FotdStore
from bot.search import COMPILED_IN_USE
from bot.served import LibraryInService, ServedLibrary
from bot.storage.button_queries import ButtonQueries
from bot.storage.db import Database, MigrationError, checkpoint_forever, open_database
from bot.storage.editions import EditionSettings
from bot.storage.heartbeat import ProcessHeartbeat
from bot.storage.settings import LookupSettings
from bot.storage.usage import UsageLog

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0


class DatabaseOpenError(Exception):
    """The database cannot be opened or migrated: one line for the operator, no traceback."""


@dataclass
class Services:
    """Everything the bot runs on; build_bot (bot/process.py) hangs it on the bot."""

    library: LibraryInService
    db: Database
    usage: UsageLog
    lookup_settings: LookupSettings
    fotd: FotdService
    clock: Clock
    editions: EditionSettings
    button_queries: ButtonQueries | None = None


@contextlib.asynccontextmanager
async def open_services(
    *,
    db_path: Path,
    content_dir: Path | None,
    clock: Clock | None = None,
    retention_days: int = 180,
    fotd_grace: timedelta | None = None,
    heartbeat: bool = True,
    library: ServedLibrary | None = None,
    shard_ids: list[int] | None = None,
    shard_count: int | None = None,
) -> AsyncIterator[Services]:
    """Load content (raising ContentError), open the database, start the usage writer.

    On exit the usage queue is flushed and the database closed, whatever happened.
    """
    started = time.perf_counter()
    # Indexes are kept beside the database, keyed by the content's hash (bot/index_cache.py).
    index_cache = Path(db_path).parent / "index"
    served = library or ServedLibrary.load(content_dir, index_cache=index_cache)
    try:
        db = await open_database(db_path)
    except MigrationError as exc:
        raise DatabaseOpenError(f"database {db_path} (BLUEBOOK_DB): {exc}") from None
    except (sqlite3.Error, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseOpenError(
            f"cannot open the database {db_path} (BLUEBOOK_DB): {reason}"
        ) from None
    usage = UsageLog(db, retention_days=retention_days)
    usage.start()
    clock = clock or SystemClock()
    editions = EditionSettings(db)
    holder = LibraryInService(served, index_cache, editions=editions)
    fotd = FotdService(FotdStore(db), FactRotation(), clock, LibraryFacts(holder), grace=fotd_grace)
    services = Services(
        holder, db, usage, LookupSettings(db), fotd, clock, editions, ButtonQueries(db)
    )
    process_heartbeat = ProcessHeartbeat(db, shard_ids=shard_ids, shard_count=shard_count)
    beat = asyncio.create_task(_heartbeat(process_heartbeat)) if heartbeat else None
    checkpoints = asyncio.create_task(checkpoint_forever(db), name="db-checkpoints")
    log.info(
        "services open",
        extra={
            "content": str(holder.current.directory or "shipped"),
            "db": str(db_path),
            "search": "compiled" if COMPILED_IN_USE else "interpreted",
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
    try:
        yield services
    finally:
        for task in (beat, checkpoints):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if beat is not None:
            # Storage may be what stopped us; health then goes stale by age instead.
            with contextlib.suppress(sqlite3.Error, OSError):
                await process_heartbeat.clear()
        await usage.close()
        await db.close()
        log.info(
            "services closed",
            extra={"written": usage.stats.written, "dropped": usage.stats.dropped},
        )


class LibraryFacts:
    """The fact of the day's facts, from the library in service: a server draws from the
    pack it reads (`for_guild`), or the newest edition with facts while that one has none,
    and a claimed day from the pack it was claimed in; a pack's facts are those of every
    chapter of its edition (ServedLibrary.facts)."""

    def __init__(self, library: LibraryInService) -> None:
        self._library = library

    async def for_guild(self, guild_id: int) -> tuple[str, list[str]]:
        # While the server's edition has no facts, the pack of the edition they come from:
        # its rotation and claims are that edition's (ServedLibrary.facts_key).
        served = await self._library.for_guild(guild_id)
        key = self._library.current.facts_key(served.pack_key)
        return key, self._ids(key)

    def in_pack(self, pack_key: str) -> list[str] | None:
        return self._ids(pack_key) if pack_key in self._library.current.packs else None

    def _ids(self, pack_key: str) -> list[str]:
        return [fact.id for _, fact in self._library.current.facts(pack_key)]


async def _heartbeat(process_heartbeat: ProcessHeartbeat) -> None:
    """Keep this process's heartbeat row fresh so `bluebook-bot health` can tell it is alive."""
    while True:
        try:
            if await process_heartbeat.touch():
                log.warning(
                    "another bot process runs the same shards on this database; with one token "
                    "both answer every event: stop one, or give each its own SHARD_IDS",
                    extra={"shards": process_heartbeat.shards},
                )
        except Exception as exc:  # a locked or missing database must not stop the bot
            log.warning("heartbeat not written", extra={"error": type(exc).__name__})
        await asyncio.sleep(HEARTBEAT_SECONDS)
