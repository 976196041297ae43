"""Glue shared by the cogs: Reply → discord.py objects, and answering an interaction.

Our buttons are DynamicItems (cogs/buttons.py) made from the typed state a reply's Button
carries. cogs/buttons.py registers its classes here with `button_item`, so this module never
imports it (no import cycle).
"""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

from bot.app import deadline
from bot.replies.common import Button, Reply
from bot.replies.custom_ids import query_token

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.services import Content

log = logging.getLogger(__name__)

ItemFactory = Callable[[Any, discord.ui.Button[Any]], discord.ui.Item[Any]]
T = TypeVar("T")
# State type (bot/replies/custom_ids.py) -> the DynamicItem class for it.
_ITEMS: dict[type, ItemFactory] = {}

NO_MENTIONS = discord.AllowedMentions.none()
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
    "link": discord.ButtonStyle.link,
}


def bot_of(interaction: discord.Interaction) -> BluebookBot:
    return cast("BluebookBot", interaction.client)


def button_item(state_type: type) -> Callable[[T], T]:
    """Class decorator: the DynamicItem class that stands for buttons with this state."""

    def register(cls: T) -> T:
        _ITEMS[state_type] = cast(ItemFactory, cls)
        return cls

    return register


def make_button(spec: Button) -> discord.ui.Item[Any]:
    """A discord button; ours are DynamicItems, so they work after a restart (and a view of
    them is not kept in discord.py's view store)."""
    button: discord.ui.Button[Any] = discord.ui.Button(
        label=spec.label,
        custom_id=None if spec.url else spec.custom_id,
        url=spec.url,
        style=_STYLES["link" if spec.url else spec.style],
        disabled=spec.disabled,
    )
    if spec.state is not None and not spec.url:
        return _ITEMS[type(spec.state)](spec.state, button)
    return button


def content_for(bot: BluebookBot, pack_key: str) -> Content | None:
    """The content a button's pack key names ("" the default edition); None if not served."""
    # One pack is served today; the editions library (issue 15) will look keys up here.
    return bot.content.current if pack_key == "" else None


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


def make_view(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    view = discord.ui.View(timeout=None)
    for row, buttons in enumerate(reply.buttons):
        for spec in buttons:
            item = make_button(spec)
            item.row = row
            view.add_item(item)
    return view


def message_kwargs(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send/edit; mentions never ping."""
    kwargs: dict[str, Any] = {
        "content": reply.content,
        "embeds": [discord.Embed.from_dict(e) for e in reply.embeds],
        "allowed_mentions": NO_MENTIONS,
    }
    view = make_view(reply)
    if view is not None:
        kwargs["view"] = view
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
