"""A single row the running bot touches, so `bluebook-bot health` can tell it is alive."""

from __future__ import annotations

import time

from bot.storage.db import Database

# Generous against a touch every minute: one missed or slow touch must not flap health.
HEARTBEAT_MAX_AGE_S = 180.0


async def touch_heartbeat(db: Database, *, now: float | None = None) -> None:
    """Record that the bot is alive at `now` (unix seconds); raises sqlite3.Error if it cannot."""
    ts = time.time() if now is None else now
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO heartbeat (id, ts) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET ts = ?",
            (ts, ts),
        )


async def read_heartbeat(db: Database) -> float | None:
    """The last heartbeat (unix seconds), or None if the bot never touched it."""
    row = await db.fetchone("SELECT ts FROM heartbeat WHERE id = 1")
    return None if row is None else float(row[0])


def heartbeat_is_fresh(
    last: float | None, *, now: float | None = None, max_age_s: float = HEARTBEAT_MAX_AGE_S
) -> bool:
    """True if `last` is within `max_age_s` of `now`, in either direction."""
    if last is None:
        return False
    # Either direction: a small clock step back must not fail health, but a heartbeat
    # stamped far in the future by a broken clock must not count as fresh forever.
    return abs((time.time() if now is None else now) - last) <= max_age_s
