"""/fact: a random fact, or one on a topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.facts import fact_topics, pick_fact
from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.replies.common import clip
from bot.replies.facts import fact_reply
from bot.replies.limits import CHOICE_NAME_MAX
from cogs.common import bot_of

if TYPE_CHECKING:
    from bot.app import BluebookBot


class FactsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="fact", extras={QUERY: "topic"})
    @app_commands.describe(
        topic="A topic such as GCAP, cyber or territorial integrity",
        private="Only you see the answer",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def fact(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, 100] | None = None,
        private: bool = False,
    ) -> None:
        """A fact from the Bluebook, quoted verbatim with its reference."""
        served = await self.bot.library.for_guild(interaction.guild_id)
        # Every chapter of the server's edition (or the one its facts come from), each fact
        # with its pack.
        drawn = self.bot.library.current.facts(served.pack_key)
        packs = {fact.id: where for where, fact in drawn}
        facts = [fact for _, fact in drawn]
        chosen = pick_fact(facts, topic)
        where = packs[chosen.id] if chosen else served
        current_exchange().result(
            chosen.ref if chosen else None, 1 if chosen else 0, where.pack_key
        )
        # While the server's edition has no facts they come from the newest that has some,
        # and the answer says so (ServedLibrary.facts_key).
        fallback = self.bot.library.current.facts_fallback(served.pack_key)
        reply = fact_reply(
            where.pack,
            chosen,
            topic=topic,
            ephemeral=private,
            facts=facts,
            fallback=fallback,
            reading=served.year,
        )
        await respond(interaction, reply)

    @fact.autocomplete("topic")
    @autocomplete_exchange
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The topics of the facts /fact draws from that hold what is typed."""
        bot = bot_of(interaction)
        served = await bot.library.for_guild(interaction.guild_id)
        facts = [fact for _, fact in bot.library.current.facts(served.pack_key)]
        topics = fact_topics(facts, current, limit=25)
        current_exchange().result(None, len(topics), served.pack_key)
        return [
            app_commands.Choice(name=clip(t, CHOICE_NAME_MAX), value=clip(t, 100)) for t in topics
        ]


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(FactsCog(bot))
