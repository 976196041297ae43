"""/compare: one section in two editions, with what changed marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.pack.compare import compare
from bot.pack.library import split_edition
from bot.replies.common import Reply, clip, error_reply
from bot.replies.compare import compare_reply
from bot.replies.errors import held_years, no_edition_reply
from bot.replies.limits import CHOICE_NAME_MAX
from bot.replies.markdown import escape
from cogs.common import bot_of, edition_choices, server_edition

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.services import Content

Year = app_commands.Range[int, 1900, 2199]


class CompareCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="compare", extras={QUERY: "ref"})
    @app_commands.describe(
        ref="A reference such as 3.1.1(2), or a section title",
        from_="The earlier edition (default: the one before `to`)",
        to="The later edition (default: the server's, else the newest)",
        private="Only you see the answer",
    )
    @app_commands.rename(from_="from")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def compare(
        self,
        interaction: discord.Interaction,
        ref: app_commands.Range[str, 1, 200],
        from_: Year | None = None,
        to: Year | None = None,
        private: bool = False,
    ) -> None:
        """Show what changed in a section between two editions."""
        content = self.bot.content.current
        after = content.key_for_year(to) if to is not None else await server_edition(interaction)
        before = _before(content, after, from_)
        if after is None or before is None:
            current_exchange().result(None, 0)
            await respond(interaction, _no_editions(content, from_, to, after))
            return
        text = split_edition(ref).ref
        old, new = content.edition(before).pack, content.edition(after).pack
        found = compare(before, old, after, new, text)
        if found is None:
            current_exchange().result(None, 0, after)
            reply = error_reply(
                f"No section “{escape(clip(text, 80))}” in {old.manifest.edition_year} or "
                f"{new.manifest.edition_year}.",
                hint="See `/toc` for the outline.",
            )
        else:
            current_exchange().result(found.ref, len(found.paragraphs), after)
            reply = compare_reply(found, old, new, owner=interaction.user.id, ephemeral=private)
        await respond(interaction, reply)

    @compare.autocomplete("ref")
    @autocomplete_exchange
    async def ref_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        bot = bot_of(interaction)
        key = await server_edition(interaction)
        sections = bot.content.current.edition(key).refs.complete(current, limit=25)
        current_exchange().result(sections[0].ref if sections else None, len(sections), key)
        return [
            app_commands.Choice(name=clip(f"{s.ref} {s.title}", CHOICE_NAME_MAX), value=s.ref)
            for s in sections
        ]

    @compare.autocomplete("from_")
    @compare.autocomplete("to")
    @autocomplete_exchange
    async def edition_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        return edition_choices(bot_of(interaction), current)


def _before(content: Content, after: str | None, year: int | None) -> str | None:
    if after is None:
        return None
    if year is not None:
        return content.key_for_year(year, after)
    later = content.edition(after).pack.manifest.edition_year
    older = [y for y in content.library.editions() if y < later]
    return content.key_for_year(older[0], after) if older else None


def _no_editions(content: Content, from_: int | None, to: int | None, after: str | None) -> Reply:
    years = content.library.editions()
    if after is None:
        return no_edition_reply(to, years)
    if from_ is not None:
        return no_edition_reply(from_, years)
    held = held_years(years)
    return error_reply(
        "There is no earlier edition to compare with.",
        hint=f"Editions held: {held}. Give `from` and `to`.",
    )


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(CompareCog(bot))
