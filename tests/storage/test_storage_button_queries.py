"""Long button queries in SQLite: kept under their token, expiring, owner only hashed."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bot.replies.custom_ids import query_token
from bot.storage.button_queries import ButtonQueries, StoredQuery
from bot.storage.db import Database, open_database

OWNER = 987_654_321_098_765_432
DAY = 86_400.0


GUILD = 111_222_333_444_555_666


async def test_a_query_is_recalled_by_its_token_across_a_reopen(db_path: Path) -> None:
    query = "territorial integrity " * 9
    db = await open_database(db_path)
    try:
        token = ButtonQueries(db).token_for(query, pack_key="2025-3", owner=OWNER, guild=GUILD)
        assert token is not None
        await ButtonQueries(db).remember(token, query, pack_key="2025-3", owner=OWNER)
    finally:
        await db.close()
    again = await open_database(db_path)
    try:
        store = ButtonQueries(again)
        assert await store.recall(token, owner=OWNER, guild=GUILD) == StoredQuery(query, "2025-3")
        assert await store.recall("~" + "0" * 16, owner=OWNER, guild=GUILD) is None
    finally:
        await again.close()
    with sqlite3.connect(db_path) as conn:
        (owner_hash,) = conn.execute("SELECT owner_hash FROM button_queries").fetchone()
    assert owner_hash and str(OWNER) not in owner_hash


async def _kept(store: ButtonQueries, query: str, *, now: float, owner: int = 1) -> str:
    token = store.token_for(query, pack_key="", owner=owner, guild=GUILD)
    assert token is not None
    await store.remember(token, query, pack_key="", owner=owner, now=now)
    return token


async def test_queries_expire_and_are_purged(db: Database) -> None:
    store = ButtonQueries(db, expiry_days=30)
    now = 1_800_000_000.0
    a = await _kept(store, "first " * 20, now=now)
    b = await _kept(store, "second " * 20, now=now + 20 * DAY)
    assert await store.recall(a, owner=1, guild=GUILD, now=now + 29 * DAY) is not None
    assert await store.recall(a, owner=1, guild=GUILD, now=now + 31 * DAY) is None
    assert await store.purge(now=now + 31 * DAY) == 1
    assert await store.recall(b, owner=1, guild=GUILD, now=now + 31 * DAY) is not None


async def test_remembering_again_moves_the_expiry_on(db: Database) -> None:
    now = 1_800_000_000.0
    token = await _kept(ButtonQueries(db, expiry_days=30), "q " * 40, now=now)
    # A later process (no memory of the first write) sees the query used again.
    later = ButtonQueries(db, expiry_days=30)
    await _kept(later, "q " * 40, now=now + 25 * DAY)
    assert await later.recall(token, owner=1, guild=GUILD, now=now + 40 * DAY) is not None


async def test_a_token_answers_only_its_owner_in_its_guild(db: Database) -> None:
    store = ButtonQueries(db)
    query = "the owner's private long query " * 4
    token = await _kept(store, query, now=time.time(), owner=OWNER)
    assert await store.recall(token, owner=OWNER, guild=GUILD) == StoredQuery(query, "")
    assert await store.recall(token, owner=OWNER + 1, guild=GUILD) is None
    assert await store.recall(token, owner=OWNER, guild=GUILD + 1) is None
    assert await store.recall(token, owner=OWNER, guild=None) is None


async def test_a_token_cannot_be_confirmed_without_the_key(db: Database) -> None:
    query = "a guessable long query about territorial integrity " * 2
    token = ButtonQueries(db).token_for(query, pack_key="", owner=OWNER, guild=GUILD)
    # Everything but the key (kept in its own file, not in the database) is known to whoever
    # holds the id and a copy of the database: a guess still cannot be checked.
    for guess in (b"", b"\x00" * 32):
        assert query_token(query, pack_key="", owner=OWNER, guild=GUILD, key=guess) != token
    assert query_token(query, pack_key="", owner=OWNER, guild=GUILD, key=db.salt) == token
    assert len(db.salt) == 32
