"""Opening the database, numbered migrations, upgrades from the first schema."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.db import (
    BUSY_TIMEOUT_MS,
    Database,
    Migration,
    MigrationError,
    SchemaTooNewError,
    load_migrations,
    migrate,
    open_database,
    split_statements,
)

LATEST = len(load_migrations())


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
        return {r[0] for r in rows}


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))}


def test_shipped_migrations_are_numbered_from_one() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, LATEST + 1))
    assert migrations[0].name == "0001_initial.sql"
    assert LATEST >= 2


async def test_fresh_database_is_fully_migrated(db_path: Path) -> None:
    db = await open_database(db_path)
    try:
        assert await db.schema_version() == LATEST
        journal = await db.fetchone("PRAGMA journal_mode")
        foreign_keys = await db.fetchone("PRAGMA foreign_keys")
        busy = await db.fetchone("PRAGMA busy_timeout")
        assert journal is not None and journal[0] == "wal"
        assert foreign_keys is not None and foreign_keys[0] == 1
        assert busy is not None and 0 < busy[0] <= 1000
        assert len(db.salt) == 32
    finally:
        await db.close()
    assert {"installation", "usage_events", "guild_settings", "channel_settings"} <= _tables(
        db_path
    )
    assert {"process_heartbeats", "usage_drops", "usage_events_ts"} <= _tables(db_path)


async def test_upgrade_from_first_schema_keeps_data(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await migrate(conn, upto=1) == 1
        await conn.execute(
            "INSERT INTO installation (id, salt, created) VALUES (1, ?, 0)", (b"s" * 32,)
        )
        await conn.execute(
            "INSERT INTO usage_events (ts, guild_id, channel_id, user_hash, kind, command,"
            " query, top_ref, result_count, latency_ms, outcome)"
            " VALUES (1.5, 10, 20, 'h', 'slash', 'ref', 'precedence', '3.1', 2, 12.5, 'ok')"
        )
        await conn.execute("INSERT INTO guild_settings (guild_id, passive_lookups) VALUES (10, 1)")
    assert "heartbeat" not in _tables(db_path)
    assert "error_class" not in _columns(db_path, "usage_events")

    db = await open_database(db_path)
    try:
        assert await db.schema_version() == LATEST
        # The old in-database salt moved to the key file and left the database.
        assert db.salt == b"s" * 32
        assert db.key_path.read_text().strip() == (b"s" * 32).hex()
        salt_row = await db.fetchone("SELECT salt FROM installation")
        assert salt_row is not None and bytes(salt_row[0]) == b""
        row = await db.fetchone("SELECT query, latency_ms, error_class FROM usage_events")
        assert row is not None and tuple(row) == ("precedence", 12.5, None)
        setting = await db.fetchone("SELECT passive_lookups FROM guild_settings")
        assert setting is not None and setting[0] == 1
    finally:
        await db.close()
    # Overwritten on disk, not only unlinked: the old salt's bytes are nowhere in the files.
    for suffix in ("", "-wal"):
        file = Path(f"{db_path}{suffix}")
        assert not file.exists() or b"s" * 32 not in file.read_bytes()
    assert {"process_heartbeats", "usage_drops", "usage_events_ts"} <= _tables(db_path)
    assert "error_class" in _columns(db_path, "usage_events")


async def test_database_newer_than_code_is_refused(db_path: Path) -> None:
    await (await open_database(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(SchemaTooNewError, match="newer"):
        await open_database(db_path)


async def test_failed_migration_rolls_back_entirely(tmp_path: Path) -> None:
    steps = [
        Migration(1, "0001_a.sql", "CREATE TABLE a (x);"),
        Migration(2, "0002_b.sql", "CREATE TABLE b (x);\nINSERT INTO missing VALUES (1);"),
    ]
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, migrations=steps)
        assert not conn.in_transaction
        async with conn.execute("PRAGMA user_version") as cursor:
            assert (await cursor.fetchone()) == (1,)
    assert _tables(tmp_path / "m.db") == {"a"}


async def test_new_numbered_file_is_picked_up(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for migration in load_migrations():
        (folder / migration.name).write_text(migration.sql)
    next_name = f"{LATEST + 1:04d}_extra.sql"
    (folder / next_name).write_text("CREATE TABLE extra (id INTEGER PRIMARY KEY);")
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await migrate(conn, migrations=load_migrations(folder)) == LATEST + 1
    assert "extra" in _tables(db_path)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["0001_a.sql", "0003_c.sql"], "without gaps"),
        (["0001_a.sql", "0001_b.sql"], "two migrations numbered 1"),
        (["0001_a.sql", "2_b.sql"], "NNNN_name"),
    ],
)
def test_bad_migration_folders_are_rejected(tmp_path: Path, names: list[str], message: str) -> None:
    for name in names:
        (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=message):
        load_migrations(tmp_path)


def test_split_statements_keeps_semicolons_inside_strings_and_triggers() -> None:
    script = """
    -- leading comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'c;d'; DELETE FROM t WHERE x = 'e';
    END;
    """
    statements = list(split_statements(script))
    assert len(statements) == 2
    assert statements[0].endswith("DEFAULT 'a;b');")
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(MigrationError, match="incomplete"):
        list(split_statements("CREATE TABLE t (x TEXT DEFAULT 'oops);"))


async def test_read_only_open_refuses_an_unmigrated_file(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await migrate(conn, upto=1)
    with pytest.raises(MigrationError, match="older"):
        await open_database(db_path, read_only=True)


def test_migrations_ship_inside_the_package() -> None:
    names = [p.name for p in resources.files("bot.storage.migrations").iterdir()]
    assert "0001_initial.sql" in names


@pytest.mark.parametrize("module", ["discord", "matplotlib"])
def test_storage_does_not_import_heavy_or_discord_modules(module: str) -> None:
    code = (
        "import sys, bot.storage, bench.usage_bench; "
        f"sys.exit(1 if {module!r} in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False)
    assert result.returncode == 0, f"importing bot.storage imported {module}"


_OPEN_AND_PRINT_KEY = """
import asyncio, sys
from pathlib import Path
from bot.storage.db import open_database

async def main():
    db = await open_database(Path(sys.argv[1]))
    print(db.salt.hex())
    await db.close()

asyncio.run(main())
"""


def test_processes_opening_a_new_database_at_once_share_one_key(tmp_path: Path) -> None:
    """Shard processes starting together on a new database: none fails on the installation
    row, and all hash user ids with the same key."""
    root = Path(__file__).resolve().parents[2]
    for attempt in range(3):
        path = tmp_path / f"run{attempt}" / "bluebook.db"
        path.parent.mkdir()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN_AND_PRINT_KEY, str(path)],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        outs = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
        assert len({out.strip() for out, _ in outs}) == 1


async def _open_while_written(db_path: Path, seconds: float) -> Database:
    """Open the database while another connection holds a write on it for `seconds`."""
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        return await open_database(db_path)
    finally:
        release.join()
        holder.close()


async def test_open_waits_out_another_process_migrating(db_path: Path) -> None:
    """A shard process that finds the database locked by another one's migrations waits for
    it, where the short timeout for everyday writes would fail the start; once open, the
    short timeout applies again."""
    await (await open_database(db_path)).close()
    db = await _open_while_written(db_path, 1.0)
    try:
        async with db.conn.execute("PRAGMA busy_timeout") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == BUSY_TIMEOUT_MS
    finally:
        await db.close()


async def test_open_waits_out_another_process_switching_a_new_database_to_wal(
    db_path: Path,
) -> None:
    """While another process writes to the new file before it is in WAL (switching it, as a
    shard process starting at the same moment does), SQLite says "locked" at once, without
    waiting: the open waits for it all the same. (CI saw a shard process fail so.)"""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db = await _open_while_written(db_path, 0.5)
    try:
        async with db.conn.execute("PRAGMA journal_mode") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == "wal"
    finally:
        await db.close()
