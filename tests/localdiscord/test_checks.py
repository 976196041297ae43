"""Limits, OpenAPI validation and permissions."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from localdiscord import LocalDiscord, connected
from localdiscord import permissions as perm
from localdiscord.limits import (
    check_callback,
    check_commands,
    check_message,
    lacks_allowed_mentions,
)
from localdiscord.openapi import load_spec


def test_embed_limits_name_the_field() -> None:
    problems = check_message(
        {"embeds": [{"title": "t" * 300, "fields": [{"name": "n", "value": "v" * 1025}]}]}
    )
    assert "embeds[0].title is 300 characters; the limit is 256" in problems
    assert "embeds[0].fields[0].value is 1025 characters; the limit is 1024" in problems


def test_embed_total_and_count_limits() -> None:
    embeds = [{"description": "d" * 4000} for _ in range(11)]
    problems = check_message({"embeds": embeds})
    assert "embeds is 11 embeds; the limit is 10" in problems
    assert any(p.startswith("embeds together are 44000 characters") for p in problems)


def test_component_limits() -> None:
    row = {"type": 1, "components": [{"type": 2, "custom_id": "c" * 101, "label": "l"}] * 6}
    problems = check_message({"components": [row] * 6})
    assert "components is 6 action rows; the limit is 5" in problems
    assert "components[0].components is 6 items; the limit is 5" in problems
    assert "components[0].components[0].custom_id is 101 characters; the limit is 100" in problems


def test_autocomplete_choice_limits() -> None:
    choices = [{"name": "", "value": "x"}] + [{"name": "ok", "value": "x"}] * 25
    problems = check_callback({"type": 8, "data": {"choices": choices}})
    assert "data.choices is 26 choices; the limit is 25" in problems
    assert "data.choices[0].name is 0 characters; it must be 1-100" in problems


def test_missing_allowed_mentions_is_noticed_not_failed() -> None:
    route = "/channels/{channel_id}/messages"
    assert lacks_allowed_mentions("POST", route, {"content": "hi"})
    assert not lacks_allowed_mentions("POST", route, {"content": "hi", "allowed_mentions": {}})
    callback = "/interactions/{interaction_id}/{token}/callback"
    assert lacks_allowed_mentions("POST", callback, {"type": 4, "data": {"content": "x"}})
    assert not lacks_allowed_mentions("POST", callback, {"type": 5})


def test_command_name_rules() -> None:
    good = [
        {"name": "search", "description": "Find", "options": []},
        {"name": "Quote message", "type": 3, "description": ""},
    ]
    assert check_commands(good) == []
    bad = [
        {"name": "Search", "description": ""},
        {"name": "ok", "description": "d", "options": [{"name": "x y", "description": "d"}]},
    ]
    problems = check_commands(bad)
    assert any(p.startswith("[0].name 'Search' must be lowercase") for p in problems)
    assert "[0].description is 0 characters; it must be 1-100" in problems
    assert any(p.startswith("[1].options[0].name 'x y'") for p in problems)


async def test_overlong_message_is_a_violation(make_bot: Any) -> None:
    async with LocalDiscord() as server, connected(make_bot, server):
        server.send_message(server.general, server.member, "!long")
        await server.wait_for_request(lambda r: r.status == 400)
        assert server.violations == [
            f"POST /channels/{server.general.id}/messages: "
            "content is 2001 characters; the limit is 2000"
        ]
        with pytest.raises(AssertionError, match="content is 2001"):
            server.assert_no_violations()


@pytest.mark.skipif(load_spec() is None, reason="the Discord OpenAPI spec is not present")
async def test_openapi_validation_flags_a_wrong_body() -> None:
    async with LocalDiscord() as server:
        headers = {"Authorization": f"Bot {server.token}"}
        url = f"{server.api_url}/channels/{server.general.id}/messages"
        body = {"content": "ok", "tts": "yes"}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=body, headers=headers) as response,
        ):
            assert response.status == 200
    assert len(server.violations) == 1
    assert "body.tts does not match the OpenAPI spec" in server.violations[0]


def test_permission_algorithm_applies_overwrites_in_order() -> None:
    guild_id, role_id, user_id = 1, 2, 3
    overwrites = {
        guild_id: perm.Overwrite(guild_id, 0, deny=perm.SEND_MESSAGES),
        role_id: perm.Overwrite(role_id, 0, allow=perm.SEND_MESSAGES),
        user_id: perm.Overwrite(user_id, 1, deny=perm.ATTACH_FILES),
    }
    base = perm.base_permissions(
        user_id=user_id, owner_id=99, everyone=perm.EVERYONE_DEFAULT, role_permissions=[0]
    )
    result = perm.channel_permissions(
        base, guild_id=guild_id, user_id=user_id, role_ids=[role_id], overwrites=overwrites
    )
    assert result & perm.SEND_MESSAGES
    assert not result & perm.ATTACH_FILES
    hidden = {guild_id: perm.Overwrite(guild_id, 0, deny=perm.VIEW_CHANNEL)}
    assert (
        perm.channel_permissions(
            base, guild_id=guild_id, user_id=user_id, role_ids=[], overwrites=hidden
        )
        == 0
    )
    admin = perm.base_permissions(
        user_id=user_id, owner_id=99, everyone=0, role_permissions=[perm.ADMINISTRATOR]
    )
    assert (
        perm.channel_permissions(
            admin, guild_id=guild_id, user_id=user_id, role_ids=[], overwrites=hidden
        )
        == perm.ALL_PERMISSIONS
    )


async def test_sends_are_permission_checked(server: LocalDiscord, make_bot: Any) -> None:
    locked = server.add_channel(server.guild, "locked")
    server.set_overwrite(locked, server.guild.everyone, deny=perm.SEND_MESSAGES)
    gone = server.add_channel(server.guild, "gone")
    async with connected(make_bot, server) as bot:
        channel = bot.get_channel(locked.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as forbidden:
            await channel.send("hi")
        assert forbidden.value.code == 50013
        server.set_overwrite(locked, server.bot_user, allow=perm.SEND_MESSAGES)
        await channel.send("now allowed", file=discord.File(__file__))
        server.set_overwrite(
            locked, server.bot_user, allow=perm.SEND_MESSAGES, deny=perm.ATTACH_FILES
        )
        with pytest.raises(discord.Forbidden):
            await channel.send(file=discord.File(__file__))
        gone_channel = bot.get_channel(gone.id)
        assert isinstance(gone_channel, discord.TextChannel)
        server.delete_channel(gone)
        with pytest.raises(discord.NotFound) as not_found:
            await gone_channel.send("hello?")
        assert not_found.value.code == 10003
        with pytest.raises(discord.NotFound) as unknown_message:
            await channel.fetch_message(12345)
        assert unknown_message.value.code == 10008
