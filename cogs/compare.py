"""/compare: one section in two editions with what changed marked; without a reference,
the sections that changed between the two, most changed first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import QUERY, autocomplete_exchange
from bot.interactions.sending import respond
from bot.pack.library import split_edition
from bot.replies.common import Reply, clip, error_reply
from bot.replies.compare import changes_reply, compare_miss_reply, compare_reply
from bot.replies.errors import (
    chapter_not_held_reply,
    edition_not_compared,
    held_years,
    no_edition_reply,
    same_edition_reply,
)
from bot.replies.limits import CHOICE_NAME_MAX
from cogs.common import bot_of, edition_choices

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.served import ServedLibrary

Year = app_commands.Range[int, 1900, 2199]


class CompareCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="compare", extras={QUERY: "ref"})
    @app_commands.describe(
        ref="A reference such as 3.1.1(2), or a section title (none: every section that changed)",
        from_="The earlier edition (default: the one before `to`)",
        to="The later edition (default: the server's, else the newest)",
        private="Only you see the answer",
    )
    @app_commands.rename(from_="from")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def compare(
        self,
        interaction: discord.Interaction,
        ref: app_commands.Range[str, 1, 200] | None = None,
        from_: Year | None = None,
        to: Year | None = None,
        private: bool = False,
    ) -> None:
        """Show what changed in a section between two editions, or which sections changed."""
        library = self.bot.library.current
        if to is not None:
            after = library.key_for_year(to)
        else:
            after = (await self.bot.library.for_guild(interaction.guild_id)).pack_key
        before = _before(library, after, from_)
        named = split_edition(ref).edition if ref is not None else None
        if named is not None and named not in library.years():
            # Said at once, whatever `from` and `to` are: not advice to set one to it.
            current_exchange().refused()
            await respond(interaction, no_edition_reply(named, library.years()))
            return
        # A reference naming an edition other than the server's, no edition asked: that
        # edition against its successor (the server's own is compared with the one before).
        own = library.packs[after].year if after in library.packs else None
        if named is not None and from_ is None and to is None and (named != own or before is None):
            pair = library.library.compared_with(named, after)
            before, after = pair or (None, after)
        if after is None or before is None:
            current_exchange().refused()
            await respond(interaction, _no_editions(library, from_, to, after))
            return
        if before == after:
            current_exchange().refused()
            reply = same_edition_reply(library.pack(after).year, library.years())
            await respond(interaction, reply)
            return
        if ref is None:
            # The chapters both editions hold, the server's first (when both hold it).
            pairs = library.library.compared_pairs(before, after)
            if not pairs:
                current_exchange().refused()
                years = (library.pack(before).year, library.pack(after).year)
                reply = error_reply(f"{years[0]} and {years[1]} hold no chapter in common.")
                await respond(interaction, reply)
                return
            before, after = pairs[0]
            old, new = library.pack(before).pack, library.pack(after).pack
            changes = library.changes_between(before, after)
            current_exchange().result(None, len(changes.sections), after)
            owner = interaction.user.id
            chapters = [library.pack(a).pack.manifest.chapter_number for _, a in pairs[1:]]
            reply = changes_reply(
                changes, old, new, owner=owner, ephemeral=private, chapters=chapters
            )
            await respond(interaction, reply)
            return
        asked = split_edition(ref)
        text = asked.ref
        # Compared in the chapter it names (4.2.5(1): chapter 4), in both editions; looked up
        # in the edition it names, when it names one of the two ('2024:3.1.1(2)').
        packs = library.library.compared_packs(ref, before, after)
        if packs.outside is not None:
            current_exchange().refused()
            years = (library.pack(before).year, library.pack(after).year)
            await respond(interaction, error_reply(edition_not_compared(packs.outside, *years)))
            return
        if packs.lacking is not None:
            current_exchange().refused()
            assert packs.chapter is not None
            reply = chapter_not_held_reply(packs.chapter, text, packs.lacking, packs.held)
            await respond(interaction, reply)
            return
        before, after = packs.before, packs.after
        old, new = library.pack(before).pack, library.pack(after).pack
        found = library.compare(before, after, ref)
        if found is None:
            current_exchange().result(None, 0, after)
            miss = library.library.compare_miss(ref, before, after)
            where = f"{old.manifest.edition_year} or {new.manifest.edition_year}"
            label = str(asked.edition) if asked.edition is not None else where
            reply = compare_miss_reply(text, label, miss, asked.edition)
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
        served = await bot.library.for_guild(interaction.guild_id)
        sections = bot.library.current.edition_refs(served.pack_key).complete(current, limit=25)
        count = len(sections)
        current_exchange().result(sections[0].ref if sections else None, count, served.pack_key)
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


def _before(library: ServedLibrary, after: str | None, year: int | None) -> str | None:
    if after is None:
        return None
    if year is not None:
        return library.key_for_year(year, after)
    later = library.pack(after).year
    older = [y for y in library.years() if y < later]
    return library.key_for_year(older[0], after) if older else None


def _no_editions(
    library: ServedLibrary, from_: int | None, to: int | None, after: str | None
) -> Reply:
    years = library.years()
    if after is None:
        return no_edition_reply(to, years)
    if from_ is not None:
        return no_edition_reply(from_, years)
    held = held_years(years)
    if len(years) < 2:
        return error_reply(
            f"This library holds one edition ({held}), so there is nothing to compare it with.",
            hint="The bot's operator can fetch another edition to compare it with "
            "(`bluebook-bot content fetch --edition YEAR --chapter N --out LIBRARY`).",
        )
    year = library.pack(after).year
    later = [y for y in years if y > year]
    return error_reply(
        f"{year} is the earliest edition held: there is none before it to compare it with.",
        hint=f"Editions held: {held}. Compare the next one with `/compare to:{later[-1]}`"
        f" (`from` defaults to the edition before it).",
    )


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(CompareCog(bot))
