"""Glue shared by the cogs: Reply → discord.py objects, and answering an interaction."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app import deadline
from bot.replies.common import Button, Reply

if TYPE_CHECKING:
    from bot.app import BluebookBot

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


def make_button(spec: Button) -> discord.ui.Item[Any]:
    """A discord button; ours are DynamicItems, so they work after a restart."""
    from cogs.buttons import dynamic_item_for

    button: discord.ui.Button[Any] = discord.ui.Button(
        label=spec.label,
        custom_id=None if spec.url else spec.custom_id,
        url=spec.url,
        style=_STYLES["link" if spec.url else spec.style],
        disabled=spec.disabled,
    )
    if spec.custom_id and not spec.url:
        return dynamic_item_for(spec.custom_id, button)
    return button


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


async def server_edition(interaction: discord.Interaction) -> str:
    """The pack key of the server's edition (/settings edition), else the newest."""
    return await edition_for_guild(bot_of(interaction), interaction.guild_id)


async def edition_for_guild(bot: BluebookBot, guild_id: int | None) -> str:
    content = bot.content.current
    if bot.editions is None or guild_id is None:
        return content.default_key
    year = await bot.editions.get(guild_id)
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
