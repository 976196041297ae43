"""Each storage fault, in a real bot process: lookups keep working, commands that need the
database say so, and after the repair events are written again and the dropped count is
in the database.

Faults and how they are made to hold as root: tests/process/faults.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.process.faults import DROPPING, NAMES, Fault
from tests.process.harness import BotProcess, query

# The promise, used as the failure bound of the wait (not as a timing assertion).
RECOVERY_BOUND_S = 30.0


async def _search(server, text: str) -> dict:
    handle = await server.slash("search", {"query": text}, user=server.admin)
    return await handle.final_message()


def _events(db, like: str) -> int:
    return query(db, "SELECT COUNT(*) FROM usage_events WHERE query LIKE ?", (like,))[0][0]


def _drops(db) -> int:
    return query(db, "SELECT COALESCE(SUM(dropped), 0) FROM usage_drops")[0][0]


@pytest.mark.parametrize("name", NAMES)
async def test_storage_fault_is_survived_and_repaired(local_discord, tmp_path, name):
    server = local_discord
    db = tmp_path / "data" / "bluebook.db"
    bot = await BotProcess.start(server, db=db, log=tmp_path / "bot.log")
    try:
        await bot.ready()
        await _search(server, "before fault")
        await bot.until(lambda: _events(db, "before fault") == 1, "the first event written")

        fault = Fault(name, db, bot.proc.pid)
        fault.apply()
        # Lookups keep answering while the database is broken.
        n = 0
        while True:
            n += 1
            answer = await _search(server, f"during fault {n}")
            assert answer["embeds"], answer
            failed = any(e["event"].startswith("usage_log_write_failed") for e in bot.events())
            if failed or (name not in DROPPING and n >= 5):
                break
            assert n < 200, bot.text()
            await asyncio.sleep(0.05)
        if name in DROPPING:
            handle = await server.slash(
                "lookups set", {"mode": "explicit", "enabled": False}, user=server.admin
            )
            refused = await handle.final_message()
            assert "Storage is unavailable, try again shortly" in refused["content"], refused

        fault.repair()
        started = time.monotonic()
        probes = 0

        def back() -> bool:
            try:
                written = _events(db, "after repair%") > 0
                return written and (name not in DROPPING or _drops(db) > 0)
            except Exception:  # the file may still be missing or locked: not back yet
                return False

        while not back():
            probes += 1
            await _search(server, f"after repair {probes}")
            assert time.monotonic() - started < RECOVERY_BOUND_S, bot.text()
            await asyncio.sleep(0.25)
        print(f"\n{name}: events written again {time.monotonic() - started:.2f} s after repair")
        if name in DROPPING:
            handle = await server.slash(
                "lookups set", {"mode": "explicit", "enabled": False}, user=server.admin
            )
            assert "now **off**" in (await handle.final_message())["content"]
        assert await bot.stop() == 0, bot.text()
    finally:
        await bot.kill()
    closed = [e for e in bot.events() if e["event"] == "services closed"][-1]
    # Every drop the bot counted is in the database, and nothing was dropped uncounted.
    assert closed["dropped"] == _drops(db), bot.text()
    if name in DROPPING:
        assert closed["dropped"] > 0
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
