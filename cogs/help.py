"""/help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exchange import interaction_path
from bot.replies.help import help_reply
from cogs.common import send_reply

if TYPE_CHECKING:
    from bot.app import BluebookBot


class HelpCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @interaction_path()
    async def help(self, interaction: discord.Interaction) -> None:
        """How to use Bluebook Bot, including keyword lookups."""
        reply = help_reply(
            self.bot.content.current.pack, lookups_available=self.bot.intents.message_content
        )
        await send_reply(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(HelpCog(bot))
