"""/stats: what the team asks, what is missing, how fast it answers (Manage Server)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.sending import defer, respond
from bot.replies.chart import render_daily_chart_png
from bot.replies.common import error_reply
from bot.replies.stats import stats_reply
from bot.storage.stats import DEFAULT_TOP_N, MAX_TOP_N, usage_summary

if TYPE_CHECKING:
    from bot.app import BluebookBot


class StatsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="stats")
    @app_commands.describe(
        days="How many days back (1-365)",
        top=f"How many rows per list (1-{MAX_TOP_N}, default {DEFAULT_TOP_N})",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def stats(
        self,
        interaction: discord.Interaction,
        days: app_commands.Range[int, 1, 365] = 30,
        top: app_commands.Range[int, 1, MAX_TOP_N] = DEFAULT_TOP_N,
    ) -> None:
        """Usage of the bot: commands, top queries and sections, misses, latency."""
        # The chart takes a moment (matplotlib loads on first use): defer first.
        await defer(interaction, ephemeral=True)
        if self.bot.db is None:
            await respond(interaction, error_reply("Usage statistics are not available."))
            return
        # A server's admins see their server's usage only: queries are what its members typed.
        summary = await usage_summary(self.bot.db, days, guild_id=interaction.guild_id, top_n=top)
        chart = await asyncio.to_thread(render_daily_chart_png, summary)
        # Top sections of another edition than the server's are named with their edition.
        reading = (await self.bot.library.for_guild(interaction.guild_id)).year
        await respond(interaction, stats_reply(summary, chart, reading=reading))


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(StatsCog(bot))
