"""Two bot processes running the same shards on one database (trial 9): each logs one warning
line within a heartbeat or two, while a bot that takes over from a killed one does not."""

from __future__ import annotations

import asyncio

from tests.process.harness import BotProcess, query

BEAT_S = "0.3"
SAME_SHARDS = "another bot process runs the same shards on this database"


def _warnings(bot: BotProcess) -> list[dict]:
    return [e for e in bot.events() if e["event"].startswith(SAME_SHARDS)]


def _beats_written(db) -> float:
    rows = query(db, "SELECT ts FROM process_heartbeats WHERE process = '*'")
    return float(rows[0][0]) if rows else 0.0


async def _start(local_discord, tmp_path, name: str) -> BotProcess:
    """A bot on the test's one database, beating every BEAT_S, logging to `<name>.log`."""
    db = tmp_path / "data" / "bluebook.db"
    env = {"CHILD_HEARTBEAT_S": BEAT_S}
    return await BotProcess.start(local_discord, db=db, log=tmp_path / f"{name}.log", env=env)


async def test_a_second_bot_on_the_same_database_is_warned_about(local_discord, tmp_path):
    db = tmp_path / "data" / "bluebook.db"
    first = await _start(local_discord, tmp_path, "first")
    second = None
    try:
        await first.ready()
        second = await _start(local_discord, tmp_path, "second")
        await second.ready()
        await second.until(lambda: bool(_warnings(second)), "the second bot's warning")
        await first.until(lambda: bool(_warnings(first)), "the first bot's warning")
        # Once each, however many heartbeats follow.
        seen = _beats_written(db)
        await first.until(lambda: _beats_written(db) > seen + 1.0, "more heartbeats")
        assert len(_warnings(first)) == 1 and len(_warnings(second)) == 1
        assert _warnings(second)[0]["level"] == "WARNING" and _warnings(second)[0]["shards"] == "*"
        assert await second.stop() == 0, second.text()
        assert await first.stop() == 0, first.text()
    finally:
        for bot in (first, second):
            if bot is not None:
                await bot.kill()


async def test_a_bot_taking_over_from_a_killed_one_is_not_warned(local_discord, tmp_path):
    """The killed bot's heartbeat is still fresh when the next starts: not another process."""
    db = tmp_path / "data" / "bluebook.db"
    first = await _start(local_discord, tmp_path, "first")
    second = None
    try:
        await first.ready()
        await first.until(lambda: _beats_written(db) > 0, "a heartbeat")
        await first.kill()
        second = await _start(local_discord, tmp_path, "second")
        await second.ready()
        seen = _beats_written(db)
        await second.until(lambda: _beats_written(db) > seen + 1.5, "several heartbeats")
        await asyncio.sleep(0.5)
        assert _warnings(second) == [], second.text()
        assert await second.stop() == 0, second.text()
    finally:
        for bot in (first, second):
            if bot is not None:
                await bot.kill()
