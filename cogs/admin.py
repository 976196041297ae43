"""/reload (bot owners only): reload the content pack without a restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.sending import respond
from bot.replies.common import Reply, clip, error_reply
from bot.replies.limits import CONTENT_MAX

if TYPE_CHECKING:
    from bot.app import BluebookBot


class AdminCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload")
    @app_commands.default_permissions(administrator=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        """Reload the content pack; for the bot's owners only."""
        if not await self.bot.is_owner(interaction.user):
            await respond(interaction, error_reply("Only the bot's owners can reload content."))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await self.bot.library.reload()
        if problems:
            listed = "\n".join(str(p) for p in problems)
            text = f"Reload refused; the old content keeps serving. {len(problems)} problem(s):\n```\n{listed}"
            text = clip(text, CONTENT_MAX - 4) + "\n```"
        else:
            served = self.bot.library.current.packs.values()
            sections = sum(len(p.pack.sections) for p in served)
            facts = sum(len(p.pack.facts) for p in served)
            packs = f"{len(served)} packs, " if len(served) > 1 else ""
            text = f"Reloaded: {packs}{sections} sections, {facts} facts."
        await respond(interaction, Reply(content=text, ephemeral=True))


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(AdminCog(bot))
