"""/search and the "Find in Bluebook" message menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.replies.common import error_reply
from bot.replies.errors import no_edition_reply
from bot.replies.search import library_search_reply, loose_match_note
from bot.search.engine import answers_little_of
from bot.search.normalize import normalize
from cogs.common import bot_of, edition_choices, keep_long_query

if TYPE_CHECKING:
    from bot.app import BluebookBot

DEFAULT_LIMIT = 5


class SearchCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name="Find in Bluebook", callback=self.find_in_bluebook
        )
        self.menu.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="search", extras={QUERY: "query"})
    @app_commands.describe(
        query="A few words, an acronym or a half-remembered phrase",
        limit="How many results to page through (1-10)",
        private="Only you see the answer",
        edition="The edition (year) to search first; default: the server's, else the newest",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        limit: app_commands.Range[int, 1, 10] = DEFAULT_LIMIT,
        private: bool = False,
        edition: app_commands.Range[int, 1900, 2199] | None = None,
    ) -> None:
        """Search the Bluebook and quote the best passage with its reference."""
        await answer_search(interaction, query, limit=limit, private=private, edition=edition)

    @search.autocomplete("edition")
    @autocomplete_exchange
    async def edition_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        choices = edition_choices(bot_of(interaction), current)
        current_exchange().result(None, len(choices))
        return choices

    async def find_in_bluebook(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        text = message.content.strip()
        current_exchange().query = text or None
        if not normalize(text).strip():  # also a message of zero-width spaces alone
            await respond(interaction, error_reply("That message has no text I can look up."))
            return
        await answer_search(interaction, text, limit=DEFAULT_LIMIT, private=True, message=True)


async def answer_search(
    interaction: discord.Interaction,
    query: str,
    *,
    limit: int,
    private: bool,
    edition: int | None = None,
    message: bool = False,
) -> None:
    """`message`: the query is a whole chat message ("Find in Bluebook"), and a top result
    that answers little of it is said to be only the closest passage."""
    bot = bot_of(interaction)
    library = bot.library.current
    # The edition the server reads: a result of any other is referred to with its year.
    reading = await bot.library.for_guild(interaction.guild_id)
    key = library.key_for_year(edition) if edition is not None else reading.pack_key
    if key is None:
        current_exchange().refused()
        await respond(interaction, no_edition_reply(edition, library.years()))
        return
    response = library.search(query, pack_key=key, limit=limit)
    top = response.results[0] if response.results else None
    current_exchange().result(
        top.result.ref if top else None, len(response.results), top.pack_key if top else key
    )
    owner = interaction.user.id
    token = None
    if response.results:  # buttons only come with results
        token = await keep_long_query(
            bot, response.query, pack_key=response.pack_key, owner=owner, guild=interaction.guild_id
        )
    packs = {k: p.pack for k, p in library.packs.items()}
    reply = library_search_reply(
        packs,
        response,
        owner=owner,
        ephemeral=private,
        token=token,
        stamp=library.text_stamp,
        reading=reading.year,
    )
    if message and top is not None and answers_little_of(query, top.result):
        reply.content = loose_match_note(top.result)
    await respond(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(SearchCog(bot))
