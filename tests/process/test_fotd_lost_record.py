"""Fact of the day posts once even when its record is lost, in real bot processes.

The ledger forgets a day it posted when the database is restored from a backup taken
before the post (the README's backup method), or when the WAL is lost with the process.
Started again after Discord's nonce window, only the channel knows the day was posted: the
bot must look there before the first post of a day. Where it cannot read the channel's
history it must say so, in every process layout: one process, or a shard process that does
not hold the guild in its cache (the check then has no member to compute permissions on).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localdiscord import LocalDiscord, Scenario
from localdiscord import permissions as perm
from localdiscord.gateway import shard_of
from localdiscord.pytest_support import checked_server
from tests.process.harness import BotProcess, query
from tests.process.test_fotd_kill import Run, _noon_zone, _posts, _schedule

SENT = "SELECT state, message_id FROM fotd_posts WHERE guild_id = ? AND local_date = ?"


def _drop_wal(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _after_the_nonce_window(server: LocalDiscord) -> None:
    """Discord forgets the nonces (its window is minutes; the test does not wait for it)."""
    server.world.nonces.clear()


async def _sent(bot: BotProcess, db: Path, guild: int, day: str) -> None:
    await bot.until(
        lambda: [r[0] for r in query(db, SENT, (guild, day))] == ["sent"],
        "the day recorded as sent",
    )


def _end_lease_minutes_ago(db: Path, minutes: float) -> None:
    """The dead claim's lease ran out minutes ago: its attempt is older than the nonce window."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        conn.execute(
            "UPDATE fotd_posts SET lease_until = ? WHERE state = 'claimed'",
            (time.time() - minutes * 60,),
        )
        conn.commit()
    finally:
        conn.close()


def _warned(bot: BotProcess, name: str) -> bool:
    return any(name in e["event"] for e in bot.events())


@pytest.mark.parametrize("history", [True, False], ids=["history", "no_history"])
@pytest.mark.parametrize("loss", ["restored_backup", "lost_wal"])
async def test_a_lost_record_does_not_post_the_day_twice(local_discord, tmp_path, loss, history):
    server = local_discord
    news = server.add_channel(server.guild, "news")
    if not history:
        server.set_overwrite(
            news, server.world.bot_member(server.guild), deny=perm.READ_MESSAGE_HISTORY
        )
    run = Run(server, tmp_path)
    day = await _schedule(run.db, server.guild.id, news.id, _noon_zone())
    assert not Path(f"{run.db}-wal").exists()  # the schedule is in the main file
    backup = tmp_path / "backup.db"
    shutil.copy(run.db, backup)  # taken before the post

    # No scheduled checkpoint before the kill: the post's record lives only in the WAL.
    bot = await BotProcess.start(
        server, db=run.db, log=tmp_path / "bot-first.log", env={"CHILD_CHECKPOINT_S": "3600"}
    )
    try:
        await _sent(bot, run.db, server.guild.id, day)
    finally:
        await bot.kill()
    assert len(_posts(server, news)) == 1
    if loss == "restored_backup":
        _drop_wal(run.db)
        os.replace(backup, run.db)
    else:
        _drop_wal(run.db)
    assert query(run.db, SENT, (server.guild.id, day)) == []  # the ledger forgot the day
    _after_the_nonce_window(server)

    bot = await run.start()
    try:
        await _sent(bot, run.db, server.guild.id, day)
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    posts = _posts(server, news)
    if history:
        [(_, message_id)] = query(run.db, SENT, (server.guild.id, day))
        assert [int(p["id"]) for p in posts] == [message_id], bot.text()
        assert _warned(bot, "fotd.unrecorded_post_found"), bot.text()
    else:
        # Nothing can tell; the bot says so instead of posting twice in silence.
        assert len(posts) == 2
        assert _warned(bot, "fotd.unchecked_post"), bot.text()


@pytest.fixture
async def two_shards() -> AsyncIterator[LocalDiscord]:
    async for server in checked_server(scenario=Scenario(shard_count=2), default_scenario=False):
        yield server


@pytest.mark.parametrize("history", [True, False], ids=["history", "no_history"])
async def test_a_shard_process_without_the_guild_checks_history_permission(
    two_shards, tmp_path, history
):
    """Killed after Discord took the post, restarted after the nonce window, by the shard
    process that does not hold the guild: one post with history; without it, a warning."""
    server = two_shards
    server.guild = guild = server.add_guild("guild on shard 1", shard=1)
    assert shard_of(guild.id, 2) == 1
    server.general = server.add_channel(guild, "general")
    server.member = server.add_member(guild, "user")
    news = server.add_channel(guild, "news")
    if not history:
        server.set_overwrite(news, server.world.bot_member(guild), deny=perm.READ_MESSAGE_HISTORY)
    run = Run(server, tmp_path)
    shard_zero = {"SHARD_COUNT": "2", "SHARD_IDS": "0"}
    day = await _schedule(run.db, guild.id, news.id, _noon_zone())

    bot = await BotProcess.start(
        server,
        db=run.db,
        log=tmp_path / "bot-1.log",
        env={
            **shard_zero,
            "BLUEBOOK_TEST_PAUSE_AT": "sent",
            "BLUEBOOK_TEST_PAUSE_FILE": str(tmp_path / "paused"),
        },
    )
    try:
        await bot.until((tmp_path / "paused").exists, "the pause after the send")
    finally:
        await bot.kill()
    assert len(_posts(server, news)) == 1
    _end_lease_minutes_ago(run.db, 3)
    _after_the_nonce_window(server)

    bot = await BotProcess.start(server, db=run.db, log=tmp_path / "bot-2.log", env=shard_zero)
    try:
        await _sent(bot, run.db, guild.id, day)
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    posts = _posts(server, news)
    if history:
        assert len(posts) == 1, bot.text()
    else:
        assert len(posts) == 2
        assert _warned(bot, "fotd.possible_duplicate"), bot.text()
