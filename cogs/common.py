"""Glue shared by the cogs: the bot of an interaction, the server's edition, edition
choices, and keeping a long query for its buttons.

Sending is bot/interactions/sending.py (`respond`)."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, cast

import discord

from bot.replies.custom_ids import query_token

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.services import Edition

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction) -> BluebookBot:
    return cast("BluebookBot", interaction.client)


async def edition_of(interaction: discord.Interaction, pack_key: str) -> Edition | None:
    """The edition a button's pack key names; an id without one (made before the library)
    reads the server's edition. None when the library no longer holds that pack."""
    key = pack_key or await server_edition(interaction)
    return bot_of(interaction).content.current.editions.get(key)


async def keep_long_query(bot: BluebookBot, query: str, *, pack: str, owner: int) -> None:
    """Store a query too long for a button id under its token, before the buttons go out."""
    token = query_token(query, pack=pack, owner=owner)
    if token is None or bot.button_queries is None:
        return
    try:
        await bot.button_queries.remember(token, query, pack=pack, owner=owner)
    except (sqlite3.Error, OSError) as exc:
        # The answer still goes out; only its buttons will say they have expired.
        log.warning("long query not stored", extra={"error": type(exc).__name__})


async def server_edition(interaction: discord.Interaction) -> str:
    """The pack key of the server's edition (/settings edition), else the newest."""
    return await edition_for_guild(bot_of(interaction), interaction.guild_id)


async def edition_for_guild(bot: BluebookBot, guild_id: int | None) -> str:
    """The pack key of the server's edition; the newest when storage cannot say (a reading
    command keeps working while the database is unavailable)."""
    content = bot.content.current
    if bot.editions is None or guild_id is None:
        return content.default_key
    try:
        year = await bot.editions.get(guild_id)
    except sqlite3.Error as exc:
        log.warning("server edition unreadable", extra={"error": type(exc).__name__})
        return content.default_key
    return content.key_for_year(year) or content.default_key


def edition_choices(bot: BluebookBot, current: str) -> list[discord.app_commands.Choice[int]]:
    """Autocomplete for an `edition` option: the years held, newest first."""
    content = bot.content.current
    years = content.library.editions()
    typed = current.strip()
    return [
        discord.app_commands.Choice(name=content.edition(content.key_for_year(y)).label, value=y)
        for y in years
        if not typed or typed in str(y)
    ][:25]
