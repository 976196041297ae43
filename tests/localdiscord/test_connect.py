"""Connecting a real discord.py client: login, READY, command sync, failures."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from localdiscord import LocalDiscord, connected
from localdiscord.harness import discord_urls


async def test_bot_connects_and_sees_the_local_guild(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        guild = bot.get_guild(server.guild.id)
        assert guild is not None
        assert guild.name == "Local Guild"
        assert guild.me is not None
        assert [c.name for c in guild.text_channels] == ["general"]
        assert bot.user is not None and bot.user.id == server.bot_user.id
    assert [e.kind for e in server.gateway_log][:1] == ["identify"]
    routes = [(r.method, r.route) for r in server.requests]
    assert ("GET", "/users/@me") in routes
    assert ("GET", "/oauth2/applications/@me") in routes


async def test_urls_are_restored_after_the_test(server: LocalDiscord, make_bot: Any) -> None:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    with discord_urls(server):
        assert server.api_url == discord.http.Route.BASE
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


async def test_json_responses_have_the_exact_content_type(
    server: LocalDiscord, make_bot: Any
) -> None:
    headers = {"Authorization": f"Bot {server.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.api_url + "/users/@me", headers=headers) as response,
    ):
        assert response.headers["Content-Type"] == "application/json"
        assert (await response.json())["id"] == str(server.bot_user.id)


async def test_command_sync_is_stored_and_returned_with_ids(
    server: LocalDiscord, make_bot: Any
) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        synced = await bot.tree.fetch_commands(guild=discord.Object(server.guild.id))
    names = {c["name"] for c in server.commands(server.guild)}
    assert {"ping", "slow", "search", "fact", "Quote message"} <= names
    assert all(c["id"] for c in server.commands(server.guild))
    assert {c.name for c in synced} == names
    put = [r for r in server.requests if r.method == "PUT"]
    assert put[0].route == "/applications/{application_id}/guilds/{guild_id}/commands"


async def test_bad_token_raises_login_failure(server: LocalDiscord, make_bot: Any) -> None:
    with pytest.raises(discord.LoginFailure):
        async with connected(make_bot, server, token="wrong-token"):
            pass
    assert server.requests[0].status == 401


async def test_disallowed_message_content_intent_closes_4014(make_bot: Any) -> None:
    async with LocalDiscord(message_content_allowed=False) as server:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with connected(make_bot, server):
                pass
        assert [e.code for e in server.gateway_log if e.kind == "rejected"] == [4014]


async def test_application_flags_follow_the_scenario(make_bot: Any) -> None:
    async with (
        LocalDiscord(message_content_allowed=False) as server,
        connected(lambda: make_bot(message_content=False), server) as bot,
    ):
        info = await bot.application_info()
        assert not info.flags.gateway_message_content
    async with LocalDiscord() as server, connected(make_bot, server) as bot:
        info = await bot.application_info()
        assert info.flags.gateway_message_content
