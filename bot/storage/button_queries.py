"""Search queries too long for a button's custom id, kept in SQLite so they survive a restart.

A button's id carries a token instead of such a query: an HMAC of the query, its pack, its
owner and its guild with the installation's key (bot/replies/custom_ids.py `query_token`;
`token_for` here supplies the key), so the same search always gets the same token and a
token cannot be confirmed offline. The cog stores the row before the buttons are sent; a
press reads it back only when the presser and the guild make the same token again: someone
else's token, or one carried into another guild, recalls nothing. Rows expire after
EXPIRY_DAYS without use; expired rows are deleted now and then as rows are written.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

from bot.replies.custom_ids import query_token
from bot.storage.db import Database
from bot.storage.usage import hash_user_id

EXPIRY_DAYS = 30.0
# Expired rows are deleted on one write in this many, so writes stay one statement usually.
PURGE_EVERY = 200

_REMEMBER = """
INSERT INTO button_queries (token, query, pack, owner_hash, expires_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (token) DO UPDATE SET expires_at = excluded.expires_at
"""
_RECALL = "SELECT query, pack, owner_hash FROM button_queries WHERE token = ? AND expires_at > ?"
_PURGE = "DELETE FROM button_queries WHERE expires_at <= ?"


@dataclass(frozen=True, slots=True)
class StoredQuery:
    query: str
    pack_key: str


class ButtonQueries:
    """token -> (query, pack), with expiry. The owner is stored only as the keyed hash."""

    def __init__(self, db: Database, *, expiry_days: float = EXPIRY_DAYS) -> None:
        self._db = db
        self._expiry_s = expiry_days * 86400
        self._writes = 0
        # Tokens written by this process: a second reply for the same search skips the write.
        self._fresh: dict[str, float] = {}

    async def remember(
        self, token: str, query: str, *, pack_key: str, owner: int, now: float | None = None
    ) -> None:
        """Keep `query` under `token` (again: the expiry moves on)."""
        now = time.time() if now is None else now
        expires = now + self._expiry_s
        # Within a day of the last write the row is fresh enough: no write at all.
        if self._fresh.get(token, 0.0) > expires - 86400:
            return
        owner_hash = hash_user_id(self._db.salt, owner) if owner else None
        self._writes += 1
        async with self._db.transaction() as conn:
            await conn.execute(_REMEMBER, (token, query, pack_key, owner_hash, expires))
            if self._writes % PURGE_EVERY == 1:
                await conn.execute(_PURGE, (now,))
        if len(self._fresh) > 4096:
            self._fresh.clear()
        self._fresh[token] = expires

    def token_for(self, query: str, *, pack_key: str, owner: int, guild: int | None) -> str | None:
        """The keyed token of a long query (None when the query fits in a button id)."""
        return query_token(query, pack_key=pack_key, owner=owner, guild=guild, key=self._db.salt)

    async def recall(
        self, token: str, *, owner: int, guild: int | None, now: float | None = None
    ) -> StoredQuery | None:
        """The query a token stands for, for `owner` pressing in `guild`; None when the token
        is unknown, has expired, or was made for someone else or another guild."""
        row = await self._db.fetchone(_RECALL, (token, time.time() if now is None else now))
        if row is None:
            return None
        query, pack_key, owner_hash = str(row[0]), str(row[1]), row[2]
        again = self.token_for(query, pack_key=pack_key, owner=owner, guild=guild)
        if again is None or not hmac.compare_digest(again, token):
            return None
        if owner_hash is not None and owner_hash != hash_user_id(self._db.salt, owner):
            return None
        return StoredQuery(query, pack_key)

    async def purge(self, *, now: float | None = None) -> int:
        """Delete expired rows; returns how many."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(_PURGE, (time.time() if now is None else now,))
            return int(cursor.rowcount)
