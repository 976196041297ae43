"""Every cog callback a user can reach runs on the one interaction path (bot/interactions/).

Slash commands and context menus pass through the tree's hooks (`PathTree`), so every one
does by construction; autocompletes and chat listeners are decorated, and buttons mix in
`PathButton` without replacing its callback."""

from __future__ import annotations

import asyncio
import inspect
import sys
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.app import COGS, BluebookBot, BotOptions
from bot.interactions.exchange import EXTRAS_KEY, Exchange
from bot.interactions.path import PRESS, PathButton, PathTree, is_on_path
from bot.served import LibraryInService, ServedLibrary
from bot.storage.usage import EventKind

# Listeners that answer no one and log no usage: they tidy up replies the bot made earlier.
TIDY_LISTENERS = {"on_raw_message_delete", "on_raw_reaction_add"}


@pytest.fixture
async def loaded_bot() -> AsyncIterator[BluebookBot]:
    bot = BluebookBot(
        library=LibraryInService(ServedLibrary.load(None)),
        db=None,
        usage=None,
        lookup_settings=None,
        fotd=None,
        options=BotOptions(),
    )
    # What login does before setup_hook: the ready event the fact-of-the-day loop waits on.
    await bot._async_setup_hook()
    for name in COGS:
        await bot.load_extension(name)
    try:
        yield bot
    finally:
        # Never connected, so there is no connection to close; unloading stops the cogs' tasks.
        for name in COGS:
            await bot.unload_extension(name)


def _app_commands(bot: BluebookBot) -> Iterator[app_commands.Command[Any, ..., Any]]:
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Command):
            yield command


def test_the_check_can_tell_a_plain_callback_from_a_wrapped_one() -> None:
    async def plain(interaction: discord.Interaction) -> None:
        return None

    assert not is_on_path(plain)


async def test_every_slash_command_and_autocomplete_is_on_the_path(loaded_bot) -> None:
    # The tree's own hooks admit, time and settle every command: no callback is wrapped.
    assert isinstance(loaded_bot.tree, PathTree)
    assert "dispatch" in vars(type(loaded_bot))  # its app_command_completion closes each exchange
    commands = list(_app_commands(loaded_bot))
    assert len(commands) >= 15  # search, section, toc, ..., the settings groups
    autocompletes = [
        (c.qualified_name, p.name, p.autocomplete)
        for c in commands
        for p in c._params.values()
        if p.autocomplete is not None
    ]
    assert len(autocompletes) >= 2  # /section ref, /factoftheday set timezone
    assert [(c, p) for c, p, cb in autocompletes if not is_on_path(cb)] == []


async def test_every_context_menu_is_on_the_path(loaded_bot) -> None:
    menus = [
        c
        for kind in (discord.AppCommandType.message, discord.AppCommandType.user)
        for c in loaded_bot.tree.get_commands(type=kind)
    ]
    assert [m.name for m in menus] == ["Find in Bluebook"]
    assert all(loaded_bot.tree.get_command(m.name, type=m.type) is m for m in menus)


async def test_every_button_is_a_dynamic_item_on_the_path(loaded_bot) -> None:
    items = [
        value
        for name in COGS
        for value in vars(sys.modules[name]).values()
        if isinstance(value, type)
        and issubclass(value, discord.ui.DynamicItem)
        and value.__module__ == name
    ]
    assert {cls.__name__ for cls in items} == {"SearchButton", "SectionButton", "CompareButton"}
    for cls in items:
        assert issubclass(cls, PathButton), cls.__name__
        # Admission and ownership in the item's interaction_check, the rest in its callback:
        # both the path's, never replaced.
        assert cls.callback is PathButton.callback, cls.__name__
        assert cls.interaction_check is PathButton.interaction_check, cls.__name__
    registered = set(loaded_bot._connection._view_store._dynamic_items.values())
    assert registered == set(items)


async def test_every_chat_listener_is_on_the_path(loaded_bot) -> None:
    listeners = [
        (name, func) for cog in loaded_bot.cogs.values() for name, func in cog.get_listeners()
    ]
    assert {"on_message", "on_raw_message_edit"} <= {name for name, _ in listeners}
    for name, func in listeners:
        if name in TIDY_LISTENERS:
            continue
        assert is_on_path(func), f"{name} answers users but is not on the interaction path"


async def test_wrapped_callbacks_keep_their_signature_for_discord(loaded_bot) -> None:
    search = loaded_bot.tree.get_command("search")
    assert isinstance(search, app_commands.Command)
    assert [p.name for p in search.parameters] == ["query", "limit", "private", "edition"]
    assert search.description.startswith("Search the Bluebook")
    query = next(p for p in search.parameters if p.name == "query")
    assert (query.min_value, query.max_value) == (1, 200)
    assert inspect.iscoroutinefunction(search.callback)


async def test_only_a_button_press_reaches_the_press_listeners(loaded_bot) -> None:
    seen: list[discord.InteractionType] = []

    async def on_press(interaction: Any) -> None:
        seen.append(interaction.type)

    loaded_bot.add_listener(on_press, f"on_{PRESS}")
    kinds = list(discord.InteractionType)
    for kind in kinds:
        loaded_bot.dispatch("interaction", SimpleNamespace(type=kind, data={}, message=None))
    for _ in range(3):
        await asyncio.sleep(0)
    assert discord.InteractionType.component in kinds
    assert seen == [discord.InteractionType.component]


async def test_a_command_s_end_closes_its_exchange_at_once(loaded_bot) -> None:
    logged: list[Any] = []
    usage: Any = SimpleNamespace(log=logged.append)
    exchange = Exchange(
        usage, kind=EventKind.SLASH, command="search", guild_id=1, channel_id=2, user_id=3
    )
    interaction = SimpleNamespace(id=7, extras={EXTRAS_KEY: exchange}, client=loaded_bot)
    loaded_bot.in_flight.add(7)
    loaded_bot.dispatch("app_command_completion", interaction, None)
    # No await between: closed by the dispatch itself, not by a task it scheduled.
    assert interaction.extras == {}
    assert 7 not in loaded_bot.in_flight
    assert [(e.command, e.outcome) for e in logged] == [("search", "ok")]


async def test_a_message_a_bot_wrote_reaches_no_listener(loaded_bot) -> None:
    seen: list[str] = []

    async def on_message(message: Any) -> None:
        seen.append(message.content)

    loaded_bot.add_listener(on_message, "on_message")
    for content, bot in (("hello", False), ("our reply's echo", True)):
        author = SimpleNamespace(bot=bot, id=1)
        message = SimpleNamespace(author=author, content=content, webhook_id=None, guild=None)
        loaded_bot.dispatch("message", message)
    for _ in range(3):
        await asyncio.sleep(0)
    assert seen == ["hello"]
