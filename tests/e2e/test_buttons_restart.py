"""Buttons made before a restart work after it: the bot process is killed and started again.

The bot runs in its own process (the benchmark's child, bench/e2e_bench.py), connected to
the local Discord in this one. It is killed with SIGKILL right after answering, so nothing
is flushed or closed on the way out; a new process on the same database then serves the
presses of buttons the first one made, a 200-character query's buttons among them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bench.e2e_bench import BotProcess
from localdiscord import LocalDiscord

EPHEMERAL = 64
LONG_QUERY = ("security environment " * 10)[:199] + "s"


def _buttons(message: dict) -> dict[str, str]:
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components", [])
        for c in row["components"]
        if c.get("custom_id")
    }


async def _started(server: LocalDiscord, workdir: Path, db: Path) -> BotProcess:
    child = await BotProcess.spawn(server, workdir, kind="bluebook", db=db)
    try:
        await child.wait_ready()
    except BaseException:
        await child.kill()
        raise
    return child


async def test_buttons_made_before_a_restart_work_after_it(local_discord, tmp_path):
    server = local_discord
    db = tmp_path / "bluebook.db"
    assert len(LONG_QUERY) == 200

    first = await _started(server, tmp_path, db)
    try:
        long_answer = await (
            await server.slash("search", {"query": LONG_QUERY, "limit": 3})
        ).final_message()
        short_answer = await (
            await server.slash("search", {"query": "security", "limit": 3})
        ).final_message()
        section = await (await server.slash("section", {"ref": "3.1.1(3)"})).final_message()
    finally:
        await first.kill()  # SIGKILL: no shutdown, no flush
    assert first.proc.returncode == -9

    long_next = _buttons(long_answer)["Next ▶"]
    assert ":~" in long_next and LONG_QUERY not in long_next  # the id carries a token
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT query, pack FROM button_queries").fetchall()
    finally:
        conn.close()
    assert stored == [(LONG_QUERY, "2025-3")]  # the shipped pack's key

    second = await _started(server, tmp_path, db)
    try:
        moved = await (await server.press_button(long_answer, long_next)).final_message()
        assert not moved.get("flags", 0) & EPHEMERAL, moved
        assert "result 2 of 3" in moved["embeds"][0]["footer"]["text"]
        # Its own buttons still stand for the same query: back to the first result.
        back = _buttons(moved)["◀ Previous"]
        again = await (await server.press_button(moved, back)).final_message()
        assert again["embeds"][0]["description"] == long_answer["embeds"][0]["description"]

        short_next = _buttons(short_answer)["Next ▶"]
        paged = await (await server.press_button(short_answer, short_next)).final_message()
        assert "result 2 of 3" in paged["embeds"][0]["footer"]["text"]

        previous = _buttons(section)["⏮ Previous section"]
        opened = await (await server.press_button(section, previous)).final_message()
        assert opened["embeds"][0]["title"].startswith("(2) Enforcement")

        # Someone else's press is still refused, privately.
        refused = await (
            await server.press_button(long_answer, long_next, user=server.admin)
        ).final_message()
        assert refused.get("flags", 0) & EPHEMERAL
        assert "belong to the person who asked" in refused["content"]
        usage = await second.request("usage")
    finally:
        await second.quit()
    # The presses after the restart were logged as button events.
    assert usage["db_by_kind"].get("button", 0) >= 4, json.dumps(usage)
