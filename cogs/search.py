"""/search and the "Find in Bluebook" message menu."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exchange import current_exchange, interaction_path
from bot.replies.common import error_reply
from bot.replies.search import library_search_reply
from cogs.common import bot_of, edition_choices, keep_long_query, send_reply, server_edition

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

    @app_commands.command(name="search")
    @app_commands.describe(
        query="A few words, an acronym or a half-remembered phrase",
        limit="How many results to page through (1-10)",
        private="Only you see the answer",
        edition="The edition (year) to search first; default: the server's, else the newest",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @interaction_path(query="query")
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        limit: app_commands.Range[int, 1, 10] = DEFAULT_LIMIT,
        private: bool = False,
        edition: app_commands.Range[int, 1900, 2199] | None = None,
    ) -> None:
        """Search the chapter and quote the best passage with its reference."""
        await answer_search(interaction, query, limit=limit, private=private, edition=edition)

    @search.autocomplete("edition")
    @interaction_path(command="search", query="current")
    async def edition_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        choices = edition_choices(bot_of(interaction), current)
        current_exchange().result(None, len(choices))
        return choices

    @interaction_path()
    async def find_in_bluebook(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        text = message.content.strip()
        current_exchange().query = text or None
        if not text:
            await interaction.response.send_message(
                "That message has no text I can look up.", ephemeral=True
            )
            return
        await answer_search(interaction, text, limit=DEFAULT_LIMIT, private=True)


async def answer_search(
    interaction: discord.Interaction,
    query: str,
    *,
    limit: int,
    private: bool,
    edition: int | None = None,
) -> None:
    bot = bot_of(interaction)
    content = bot.content.current
    key = (
        content.key_for_year(edition) if edition is not None else await server_edition(interaction)
    )
    if key is None:
        current_exchange().result(None, 0)
        held = ", ".join(str(y) for y in content.library.editions())
        await send_reply(
            interaction, error_reply(f"No edition {edition} here.", hint=f"Editions held: {held}.")
        )
        return
    response = content.search(query, key=key, limit=limit)
    top = response.results[0] if response.results else None
    current_exchange().result(
        top.result.ref if top else None, len(response.results), top.key if top else key
    )
    owner = interaction.user.id
    token = None
    if response.results:  # buttons only come with results
        token = await keep_long_query(
            bot, response.query, pack=response.key, owner=owner, guild=interaction.guild_id
        )
    packs = {k: e.pack for k, e in content.editions.items()}
    reply = library_search_reply(packs, response, owner=owner, ephemeral=private, token=token)
    await send_reply(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(SearchCog(bot))
