"""Opening and closing everything the bot runs on, in one place (main() and tests use it)."""

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
from bot.services import Content, ContentHolder
from bot.storage.button_queries import ButtonQueries
from bot.storage.db import Database, MigrationError, checkpoint_forever, open_database
from bot.storage.editions import EditionSettings
from bot.storage.heartbeat import touch_heartbeat
from bot.storage.settings import LookupSettings
from bot.storage.usage import UsageLog

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15.0


class DatabaseOpenError(Exception):
    """The database cannot be opened or migrated: one line for the operator, no traceback."""


@dataclass
class Runtime:
    content: ContentHolder
    db: Database
    usage: UsageLog
    lookup_settings: LookupSettings
    fotd: FotdService
    clock: Clock
    editions: EditionSettings
    button_queries: ButtonQueries | None = None


@contextlib.asynccontextmanager
async def open_runtime(
    *,
    db_path: Path,
    content_dir: Path | None,
    clock: Clock | None = None,
    retention_days: int = 180,
    fotd_grace: timedelta | None = None,
    heartbeat: bool = True,
    content: Content | None = None,
    shard_ids: list[int] | None = None,
    shard_count: int | None = None,
) -> AsyncIterator[Runtime]:
    """Load content (raising ContentError), open the database, start the usage writer.

    On exit the usage queue is flushed and the database closed, whatever happened.
    """
    started = time.perf_counter()
    # Indexes are kept beside the database, keyed by the content's hash (bot/index_cache.py).
    index_cache = Path(db_path).parent / "index"
    holder = ContentHolder(
        content or Content.load(content_dir, index_cache=index_cache), index_cache
    )
    try:
        db = await open_database(db_path)
    except MigrationError as exc:
        raise DatabaseOpenError(f"database {db_path} (BLUEBOOK_DB): {exc}") from None
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseOpenError(
            f"cannot open the database {db_path} (BLUEBOOK_DB): {type(exc).__name__}: {exc}"
        ) from None
    usage = UsageLog(db, retention_days=retention_days)
    usage.start()
    clock = clock or SystemClock()
    editions = EditionSettings(db)

    async def pack_of(guild_id: int) -> tuple[str, list[str]]:
        # No choice: rotation '' follows the newest edition (as before the library).
        year = await editions.get(guild_id)
        content = holder.current
        key = content.key_for_year(year) if year is not None else None
        pack = content.edition(key).pack
        return (key or ""), [f.id for f in pack.facts]

    fotd = FotdService(
        FotdStore(db),
        FactRotation(),
        clock,
        lambda: [f.id for f in holder.current.pack.facts],
        pack_of=pack_of,
        grace=fotd_grace,
    )
    runtime = Runtime(
        holder, db, usage, LookupSettings(db), fotd, clock, editions, ButtonQueries(db)
    )
    beat = asyncio.create_task(_heartbeat(db, shard_ids, shard_count)) if heartbeat else None
    checkpoints = asyncio.create_task(checkpoint_forever(db), name="db-checkpoints")
    log.info(
        "runtime open",
        extra={
            "content": str(holder.current.directory or "shipped"),
            "db": str(db_path),
            "ms": round((time.perf_counter() - started) * 1000),
        },
    )
    try:
        yield runtime
    finally:
        for task in (beat, checkpoints):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await usage.close()
        await db.close()
        log.info(
            "runtime closed", extra={"written": usage.stats.written, "dropped": usage.stats.dropped}
        )


async def _heartbeat(db: Database, shard_ids: list[int] | None, shard_count: int | None) -> None:
    """Keep this process's heartbeat row fresh so `bluebook-bot health` can tell it is alive."""
    while True:
        try:
            await touch_heartbeat(db, shard_ids=shard_ids, shard_count=shard_count)
        except Exception as exc:  # a locked or missing database must not stop the bot
            log.warning("heartbeat not written", extra={"error": type(exc).__name__})
        await asyncio.sleep(HEARTBEAT_SECONDS)
