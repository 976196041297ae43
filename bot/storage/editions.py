"""Each server's edition of the Bluebook (/settings edition); no row means the newest."""

from __future__ import annotations

import json
import time
from collections.abc import Collection

from bot.storage.db import Database

_GET = "SELECT edition FROM guild_editions WHERE guild_id = ?"
_SET = """
    INSERT INTO guild_editions (guild_id, edition, updated) VALUES (?, ?, ?)
    ON CONFLICT (guild_id) DO UPDATE SET edition = excluded.edition, updated = excluded.updated"""
_CLEAR = "DELETE FROM guild_editions WHERE guild_id = ?"
_CHOOSING = """
    SELECT guild_id FROM guild_editions WHERE edition IN (SELECT value FROM json_each(?))
    ORDER BY guild_id"""


class EditionSettings:
    """The edition a server reads by default, stored in SQLite."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Read on every command, written rarely: a small cache in front of the table.
        self._cache: dict[int, int | None] = {}

    async def get(self, guild_id: int | None) -> int | None:
        """The server's edition year; None for no choice (or outside a server)."""
        if guild_id is None:
            return None
        if guild_id not in self._cache:
            row = await self._db.fetchone(_GET, (guild_id,))
            self._cache[guild_id] = None if row is None else int(row[0])
        return self._cache[guild_id]

    async def set(self, guild_id: int, edition: int | None) -> None:
        """Choose `edition` for the server; None goes back to the newest."""
        async with self._db.transaction() as conn:
            if edition is None:
                await conn.execute(_CLEAR, (guild_id,))
            else:
                await conn.execute(_SET, (guild_id, edition, time.time()))
        self._cache[guild_id] = edition

    async def servers_choosing(self, editions: Collection[int]) -> list[int]:
        """The servers whose chosen edition is one of `editions` (e.g. those a reload took
        away: they now read the newest)."""
        if not editions:
            return []
        rows = await self._db.fetchall(_CHOOSING, (json.dumps(sorted(editions)),))
        return [int(row[0]) for row in rows]
