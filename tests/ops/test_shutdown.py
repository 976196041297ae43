"""`run_bot` in this process against the local Discord: SIGTERM with a command in flight.

This is the real `run` path (signal handlers, shutdown, services close) with a user we can
play, which the subprocess test cannot do. The test sends SIGTERM to its own process; the
handler `run_bot` installs on the event loop catches it, and closing the loop afterwards
restores the default handler.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BluebookBot
from bot.config import Settings
from bot.process import StartupError, options_from, run_bot
from bot.storage.usage import EventKind, UsageEvent
from localdiscord import LocalDiscord, discord_urls
from tests.waiting import until

EPHEMERAL = 64
SAFETY_S = 15.0


@pytest.fixture
async def server() -> AsyncIterator[LocalDiscord]:
    server = await LocalDiscord.start()
    try:
        yield server
    finally:
        await server.stop()
    server.assert_no_violations()


def _settings(db: Path) -> Settings:
    return Settings(bluebook_db=db)


def _options(server: LocalDiscord, settings: Settings):
    return options_from(
        settings,
        dev_guild=server.guild.id,
        skip_identify_delay=True,
        guild_ready_timeout=0.1,
        owner_ids={server.world.owner.id},
    )


def _sigterm_self() -> None:
    # Only with run_bot's handler installed: the default action would end the test run.
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
    signal.raise_signal(signal.SIGTERM)


async def test_sigterm_finishes_in_flight_turns_new_away_and_flushes(server, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    settings = _settings(tmp_path / "bluebook.db")
    ready = asyncio.Event()
    bots: list[BluebookBot] = []

    def on_ready(bot: BluebookBot) -> None:
        bots.append(bot)
        ready.set()

    with discord_urls(server):
        run = asyncio.create_task(
            run_bot(
                settings, token=server.token, options=_options(server, settings), on_ready=on_ready
            )
        )
        await asyncio.wait_for(ready.wait(), SAFETY_S)
        bot = bots[0]
        answered = await (await server.slash("search", {"query": "NSS"})).final_message()
        assert answered["embeds"]

        # Hold the next answer at Discord long enough for SIGTERM to arrive while it is in flight.
        server.slow_responses("POST /interactions/*/callback", 1.0, count=1)
        in_flight = await server.slash("search", {"query": "GCAP"})
        await until(lambda: bot.in_flight, "the command to be in flight")
        _sigterm_self()
        await until(lambda: not bot.accepting, "the bot to stop accepting commands")
        late = await server.slash("toc")
        refused = await late.final_message()
        assert refused.get("flags", 0) & EPHEMERAL
        assert "restarting" in refused["content"]

        assert await asyncio.wait_for(run, SAFETY_S) == 0

    message = in_flight.record.messages()
    assert len(message) == 1 and message[0]["embeds"], in_flight.record.callback
    assert "GCAP" in str(message[0]["embeds"][0])
    closed = [r for r in caplog.records if r.getMessage() == "services closed"]
    assert len(closed) == 1
    written, dropped = closed[0].__dict__["written"], closed[0].__dict__["dropped"]
    assert dropped == 0
    # Both searches were flushed before exit (the refused /toc is not a lookup).
    conn = sqlite3.connect(settings.bluebook_db)
    try:
        rows = conn.execute("SELECT command, query FROM usage_events ORDER BY id").fetchall()
    finally:
        conn.close()
    assert [r for r in rows if r[0] == "search"] == [("search", "nss"), ("search", "gcap")]
    assert written == len(rows)


async def test_unreachable_discord_is_one_clear_startup_error(tmp_path):
    # A port nothing listens on: bind one, then close it.
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    server = LocalDiscord()
    server.port = port
    with discord_urls(server), pytest.raises(StartupError, match="cannot reach Discord"):
        await run_bot(_settings(tmp_path / "b.db"), token="local-bot-token")
    assert not (tmp_path / "b.db").exists()  # nothing opened before the failure


async def test_discord_5xx_at_login_is_one_clear_startup_error(server, tmp_path):
    server.server_error("GET /users/@me", count=10, status=503)
    settings = _settings(tmp_path / "b.db")
    with discord_urls(server), pytest.raises(StartupError, match="503"):
        await run_bot(settings, token=server.token, options=_options(server, settings))


async def test_sigterm_flushes_events_still_queued(server, tmp_path, caplog):
    """Events still in the queue when SIGTERM arrives are written before the process exits."""
    caplog.set_level(logging.INFO)
    settings = _settings(tmp_path / "bluebook.db")
    bots: list[BluebookBot] = []
    with discord_urls(server):
        run = asyncio.create_task(
            run_bot(
                settings,
                token=server.token,
                options=_options(server, settings),
                on_ready=bots.append,
            )
        )
        await until(lambda: bots, "the bot to be ready")
        bot = bots[0]
        assert bot.usage is not None and bot.db is not None
        # Hold the database's write lock (white-box: the one the usage writer and the heartbeat
        # share) so the writer parks on its first batch and the rest stays queued.
        lock = bot.db._write_lock
        await lock.acquire()
        try:
            bot.usage.log(UsageEvent(kind=EventKind.SLASH, command="first"))
            await until(lambda: bot.usage is not None and bot.usage.pending == 0, "a batch")
            for name in ("second", "third"):
                bot.usage.log(UsageEvent(kind=EventKind.SLASH, command=name))
            _sigterm_self()
            await until(bot.is_closed, "the client to close")
            # Nothing written yet as the services start closing (queued, or in the batch the
            # writer is gathering).
            assert bot.usage.stats.written == 0
        finally:
            lock.release()
        assert await asyncio.wait_for(run, SAFETY_S) == 0

    conn = sqlite3.connect(settings.bluebook_db)
    try:
        rows = [r[0] for r in conn.execute("SELECT command FROM usage_events ORDER BY id")]
    finally:
        conn.close()
    assert rows == ["first", "second", "third"]
    closed = [r for r in caplog.records if r.getMessage() == "services closed"]
    assert [(r.__dict__["written"], r.__dict__["dropped"]) for r in closed] == [(3, 0)]


async def test_sigterm_waits_for_a_button_press_in_flight(server, tmp_path, caplog):
    """A button press is in flight like a command: shutdown waits for its answer."""
    caplog.set_level(logging.INFO)
    settings = _settings(tmp_path / "bluebook.db")
    bots: list[BluebookBot] = []
    with discord_urls(server):
        run = asyncio.create_task(
            run_bot(
                settings,
                token=server.token,
                options=_options(server, settings),
                on_ready=bots.append,
            )
        )
        await until(lambda: bots, "the bot to be ready")
        bot = bots[0]
        first = await (
            await server.slash("search", {"query": "security", "limit": 3})
        ).final_message()
        buttons = {c["label"]: c for row in first["components"] for c in row["components"]}

        # Hold the press's answer at Discord long enough for SIGTERM to arrive meanwhile.
        server.slow_responses("POST /interactions/*/callback", 1.0, count=1)
        press = await server.press_button(first, buttons["Next ▶"]["custom_id"])
        await until(lambda: press.id in bot.in_flight, "the button press to be in flight")
        _sigterm_self()
        await until(lambda: not bot.accepting, "the bot to stop accepting")
        assert press.id in bot.in_flight  # still answering: shutdown is waiting for it
        assert await asyncio.wait_for(run, SAFETY_S) == 0

    moved = press.record.messages()
    assert moved and "result 2 of 3" in moved[-1]["embeds"][0]["footer"]["text"]
    assert press.record.callback is not None and press.record.callback["type"] == 7
    conn = sqlite3.connect(settings.bluebook_db)
    try:
        rows = conn.execute(
            "SELECT kind, command, outcome FROM usage_events WHERE kind = 'button'"
        ).fetchall()
    finally:
        conn.close()
    assert rows == [("button", "search", "ok")]
