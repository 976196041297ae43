"""/verify: is a quote verbatim in the chapter?"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.replies.errors import no_edition_reply
from bot.replies.verify import library_verify_reply
from bot.search.verify import split_quote
from cogs.common import bot_of, edition_choices

if TYPE_CHECKING:
    from bot.app import BluebookBot


class VerifyCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="verify", extras={QUERY: "quote"})
    @app_commands.describe(
        quote="The words as someone quoted them",
        private="Only you see the answer",
        edition="The edition (year) to check first; default: the server's, else the newest",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def verify(
        self,
        interaction: discord.Interaction,
        quote: app_commands.Range[str, 1, 1500],
        private: bool = False,
        edition: app_commands.Range[int, 1900, 2199] | None = None,
    ) -> None:
        """Check whether a quote is verbatim in the chapter, and show the differences."""
        library = self.bot.library.current
        asked = split_quote(quote, edition)
        # The edition the server reads: references of any other are written with their year.
        reading = await self.bot.library.for_guild(interaction.guild_id)
        key = library.key_for_year(asked.edition) if asked.edition is not None else reading.pack_key
        if key is None:
            current_exchange().refused()
            await respond(interaction, no_edition_reply(asked.edition, library.years()))
            return
        found = library.verify(asked.ref, pack_key=key)
        verdict = found.verdict
        place = verdict.closest.ref if verdict.closest else None
        if verdict.too_short:
            current_exchange().refused()  # not a gap in the chapter
        else:
            count = verdict.places or (1 if place else 0)
            current_exchange().result(place, count, found.pack_key)
        packs = {k: p.pack for k, p in library.packs.items()}
        await respond(
            interaction, library_verify_reply(packs, found, ephemeral=private, reading=reading.year)
        )

    @verify.autocomplete("edition")
    @autocomplete_exchange
    async def edition_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        choices = edition_choices(bot_of(interaction), current)
        current_exchange().result(None, len(choices))
        return choices


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(VerifyCog(bot))
