"""/section (with autocomplete and pages) and /toc."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exchange import current_exchange, interaction_path
from bot.replies.common import CHOICE_NAME_MAX, clip, error_reply, escape
from bot.replies.section import section_reply, toc_reply
from cogs.common import bot_of, send_reply

if TYPE_CHECKING:
    from bot.app import BluebookBot


class SectionsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="section")
    @app_commands.describe(
        ref="A reference such as 3.1.1(3) or §3.1.1(3)¶1, or a section title",
        private="Only you see the answer",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @interaction_path(query="ref")
    async def section(
        self,
        interaction: discord.Interaction,
        ref: app_commands.Range[str, 1, 200],
        private: bool = False,
    ) -> None:
        """Open a section of the chapter by reference or title."""
        content = self.bot.content.current
        found = content.refs.resolve(ref)
        if found.section is None:
            current_exchange().result(None, 0)
            near = ", ".join(f"`{s.ref}` {escape(s.title)}" for s in found.suggestions[:3])
            reply = error_reply(
                f"No section `{escape(clip(ref, 80))}` in this chapter.",
                hint=f"Closest: {near}" if near else "See `/toc` for the outline.",
            )
        else:
            current_exchange().result(
                found.paragraph.ref if found.paragraph else found.section.ref, 1
            )
            reply = section_reply(
                content.pack,
                found.section,
                owner=interaction.user.id,
                paragraph=found.paragraph,
                ephemeral=private,
            )
        await send_reply(interaction, reply)

    @section.autocomplete("ref")
    @interaction_path(command="section", query="current")
    async def section_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        bot = bot_of(interaction)
        sections = bot.content.current.refs.complete(current, limit=25)
        current_exchange().result(sections[0].ref if sections else None, len(sections))
        return [
            app_commands.Choice(name=clip(f"{s.ref} {s.title}", CHOICE_NAME_MAX), value=s.ref)
            for s in sections
        ]

    @app_commands.command(name="toc")
    @app_commands.describe(private="Only you see the answer")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @interaction_path()
    async def toc(self, interaction: discord.Interaction, private: bool = False) -> None:
        """Show the chapter's outline with references."""
        content = self.bot.content.current
        current_exchange().result(content.pack.root.ref, len(content.pack.sections))
        reply = toc_reply(content.pack, ephemeral=private)
        await send_reply(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(SectionsCog(bot))
