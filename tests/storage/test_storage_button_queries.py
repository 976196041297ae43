"""Long button queries in SQLite: kept under their token, expiring, owner only hashed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.replies.custom_ids import query_token
from bot.storage.button_queries import ButtonQueries, StoredQuery
from bot.storage.db import Database, open_database

OWNER = 987_654_321_098_765_432
DAY = 86_400.0


async def test_a_query_is_recalled_by_its_token_across_a_reopen(db_path: Path) -> None:
    query = "territorial integrity " * 9
    token = query_token(query, pack="2025-3", owner=OWNER)
    assert token is not None
    db = await open_database(db_path)
    try:
        await ButtonQueries(db).remember(token, query, pack="2025-3", owner=OWNER)
    finally:
        await db.close()
    again = await open_database(db_path)
    try:
        assert await ButtonQueries(again).recall(token) == StoredQuery(query, "2025-3")
        assert await ButtonQueries(again).recall("~" + "0" * 16) is None
    finally:
        await again.close()
    with sqlite3.connect(db_path) as conn:
        (owner_hash,) = conn.execute("SELECT owner_hash FROM button_queries").fetchone()
    assert owner_hash and str(OWNER) not in owner_hash


async def test_queries_expire_and_are_purged(db: Database) -> None:
    store = ButtonQueries(db, expiry_days=30)
    now = 1_800_000_000.0
    await store.remember("~a", "first " * 20, pack="", owner=1, now=now)
    await store.remember("~b", "second " * 20, pack="", owner=1, now=now + 20 * DAY)
    assert await store.recall("~a", now=now + 29 * DAY) is not None
    assert await store.recall("~a", now=now + 31 * DAY) is None
    assert await store.purge(now=now + 31 * DAY) == 1
    assert await store.recall("~b", now=now + 31 * DAY) is not None


async def test_remembering_again_moves_the_expiry_on(db: Database) -> None:
    now = 1_800_000_000.0
    await ButtonQueries(db, expiry_days=30).remember("~a", "q " * 40, pack="", owner=1, now=now)
    # A later process (no memory of the first write) sees the query used again.
    later = ButtonQueries(db, expiry_days=30)
    await later.remember("~a", "q " * 40, pack="", owner=1, now=now + 25 * DAY)
    assert await later.recall("~a", now=now + 40 * DAY) is not None
