"""Gateway drops, RECONNECT, INVALID_SESSION, and REST 429/5xx/slow/hang."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from localdiscord import BotStopped, LocalDiscord, connected


async def _ping_works(server: LocalDiscord) -> None:
    handle = await server.slash("ping")
    assert (await handle.final_message())["content"] == "pong"


@pytest.mark.parametrize("code", [None, 4000])
async def test_dropped_socket_is_resumed(
    server: LocalDiscord, make_bot: Any, code: int | None
) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        session = server.gateway_log[0].session_id
        server.drop_connection(code=code)
        # Sent while the bot is away: must be replayed on RESUME.
        server.send_message(server.general, server.member, "hello bot")
        resumed = await server.wait_for_gateway("resume")
        await asyncio.wait_for(bot.resumed.wait(), 5)
        replies = await server.bot_messages()
        await _ping_works(server)
    assert resumed.session_id == session
    assert [m["content"] for m in replies] == ["hello human"]
    assert [e.kind for e in server.gateway_log].count("identify") == 1


async def test_op7_reconnect_resumes(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        server.send_reconnect()
        await server.wait_for_gateway("resume")
        await _ping_works(server)


async def test_invalid_session_resumable_resumes(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        server.invalidate_session(resumable=True)
        await server.wait_for_gateway("resume")
        await _ping_works(server)


async def test_invalid_session_not_resumable_reidentifies(
    server: LocalDiscord, make_bot: Any
) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        first = server.gateway_log[0].session_id
        server.invalidate_session(resumable=False)
        again = await server.wait_for_gateway("identify")
        await asyncio.wait_for(bot.wait_for("ready"), 5)
        await _ping_works(server)
    assert again.session_id != first


@pytest.mark.parametrize("is_global", [False, True])
async def test_rate_limited_request_is_retried(
    server: LocalDiscord, make_bot: Any, is_global: bool
) -> None:
    async with connected(make_bot, server) as bot:
        channel = bot.get_channel(server.general.id)
        assert isinstance(channel, discord.TextChannel)
        server.rate_limit(
            "POST /channels/*/messages", count=2, retry_after=0.01, is_global=is_global
        )
        await channel.send("after the limit")
    posts = [r.status for r in server.requests if r.route == "/channels/{channel_id}/messages"]
    assert posts == [429, 429, 200]


async def test_server_error_is_retried(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        channel = bot.get_channel(server.general.id)
        assert isinstance(channel, discord.TextChannel)
        server.server_error("/channels/*/messages", status=502)
        await channel.send("after the error")
    posts = [r.status for r in server.requests if r.route == "/channels/{channel_id}/messages"]
    assert posts == [502, 200]


async def test_slow_and_hanging_responses(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        channel = bot.get_channel(server.general.id)
        assert isinstance(channel, discord.TextChannel)
        server.slow_responses("POST /channels/*/messages", 0.05, count=1)
        await channel.send("slowly")
        server.hang_responses("POST /channels/*/messages")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(channel.send("never answered"), 0.3)
        server.clear_faults()
        await channel.send("answered again")
    contents = [m["content"] for m in server.general.messages.values()]
    assert contents == ["slowly", "answered again"]


async def test_bot_crash_fails_waits_and_surfaces(server: LocalDiscord, make_bot: Any) -> None:
    with pytest.raises(discord.ConnectionClosed):
        async with connected(make_bot, server):
            server.drop_connection(code=4004)  # authentication failed: discord.py gives up
            with pytest.raises(BotStopped):
                await server.wait_for_request(lambda r: False, timeout=5)


async def test_a_bot_started_again_on_the_same_server_is_not_taken_for_stopped(
    server: LocalDiscord, make_bot: Any
) -> None:
    """A restart: the first client's finished task must not fail the second one's waits."""
    for text in ("first run", "second run"):
        async with connected(make_bot, server) as bot:
            channel = bot.get_channel(server.general.id)
            assert isinstance(channel, discord.TextChannel)
            # A wait on the server, which fails fast if a watched client has stopped.
            waiter = asyncio.ensure_future(
                server.wait_for_request(lambda r: r.method == "POST", timeout=5)
            )
            await asyncio.sleep(0)
            await channel.send(text)
            await waiter
    contents = [m["content"] for m in server.general.messages.values()]
    assert contents == ["first run", "second run"]
