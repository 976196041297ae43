"""Migration 0005 (the library): an old database upgrades in place; the edition setting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from bot.fotd.rotation import RotationState
from bot.fotd.store import FotdStore
from bot.storage.db import open_database
from bot.storage.editions import EditionSettings
from bot.storage.usage import EventKind, UsageEvent, UsageLog


async def _old_database(path: Path) -> None:
    """A database as the bot left it before the library (schema 3)."""
    from bot.storage.db import migrate

    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await migrate(conn, upto=3) == 3
        await conn.execute(
            "INSERT INTO installation (id, salt, created) VALUES (1, ?, 0)", (b"s" * 32,)
        )
        await conn.execute(
            "INSERT INTO usage_events (ts, kind, command, top_ref, outcome)"
            " VALUES (1.0, 'slash', 'section', '3.1.1(3)', 'ok')"
        )
        await conn.execute(
            "INSERT INTO fotd_rotation (guild_id, cycle, order_json, position)"
            ' VALUES (7, 2, \'["a", "b", "c"]\', 1)'
        )


async def test_an_old_database_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    await _old_database(path)
    db = await open_database(path)
    try:
        row = await db.fetchone("SELECT top_ref, pack FROM usage_events")
        assert row is not None and tuple(row) == ("3.1.1(3)", None)
        store = FotdStore(db)
        # The rotation from before the library carries on as the default edition's.
        assert await store.rotation(7) == RotationState(2, ("a", "b", "c"), 1)
        assert await store.rotation(7, "2030-3") is None
        await store.update_rotation(
            7, lambda state: ("x", RotationState(1, ("x", "y"), 1)), "2030-3"
        )
        assert await store.rotation(7, "2030-3") == RotationState(1, ("x", "y"), 1)
        assert await store.rotation(7) == RotationState(2, ("a", "b", "c"), 1)
    finally:
        await db.close()


async def test_usage_events_record_the_pack(tmp_path):
    db = await open_database(tmp_path / "b.db")
    usage = UsageLog(db)
    usage.start()
    try:
        usage.log(UsageEvent(kind=EventKind.SLASH, command="compare", pack_key="2030-3"))
        await usage.flush()
        row = await db.fetchone("SELECT command, pack FROM usage_events")
        assert row is not None and tuple(row) == ("compare", "2030-3")
    finally:
        await usage.close()
        await db.close()


async def test_the_server_edition_survives_reopening(tmp_path):
    path = tmp_path / "b.db"
    db = await open_database(path)
    settings = EditionSettings(db)
    assert await settings.get(5) is None
    await settings.set(5, 2030)
    assert await settings.get(5) == 2030
    assert await settings.get(None) is None
    await db.close()
    db = await open_database(path)
    try:
        assert await EditionSettings(db).get(5) == 2030
        await EditionSettings(db).set(5, None)
        assert await EditionSettings(db).get(5) is None
    finally:
        await db.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM guild_editions").fetchone()[0] == 0


async def test_the_servers_choosing_some_editions(db):
    settings = EditionSettings(db)
    for guild, edition in ((7, 2024), (5, 2024), (6, 2025), (8, 2026)):
        await settings.set(guild, edition)
    await settings.set(8, None)
    assert await settings.servers_choosing([2024]) == [5, 7]
    assert await settings.servers_choosing({2024, 2025, 2026}) == [5, 6, 7]
    assert await settings.servers_choosing([]) == []
