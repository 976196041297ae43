"""Fact of the day survives SIGKILL of the real bot process at every step: exactly one post.

Each case starts the bot as its own process, holds it at one step of the exactly-once
protocol (a test-only pause point, bot/fotd/crashpoint.py), SIGKILLs it there, restarts it
and counts the posts in the channel of the local Discord, which lives in this process.

The claim lease (one minute) would make a restart wait; instead of sleeping, the test
ends the lease in the database, as if it had just run out. The nonce window is real time.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.fotd.store import FotdStore
from bot.storage.db import open_database
from localdiscord import LocalDiscord
from localdiscord import permissions as perm
from tests.process.harness import BotProcess, query

MARKER = "Fact of the day · "


def _noon_zone() -> str:
    """A fixed-offset zone where it is about noon now, so no run crosses a local midnight."""
    offset = 12 - datetime.now(UTC).hour
    if offset == 0:
        return "Etc/UTC"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def _schedule(db: Path, guild_id: int, channel_id: int, zone: str) -> str:
    """A schedule due now (00:00 local, set up yesterday); returns today's local date."""
    now = datetime.now(UTC)
    database = await open_database(db)
    try:
        await FotdStore(database).upsert_config(
            guild_id=guild_id,
            channel_id=channel_id,
            local_time=datetime.min.time(),
            timezone=zone,
            now=now - timedelta(days=1),
        )
    finally:
        await database.close()
    return now.astimezone(ZoneInfo(zone)).date().isoformat()


def _end_lease(db: Path) -> None:
    """The lease of a dead claim runs out (now, so the attempt is a minute old, not more)."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        conn.execute(
            "UPDATE fotd_posts SET lease_until = ? WHERE state = 'claimed'", (time.time() - 0.01,)
        )
        conn.commit()
    finally:
        conn.close()


def _posts(server: LocalDiscord, channel) -> list[dict]:
    bot_id = str(server.bot_user.id)
    return [
        m
        for m in channel.messages.values()
        if m["author"]["id"] == bot_id
        and m["embeds"]
        and m["embeds"][0].get("footer", {}).get("text", "").startswith(MARKER)
    ]


class Run:
    def __init__(self, server: LocalDiscord, tmp_path: Path) -> None:
        self.server, self.tmp = server, tmp_path
        self.db = tmp_path / "data" / "bluebook.db"
        self.runs = 0

    async def start(self, pause: str | None = None) -> BotProcess:
        self.runs += 1
        env = {}
        if pause is not None:
            env = {
                "BLUEBOOK_TEST_PAUSE_AT": pause,
                "BLUEBOOK_TEST_PAUSE_FILE": str(self.tmp / f"paused-{self.runs}"),
            }
        return await BotProcess.start(
            self.server, db=self.db, log=self.tmp / f"bot-{self.runs}.log", env=env
        )

    async def kill_at(self, pause: str) -> None:
        bot = await self.start(pause)
        marker = self.tmp / f"paused-{self.runs}"
        try:
            await bot.until(marker.exists, f"the pause at {pause}")
        finally:
            await bot.kill()
        _end_lease(self.db)


POINTS = ["claim_open", "claimed", "sent", "record_open", "recovery"]
VARIANTS = ["history", "no_history", "60_after"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("point", POINTS)
async def test_sigkill_at_each_step_leaves_exactly_one_post(
    local_discord, tmp_path, point, variant
):
    server = local_discord
    news = server.add_channel(server.guild, "news")
    if variant == "no_history":
        bot_member = server.world.bot_member(server.guild)
        server.set_overwrite(news, bot_member, deny=perm.READ_MESSAGE_HISTORY)
    run = Run(server, tmp_path)
    day = await _schedule(run.db, server.guild.id, news.id, _noon_zone())

    if point == "recovery":
        # Killed after Discord took the post, then killed again while recovering it.
        await run.kill_at("sent")
        assert len(_posts(server, news)) == 1
        await run.kill_at("recovery")
    else:
        await run.kill_at(point)
    delivered = len(_posts(server, news))
    assert delivered == (0 if point in ("claim_open", "claimed") else 1)
    if variant == "60_after":
        for n in range(60):
            server.send_message(news, server.member, f"chat line {n}")

    bot = await run.start()
    try:
        sent = "SELECT state, message_id FROM fotd_posts WHERE guild_id = ? AND local_date = ?"
        await bot.until(
            lambda: [r[0] for r in query(run.db, sent, (server.guild.id, day))] == ["sent"],
            "the day recorded as sent",
        )
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    posts = _posts(server, news)
    [(_, message_id)] = query(run.db, sent, (server.guild.id, day))
    assert [int(p["id"]) for p in posts] == [message_id], bot.text()
    assert posts[0]["embeds"][0]["footer"]["text"].startswith(f"{MARKER}{day} · ")
    # A restart within the nonce window is not a possible duplicate: nothing to warn about.
    assert not [e for e in bot.events() if "possible_duplicate" in e["event"]]
