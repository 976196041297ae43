"""A damaged database file (intact header, broken pages) is found and named, not served as
"try again shortly" forever: refused at open, and, met by a running bot, refused from then
on with a note that `health` reports.

Real files throughout: the damage is made as trial 9 made it (tests/storage/damaged.py).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.interactions.errors import user_message_for
from bot.replies.errors import STORAGE_DAMAGED
from bot.storage.db import DatabaseDamagedError, damage_note_path, open_database
from tests.ops.conftest import COMMAND, ROOT, clean_env
from tests.storage.damaged import damage_pages, used_database


def _health(db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, "health", "--db", str(db), "--max-age", "600"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def _copy(path: Path, to: Path) -> Path:
    """A whole copy of the database at `path` (SQLite's backup), as an operator keeps one."""
    src, dst = sqlite3.connect(path), sqlite3.connect(to)
    src.backup(dst)
    src.close()
    dst.close()
    return to


async def test_opening_a_damaged_database_is_refused_and_noted(tmp_path):
    path = await used_database(tmp_path / "b.db")
    damage_pages(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseDamagedError, match=r"is damaged .* restore it from a backup"):
        await open_database(path)
    assert path.read_bytes() == before
    assert (os.stat(damage_note_path(path)).st_mode & 0o777) == 0o600
    # `health` reads the note and checks the file again: unhealthy, with the reason.
    result = _health(path)
    assert result.returncode == 1, result.stdout
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_a_running_bot_that_meets_damage_stops_using_the_file_until_it_is_replaced(
    tmp_path, caplog
):
    path = await used_database(tmp_path / "b.db")
    backup = _copy(path, tmp_path / "backup.db")
    db = await open_database(path)
    try:
        damage_pages(path)
        # Another process's commit makes this connection drop the pages it had cached
        # (as a shard process sharing the database does), so it reads the damaged ones.
        other = sqlite3.connect(path)
        with other:
            other.execute("INSERT INTO process_heartbeats (process, ts) VALUES ('x', 0)")
        other.close()
        with pytest.raises(sqlite3.DatabaseError, match="malformed"):
            # Pages 4-8 hold the lookup settings (what /lookups status reads), as in the trial.
            await db.fetchall("SELECT * FROM guild_settings")
        caplog.set_level(logging.ERROR, logger="bot.storage.db")
        # The fault sends the connection to reopen, and the reopen finds the damage.
        with pytest.raises(DatabaseDamagedError) as found:
            await db.fetchall("SELECT 1")
        assert user_message_for(found.value) == STORAGE_DAMAGED
        assert damage_note_path(path).exists()
        assert "damaged" in _health(path).stderr
        # From then on every use is refused at once (one log line, not one per use), and
        # the user is not told to try again shortly.
        for _ in range(3):
            with pytest.raises(DatabaseDamagedError):
                async with db.transaction() as conn:
                    await conn.execute("DELETE FROM usage_drops")
        assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
        assert "db_damaged" in caplog.records[0].message
        # A restored backup moved into place is a new file: used again, and the note goes.
        os.replace(backup, path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        rows = await db.fetchall("SELECT COUNT(*) FROM usage_events")
        assert rows[0][0] == 3000
        assert not damage_note_path(path).exists()
    finally:
        await db.close()


async def test_a_note_left_from_damage_since_repaired_is_checked_not_trusted(tmp_path):
    path = await used_database(tmp_path / "b.db", events=10)
    damage_note_path(path).write_text("old note\n")
    # Read-only (health, stats): the file is whole, so it opens.
    db = await open_database(path, read_only=True)
    await db.close()
    assert damage_note_path(path).exists()
    # Read-write (the bot's start): whole again, so the note is removed.
    db = await open_database(path)
    await db.close()
    assert not damage_note_path(path).exists()


async def test_a_damaged_file_moved_into_place_is_checked_once_not_at_every_use(tmp_path):
    """A bad restore (another damaged file, a new inode) is found damaged at its first use
    and refused at once after that: a check reads the whole file under the write lock."""
    path = await used_database(tmp_path / "b.db")
    spare = _copy(path, tmp_path / "spare.db")
    damage_pages(spare)
    db = await open_database(path)
    try:
        damage_pages(path)
        db.note_failure(sqlite3.DatabaseError("database disk image is malformed"))
        with pytest.raises(DatabaseDamagedError):
            await db.fetchall("SELECT 1")
        os.replace(spare, path)
        reopens = 0
        reopen = db._reopen_locked

        async def counted() -> None:
            nonlocal reopens
            reopens += 1
            await reopen()

        db._reopen_locked = counted  # type: ignore[method-assign]
        for _ in range(3):
            with pytest.raises(DatabaseDamagedError):
                await db.fetchall("SELECT 1")
        assert reopens == 1
    finally:
        await db.close()
