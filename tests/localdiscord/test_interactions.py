"""Slash commands, deferrals, autocomplete, buttons, context menus, files and chat."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from localdiscord import LocalDiscord, OptionError, UnknownCommand, connected


async def test_slash_command_is_answered(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("ping")
        callback = await handle.response()
        assert callback["type"] == 4
        assert (await handle.final_message())["content"] == "pong"
    assert any(m["content"] == "pong" for m in server.general.messages.values())


async def test_deferred_command_answer_is_followed(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("slow")
        assert (await handle.response())["type"] == 5
        final = await handle.final_message()
    assert final["content"] == "done thinking"
    assert not final["flags"] & (1 << 7)


async def test_options_are_typed_from_the_schema(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("search", {"query": "kiwi", "limit": "3", "loud": "yes"})
        final = await handle.final_message()
        options = handle.record.payload["data"]["options"]
    assert final["content"] == "kiwi|3|True"
    assert final["flags"] & (1 << 6)  # ephemeral
    assert [(o["name"], o["value"]) for o in options] == [
        ("query", "kiwi"),
        ("limit", 3),
        ("loud", True),
    ]


async def test_channel_option_is_resolved(server: LocalDiscord, make_bot: Any) -> None:
    annex = server.add_channel(server.guild, "annex")
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("where", {"place": "#annex"})
        assert (await handle.final_message())["content"] == "at annex"
    assert str(annex.id) in handle.record.payload["data"]["resolved"]["channels"]


async def test_bad_options_are_refused_before_dispatch(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        with pytest.raises(OptionError, match="This field is required"):
            await server.slash("search", {"limit": 2})
        with pytest.raises(OptionError, match=r'^limit: Value "many" is not int\.$'):
            await server.slash("search", {"query": "a", "limit": "many"})
        with pytest.raises(UnknownCommand, match="/ping"):
            await server.slash("nope")


async def test_subcommand_path(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("fact status")
        assert (await handle.final_message())["content"] == "fact status ok"
        assert handle.record.payload["data"]["options"][0]["type"] == 1
        with pytest.raises(OptionError, match="needs a subcommand"):
            await server.slash("fact")


async def test_autocomplete_returns_the_bots_choices(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        choices = await server.autocomplete("search", "query", "ap")
    assert [c["value"] for c in choices] == ["apple", "apricot"]


async def test_button_press_updates_the_message(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        first = await (await server.slash("buttons")).final_message()
        press = await server.press_button(first, "tap", user=server.admin)
        assert (await press.response())["type"] == 7
        updated = await press.final_message()
        with pytest.raises(LookupError, match="disabled"):
            await server.press_button(updated, "tap")
    assert updated["id"] == first["id"]
    assert updated["content"] == "tapped by admin"


async def test_context_menu_gets_the_target_message(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        said = server.send_message(server.general, server.member, "quote me")
        handle = await server.context_menu("Quote message", said)
        assert (await handle.final_message())["content"] == "> quote me"


async def test_file_upload_is_recorded_as_multipart(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        final = await (await server.slash("chart")).final_message()
    callback = next(r for r in server.requests if r.route.endswith("/callback"))
    assert [f.filename for f in callback.files] == ["chart.png"]
    assert callback.files[0].data.startswith(b"\x89PNG")
    assert final["attachments"][0]["filename"] == "chart.png"
    assert final["embeds"][0]["title"] == "Chart"


async def test_chat_message_is_answered(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server):
        server.send_message(server.general, server.member, "hello bot")
        replies = await server.bot_messages(server.general)
    assert [m["content"] for m in replies] == ["hello human"]
    assert server.requests_without_allowed_mentions() == []
    assert replies[0]["message_reference"]["channel_id"] == str(server.general.id)


async def test_content_is_stripped_without_the_intent(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(lambda: make_bot(message_content=False), server) as bot:
        server.send_message(server.general, server.member, "hello bot")
        server.send_message(server.general, server.member, f"<@{server.bot_user.id}> hi")
        await server.quiesce()
        seen = [m.content for m in bot.seen_messages]
    assert seen == ["", f"<@{server.bot_user.id}> hi"]


async def test_interaction_answer_twice_is_refused(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("ping")
        await handle.final_message()
        record = handle.record
        url = f"{server.api_url}/interactions/{record.id}/{record.token}/callback"
        body = {"type": 4, "data": {"content": "x"}}
        async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 40060


async def test_direct_messages(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        await bot.tree.sync()
        user = await bot.fetch_user(server.member.id)
        await user.send("hi in DM")
        dm = server.dm_channel(server.member)
        handle = await server.slash("ping", channel=dm, user=server.member)
        assert (await handle.final_message())["content"] == "pong"
    assert "user" in handle.record.payload and "member" not in handle.record.payload
    assert [m["content"] for m in dm.messages.values()] == ["hi in DM", "pong"]


async def test_history_reactions_edits_and_deletes(server: LocalDiscord, make_bot: Any) -> None:
    async with connected(make_bot, server) as bot:
        channel = bot.get_channel(server.general.id)
        assert isinstance(channel, discord.TextChannel)
        for i in range(3):
            await channel.send(f"m{i}")
        history = [m async for m in channel.history(limit=2)]
        assert [m.content for m in history] == ["m2", "m1"]
        await history[0].add_reaction("👍")
        edited = await history[0].edit(content="edited")
        await history[1].delete()
        await server.quiesce()
    assert edited.content == "edited"
    stored = list(server.general.messages.values())
    assert [m["content"] for m in stored] == ["m0", "edited"]
    assert stored[1]["reactions"][0]["emoji"]["name"] == "👍"


async def test_a_first_answer_after_the_deadline_is_refused(
    server: LocalDiscord, make_bot: Any
) -> None:
    # The deadline is Discord's 3 s; shortened here so the test does not wait for it.
    server.scenario.first_answer_deadline_s = 0.1
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        handle = await server.slash("late")
        refused = await server.wait_for_request(
            lambda r: r.path.endswith("/callback") and r.status == 404, timeout=10
        )
        assert refused.method == "POST"
        assert handle.record.callback is None  # the user saw "The application did not respond"
        server.scenario.first_answer_deadline_s = 10.0
        assert (await (await server.slash("late")).final_message(timeout=10))["content"] == "late"
