"""/section (with autocomplete and pages) and /toc."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.pack.library import split_edition
from bot.replies.common import clip
from bot.replies.errors import (
    missing_paragraph_reply,
    no_edition_reply,
    no_section_reply,
    section_notes,
)
from bot.replies.limits import CHOICE_NAME_MAX
from bot.replies.section import section_reply, toc_reply
from cogs.common import bot_of

if TYPE_CHECKING:
    from bot.app import BluebookBot


class SectionsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="section", extras={QUERY: "ref"})
    @app_commands.describe(
        ref="A reference such as 3.1.1(3), §3.1.1(3)¶1 or 2024:3.1.1(3), or a section title",
        private="Only you see the answer",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def section(
        self,
        interaction: discord.Interaction,
        ref: app_commands.Range[str, 1, 200],
        private: bool = False,
    ) -> None:
        """Open a section of the Bluebook by reference or title."""
        library = self.bot.library.current
        server_pack = await self.bot.library.for_guild(interaction.guild_id)
        located = library.locate(ref, server_pack.pack_key)
        found, served = located.found, located.served
        # A year on what the answer offers to open when it is of another edition than the server's.
        other = served.year if served is not None and served.year != server_pack.year else None
        if served is None:
            current_exchange().refused()
            reply = no_edition_reply(located.asked_year, library.years())
        elif (missing := missing_paragraph_reply(found, served.label, other)) is not None:
            current_exchange().result(None, 0, served.pack_key)
            reply = missing
        elif found.section is None:
            current_exchange().result(None, 0, served.pack_key)
            reply = no_section_reply(
                ref,
                served.label,
                found.suggestions,
                year=other,
                notes=section_notes(library.library, ref, served.year, located.asked_year),
            )
        else:
            shown = found.paragraph.ref if found.paragraph else found.section.ref
            current_exchange().result(shown, 1, served.pack_key)
            reply = section_reply(
                served.pack,
                found.section,
                owner=interaction.user.id,
                paragraph=found.paragraph,
                ephemeral=private,
                pack_key=served.pack_key,
            )
        await respond(interaction, reply)

    @section.autocomplete("ref")
    @autocomplete_exchange
    async def section_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        bot = bot_of(interaction)
        library = bot.library.current
        typed = split_edition(current)
        server_pack = await bot.library.for_guild(interaction.guild_id)
        served = library.pack(library.key_for_year(typed.edition, server_pack.pack_key))
        sections = library.edition_refs(served.pack_key).complete(typed.ref, limit=25)
        count = len(sections)
        current_exchange().result(sections[0].ref if sections else None, count, served.pack_key)
        prefix = f"{typed.edition}:" if typed.edition is not None else ""
        return [
            app_commands.Choice(
                name=clip(f"{prefix}{s.ref} {s.title}", CHOICE_NAME_MAX), value=prefix + s.ref
            )
            for s in sections
        ]

    @app_commands.command(name="toc")
    @app_commands.describe(private="Only you see the answer")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def toc(self, interaction: discord.Interaction, private: bool = False) -> None:
        """Show the outline of every chapter held, with references."""
        served = await self.bot.library.for_guild(interaction.guild_id)
        pack = served.pack
        current_exchange().result(pack.root.ref, len(pack.sections), served.pack_key)
        chapters = self.bot.library.current.chapters(served.pack_key)
        reply = toc_reply(pack, chapters=[c.pack for c in chapters], ephemeral=private)
        await respond(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(SectionsCog(bot))
