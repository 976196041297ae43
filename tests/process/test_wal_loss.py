"""The WAL and SHM files deleted under a running bot, then SIGKILL: what is lost is bounded by
the checkpoint schedule, and the bot notices the deletion as it notices the main file's."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.process.harness import BotProcess, query


async def _search(server, text: str) -> None:
    handle = await server.slash("search", {"query": text}, user=server.admin)
    await handle.final_message()


def _events(db: Path, like: str) -> int:
    return query(db, "SELECT COUNT(*) FROM usage_events WHERE query LIKE ?", (like,))[0][0]


def _drop_side_files(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink()


async def _restart_and_count(server, db: Path, log: Path, like: str) -> int:
    bot = await BotProcess.start(server, db=db, log=log)
    try:
        await bot.ready()
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    return _events(db, like)


async def test_wal_deleted_while_running_is_noticed_and_nothing_is_lost(local_discord, tmp_path):
    server = local_discord
    db = tmp_path / "data" / "bluebook.db"
    bot = await BotProcess.start(server, db=db, log=tmp_path / "bot-1.log")
    try:
        await bot.ready()
        for n in range(5):
            await _search(server, f"kept {n}")
        await bot.until(lambda: _events(db, "kept %") == 5, "five events written")
        _drop_side_files(db)
        # The next write notices, reopens (the close copies the unlinked WAL into the file).
        for n in range(3):
            await _search(server, f"after {n}")
        await bot.until(
            lambda: any(e["event"].startswith("db_side_file_replaced") for e in bot.events()),
            "the deletion noticed",
        )
        await bot.until(lambda: _events(db, "after %") == 3, "the events after it written")
    finally:
        await bot.kill()
    assert await _restart_and_count(server, db, tmp_path / "bot-2.log", "kept %") == 5
    assert _events(db, "after %") == 3


async def test_a_wal_lost_with_the_process_costs_at_most_one_checkpoint_period(
    local_discord, tmp_path
):
    server = local_discord
    db = tmp_path / "data" / "bluebook.db"
    wal = Path(f"{db}-wal")
    bot = await BotProcess.start(
        server, db=db, log=tmp_path / "bot-1.log", env={"CHILD_CHECKPOINT_S": "0.5"}
    )
    try:
        await bot.ready()
        for n in range(5):
            await _search(server, f"kept {n}")
        await bot.until(lambda: _events(db, "kept %") == 5, "five events written")
        # A scheduled checkpoint has copied them into the main file and emptied the WAL.
        await bot.until(lambda: wal.exists() and wal.stat().st_size == 0, "a checkpoint")
        _drop_side_files(db)
    finally:
        await bot.kill()  # before the bot could notice
    await asyncio.sleep(0)
    assert await _restart_and_count(server, db, tmp_path / "bot-2.log", "kept %") == 5


async def test_drops_counted_while_locked_survive_a_shutdown_that_is_still_locked(
    local_discord, tmp_path
):
    import sqlite3

    from bot.storage.usage import drops_path

    server = local_discord
    db = tmp_path / "data" / "bluebook.db"
    bot = await BotProcess.start(server, db=db, log=tmp_path / "bot-1.log")
    lock = None
    try:
        await bot.ready()
        lock = sqlite3.connect(db, timeout=5, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        n = 0
        while not any(e["event"].startswith("usage_log_write_failed") for e in bot.events()):
            n += 1
            await _search(server, f"while locked {n}")
            assert n < 200, bot.text()
        assert await bot.stop() == 0, bot.text()  # still locked: the count cannot be written
    finally:
        await bot.kill()
        if lock is not None:
            lock.execute("ROLLBACK")
            lock.close()
    [closed] = [e for e in bot.events() if e["event"] == "services closed"]
    assert closed["dropped"] > 0
    assert drops_path(db).exists()

    bot = await BotProcess.start(server, db=db, log=tmp_path / "bot-2.log")
    try:
        await bot.ready()
        await bot.until(
            lambda: (
                query(db, "SELECT COALESCE(SUM(dropped), 0) FROM usage_drops")[0][0]
                == closed["dropped"]
            ),
            "the saved drop count in the database",
        )
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    assert not drops_path(db).exists()
