"""A failed reopen is retried with backoff until the file is usable; the key file is 0600."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.storage.db import REOPEN_FIRST_S, StorageUnavailable, open_database
from bot.storage.keyfile import KeyFileError, read_key


async def test_failed_reopen_is_retried_with_backoff_until_the_folder_is_back(db_path: Path):
    db = await open_database(db_path)
    key = db.salt
    try:
        shutil.rmtree(db_path.parent)
        db_path.parent.write_text("a plain file where the data folder was")
        for _ in range(3):
            with pytest.raises(StorageUnavailable):
                async with db.transaction() as conn:
                    await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        # Inside the backoff a read does not even try: it answers at once.
        with pytest.raises(StorageUnavailable):
            await db.fetchone("SELECT 1")
        db_path.parent.unlink()
        for _ in range(200):  # a failure bound; each try waits out the backoff
            try:
                async with db.transaction() as conn:
                    await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
                break
            except StorageUnavailable:
                await asyncio.sleep(REOPEN_FIRST_S)
        else:
            raise AssertionError("the database never came back")
        row = await db.fetchone("SELECT COUNT(*) FROM guild_settings")
        assert row is not None and row[0] == 1
        assert db.salt == key and read_key(db.key_path) == key
    finally:
        await db.close()


async def test_a_statement_error_does_not_reopen(db_path: Path):
    db = await open_database(db_path)
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        first = db.conn
        await db.fetchone("SELECT 1")
        assert db.conn is first
    finally:
        await db.close()


async def test_files_are_private_and_a_damaged_key_file_is_refused(db_path: Path):
    db = await open_database(db_path)
    await db.close()
    for path in (db_path, db.key_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    db.key_path.write_text("not a key\n")
    with pytest.raises(KeyFileError):
        await open_database(db_path)
