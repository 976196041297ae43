"""/verify: is a quote verbatim in the chapter?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY
from bot.interactions.sending import respond
from bot.replies.verify import verify_reply
from bot.search.verify import verify_quote

if TYPE_CHECKING:
    from bot.app import BluebookBot


class VerifyCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="verify", extras={QUERY: "quote"})
    @app_commands.describe(
        quote="The words as someone quoted them", private="Only you see the answer"
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def verify(
        self,
        interaction: discord.Interaction,
        quote: app_commands.Range[str, 1, 1500],
        private: bool = False,
    ) -> None:
        """Check whether a quote is verbatim in the chapter, and show the differences."""
        served = await self.bot.library.for_guild(interaction.guild_id)
        verdict = verify_quote(served.engine, quote)
        place = verdict.closest.ref if verdict.closest else None
        if verdict.too_short:
            current_exchange().refused()  # not a gap in the chapter
        else:
            current_exchange().result(place, verdict.places or (1 if place else 0), served.pack_key)
        reply = verify_reply(served.pack, verdict, ephemeral=private)
        await respond(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(VerifyCog(bot))
