"""/settings edition (Manage Server): the edition this server reads by default."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.path import autocomplete_exchange
from bot.interactions.sending import respond
from bot.pack.library import EARLIEST_EDITION, LATEST_EDITION
from bot.replies.common import Reply, error_reply
from bot.replies.errors import edition_setting_text, no_edition_reply
from cogs.common import bot_of, edition_choices

if TYPE_CHECKING:
    from bot.app import BluebookBot


class SettingsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    settings = app_commands.Group(
        name="settings",
        description="Settings for this server",
        guild_only=True,
        # In `contexts` too: on a group guild_only sets only dm_permission, which Discord
        # has deprecated for contexts.
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @settings.command(name="edition")
    @app_commands.describe(
        year="The edition unqualified references and searches read; leave out to see it",
        newest="Go back to following the newest edition",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def edition(
        self,
        interaction: discord.Interaction,
        year: app_commands.Range[int, EARLIEST_EDITION, LATEST_EDITION] | None = None,
        newest: bool = False,
    ) -> None:
        """Choose the edition this server reads by default."""
        assert interaction.guild_id is not None
        store = self.bot.editions
        library = self.bot.library.current
        newest_year = library.newest.year
        if store is None:
            reply = error_reply("Settings are not available right now.")
        elif newest and year is not None:
            reply = error_reply("Give `year` or `newest`, not both.")
        elif newest:
            await store.set(interaction.guild_id, None)
            reply = _said(f"This server now reads the newest edition ({newest_year}).")
        elif year is None:
            chosen = await store.get(interaction.guild_id)
            reply = _said(edition_setting_text(chosen, library.years()))
        elif library.key_for_year(year) is None:
            reply = no_edition_reply(year, library.years())
        else:
            await store.set(interaction.guild_id, year)
            reply = _said(
                f"This server now reads edition {year}: `/section`, `/search`, `/toc`, "
                "lookups and the fact of the day use it unless an edition is named."
            )
        await respond(interaction, reply)

    @edition.autocomplete("year")
    @autocomplete_exchange
    async def year_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return edition_choices(bot_of(interaction), current)


def _said(text: str) -> Reply:
    return Reply(content=text, ephemeral=True)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(SettingsCog(bot))
