"""A real bot database damaged as trial 9 did it: header intact, pages 4-8 overwritten
(`dd if=/dev/urandom of=mg.db bs=4096 seek=3 count=5 conv=notrunc`)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from bot.storage.db import open_database

PAGE = 4096


async def used_database(path: Path, events: int = 3000) -> Path:
    """A database made by the bot and holding `events` usage rows (about 100 pages), with
    its WAL copied into the main file, as a bot that ran a while leaves it."""
    db = await open_database(path)
    try:
        async with db.transaction() as conn:
            for i in range(events):
                await conn.execute(
                    "INSERT INTO usage_events (ts, kind, outcome, query, user_hash)"
                    " VALUES (?, 'slash', 'ok', ?, ?)",
                    (time.time(), f"query number {i}", f"{i:032x}"),
                )
        await db.checkpoint()
    finally:
        await db.close()
    return path


def damage_pages(path: Path, first: int = 4, count: int = 5) -> None:
    """Overwrite pages `first`.. (1-based) with random bytes; the header page stays intact."""
    with open(path, "r+b") as f:
        f.seek((first - 1) * PAGE)
        f.write(os.urandom(count * PAGE))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    except sqlite3.DatabaseError as exc:
        assert "malformed" in str(exc)
    finally:
        conn.close()
