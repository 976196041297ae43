"""Glue shared by the cogs: Reply → what discord.py sends, and answering an interaction.

A reply's buttons go out as plain component payload (`ReplyView`); pressing one is handled
by the DynamicItems of cogs/buttons.py, which this module never imports (no import cycle).
"""

from __future__ import annotations

import io
import logging
import sqlite3
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app import deadline
from bot.replies.common import Button, Reply
from bot.replies.custom_ids import query_token

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.services import Edition

log = logging.getLogger(__name__)


NO_MENTIONS = discord.AllowedMentions.none()
# Discord's button styles.
_STYLES = {"primary": 1, "secondary": 2, "success": 3, "danger": 4, "link": 5}


def bot_of(interaction: discord.Interaction) -> BluebookBot:
    return cast("BluebookBot", interaction.client)


class ReplyView(discord.ui.View):
    """A message's buttons as Discord's component payload, built from the reply's plain data.

    Our buttons are dispatched by the DynamicItems of cogs/buttons.py, which parse the custom
    id when a button is pressed; the message that is sent needs only the payload. So no
    discord.py item objects are built for a send, and the view is finished from the start:
    discord.py keeps nothing of it in its view store (and starts no timeout for it)."""

    def __init__(self, components: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self._components = components

    def to_components(self) -> list[dict[str, Any]]:
        return self._components

    def is_finished(self) -> bool:
        return True


class ReplyEmbed(discord.Embed):
    """An embed sent as the dict the reply built: discord.py only calls `to_dict()` on it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def to_dict(self) -> Any:
        return self._data


def components_of(reply: Reply) -> list[dict[str, Any]]:
    """Discord's action rows for the reply's buttons."""
    return [{"type": 1, "components": [_button_payload(b) for b in row]} for row in reply.buttons]


def _button_payload(spec: Button) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": 2,
        "style": _STYLES["link" if spec.url else spec.style],
        "label": spec.label,
        "disabled": spec.disabled,
    }
    if spec.url:
        payload["url"] = spec.url
    else:
        payload["custom_id"] = spec.custom_id
    return payload


async def edition_of(interaction: discord.Interaction, pack_key: str) -> Edition | None:
    """The edition a button's pack key names; an id without one (made before the library)
    reads the server's edition. None when the library no longer holds that pack."""
    key = pack_key or await server_edition(interaction)
    return bot_of(interaction).content.current.editions.get(key)


async def keep_long_query(
    bot: BluebookBot, query: str, *, pack: str, owner: int, guild: int | None
) -> str | None:
    """Store a query too long for a button id under its keyed token, before the buttons go
    out; returns the token for the buttons (None when the query fits in the id)."""
    if bot.button_queries is None:
        # No storage, no key: the buttons will say they have expired, whatever the token.
        return query_token(query, pack=pack, owner=owner, guild=guild, key=b"")
    token = bot.button_queries.token_for(query, pack=pack, owner=owner, guild=guild)
    if token is None:
        return None
    try:
        await bot.button_queries.remember(token, query, pack=pack, owner=owner)
    except (sqlite3.Error, OSError) as exc:
        # The answer still goes out; only its buttons will say they have expired.
        log.warning("long query not stored", extra={"error": type(exc).__name__})
    return token


def make_view(reply: Reply) -> discord.ui.View | None:
    return ReplyView(components_of(reply)) if reply.buttons else None


def message_kwargs(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send/edit; mentions never ping."""
    kwargs: dict[str, Any] = {
        "content": reply.content,
        "embeds": [ReplyEmbed(e) for e in reply.embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    if reply.buttons:
        kwargs["view"] = ReplyView(components_of(reply))
    if reply.files:
        kwargs["files"] = [
            discord.File(io.BytesIO(data), filename=name) for name, data in reply.files
        ]
    return kwargs


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer the interaction, or follow up if it was already answered or deferred."""
    kwargs = message_kwargs(reply)
    async with deadline(bot_of(interaction)):
        if interaction.response.is_done():
            if "view" not in kwargs:
                kwargs["view"] = discord.utils.MISSING
            await interaction.followup.send(ephemeral=reply.ephemeral, **kwargs)
        else:
            await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)


async def edit_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Replace the message a button sits on (an UPDATE_MESSAGE response)."""
    kwargs = message_kwargs(reply)
    kwargs.setdefault("view", None)
    async with deadline(bot_of(interaction)):
        await interaction.response.edit_message(**kwargs)


def ids_of(interaction: discord.Interaction) -> tuple[int | None, int | None, int]:
    return interaction.guild_id, interaction.channel_id, interaction.user.id


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
