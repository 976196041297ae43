"""The floor: a minimal discord.py bot whose only command answers "pong".

It runs exactly like the Bluebook bot in the end-to-end benchmark (its own process, the same
intents, a guild sync at start, connected over loopback to the local Discord), so its
latency is what discord.py, the loopback and the stand-in cost before any work of ours.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands


def pong_intents() -> discord.Intents:
    """The Bluebook bot's intents (bot.app.intents_for(True)), without importing the bot."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.guild_reactions = True
    intents.message_content = True
    return intents


class PongBot(commands.Bot):
    """`/ping` answers "pong" at once; nothing else."""

    def __init__(self, *, guild_id: int, guild_ready_timeout: float = 0.1, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            # The same intents as the Bluebook bot, so both receive the same gateway traffic.
            intents=pong_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            **options,
        )
        self.guild_id = guild_id

    async def setup_hook(self) -> None:
        @self.tree.command(name="ping", description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "pong", allowed_mentions=discord.AllowedMentions.none()
            )

        guild = discord.Object(id=self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # The local Discord has no identify rate limit (the Bluebook bot skips it too).
        return None
