"""/reload (bot owners only): reload the content pack without a restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.sending import defer, respond
from bot.replies.common import error_reply
from bot.replies.reload import reload_reply

if TYPE_CHECKING:
    from bot.app import BluebookBot


class AdminCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload")
    @app_commands.default_permissions(administrator=True)
    # An owner may reload from a DM with the bot too.
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        """Reload the content pack; for the bot's owners only."""
        if not await self.bot.is_owner(interaction.user):
            await respond(interaction, error_reply("Only the bot's owners can reload content."))
            return
        await defer(interaction, ephemeral=True)
        reloaded = await self.bot.library.reload()
        reply = reload_reply(reloaded, self.bot.library.current, here=interaction.guild_id)
        await respond(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(AdminCog(bot))
