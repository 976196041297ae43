"""`bluebook-bot health` with two shard processes: healthy while both beat, unhealthy once
one is SIGKILLed, although the other keeps beating."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localdiscord import LocalDiscord, Scenario
from localdiscord.pytest_support import checked_server
from tests.ops.conftest import ROOT, clean_env
from tests.process.harness import SAFETY_S, BotProcess, query

MAX_AGE_S = "3"


@pytest.fixture
async def two_shards() -> AsyncIterator[LocalDiscord]:
    async for server in checked_server(scenario=Scenario(shard_count=2), default_scenario=False):
        yield server


async def _health(db: Path, max_age: str = MAX_AGE_S) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        "--db",
        str(db),
        "--max-age",
        max_age,
        cwd=ROOT,
        env=clean_env(PYTHONPATH=str(ROOT)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


async def _start_both(server: LocalDiscord, db: Path, logs: Path, bots: list[BotProcess]) -> None:
    """A guild on each of two shards, a bot process for each (appended to `bots` as it
    starts, so the caller can kill them), ready and beating."""
    for shard in (0, 1):
        guild = server.add_guild(f"guild on shard {shard}", shard=shard)
        server.add_channel(guild, "general")
        if shard == 0:
            server.guild = guild
    for shard in (0, 1):
        env = {"SHARD_COUNT": "2", "SHARD_IDS": str(shard), "CHILD_HEARTBEAT_S": "0.3"}
        bots.append(await BotProcess.start(server, db=db, log=logs / f"bot-{shard}.log", env=env))
    for bot in bots:
        await bot.ready()
    await bots[0].until(
        lambda: {r[0] for r in query(db, "SELECT process FROM process_heartbeats")} == {"0", "1"},
        "a heartbeat row per process",
    )


async def test_health_fails_when_one_of_two_shard_processes_is_killed(two_shards, tmp_path):
    db = tmp_path / "data" / "bluebook.db"
    bots: list[BotProcess] = []
    try:
        await _start_both(two_shards, db, tmp_path, bots)
        code, text = await _health(db)
        assert code == 0, text
        # Shard processes share the database legitimately: neither is warned about the other.
        warned = [e for bot in bots for e in bot.events() if "same shards" in e["event"]]
        assert warned == [], warned

        await bots[1].kill()
        loop = asyncio.get_running_loop()
        end = loop.time() + SAFETY_S
        while (result := await _health(db))[0] == 0:
            assert bots[0].proc.returncode is None, bots[0].text()
            assert loop.time() < end, "health stayed healthy with shard 1's process killed"
            await asyncio.sleep(0.5)
        code, text = result
        assert code == 1 and "shard(s) 1 " in text, text
        assert await bots[0].stop() == 0, bots[0].text()
    finally:
        for bot in bots:
            await bot.kill()


async def test_health_fails_at_once_when_a_process_stops_cleanly(two_shards, tmp_path):
    """A process stopped by SIGTERM removes its heartbeat: health fails although the row would
    still be fresh by age (a long --max-age here), first for its shard, then for all."""
    db = tmp_path / "data" / "bluebook.db"
    bots: list[BotProcess] = []
    try:
        await _start_both(two_shards, db, tmp_path, bots)
        assert (await _health(db, "600"))[0] == 0
        assert await bots[1].stop() == 0, bots[1].text()
        code, text = await _health(db, "600")
        assert code == 1 and "shard(s) 1 " in text, text
        assert await bots[0].stop() == 0, bots[0].text()
        code, text = await _health(db, "600")
        assert code == 1 and "stale or missing" in text, text
    finally:
        for bot in bots:
            await bot.kill()
