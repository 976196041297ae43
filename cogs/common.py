"""Glue shared by the cogs: the bot of an interaction, the pack a button names, edition
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
    from bot.served import ServedPack

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction) -> BluebookBot:
    return cast("BluebookBot", interaction.client)


async def pack_named(interaction: discord.Interaction, pack_key: str) -> ServedPack | None:
    """The pack a button's pack key names; an id without one (made before the library)
    reads the server's pack. None when the library no longer holds that pack."""
    library = bot_of(interaction).library
    if not pack_key:
        return await library.for_guild(interaction.guild_id)
    return library.current.packs.get(pack_key)


async def keep_long_query(
    bot: BluebookBot, query: str, *, pack_key: str, owner: int, guild: int | None
) -> str | None:
    """Store a query too long for a button id under its keyed token, before the buttons go
    out; returns the token for the buttons (None when the query fits in the id)."""
    if bot.button_queries is None:
        # No storage, no key: the buttons will say they have expired, whatever the token.
        return query_token(query, pack_key=pack_key, owner=owner, guild=guild, key=b"")
    token = bot.button_queries.token_for(query, pack_key=pack_key, owner=owner, guild=guild)
    if token is None:
        return None
    try:
        await bot.button_queries.remember(token, query, pack_key=pack_key, owner=owner)
    except (sqlite3.Error, OSError) as exc:
        # The answer still goes out; only its buttons will say they have expired.
        log.warning("long query not stored", extra={"error": type(exc).__name__})
    return token


def edition_choices(bot: BluebookBot, current: str) -> list[discord.app_commands.Choice[int]]:
    """Autocomplete for an `edition` option: the years held, newest first."""
    library = bot.library.current
    typed = current.strip()
    return [
        discord.app_commands.Choice(name=library.pack(library.key_for_year(y)).label, value=y)
        for y in library.years()
        if not typed or typed in str(y)
    ][:25]
