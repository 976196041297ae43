"""Keyword lookups in chat: `[[GCAP]]`, `§3.1.1(3)`, and (per channel) passive mode.

Edits update or remove the reply, deletions remove it, and a 🗑 from the asker removes it.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.exchange import current_exchange
from bot.interactions.path import chat_exchange, note_send_failure
from bot.interactions.sending import deadline, message_kwargs, respond
from bot.lookups.extract import MAX_INNER_CHARS, EditionsRefs, Lookup, extract_lookups
from bot.lookups.limits import (
    EMBEDS_NOTE_COOLDOWN_SECONDS,
    ExplicitLimiter,
    PassiveLimiter,
    SlidingWindow,
)
from bot.lookups.passive import find_terms
from bot.lookups.replies import EditPlan, ReplyLedger, is_removal_request, plan_edit
from bot.replies.common import QUOTE_COLOUR, WARN_COLOUR, Reply
from bot.replies.errors import EMBEDS_NEEDED_TEXT, no_edition_text, too_long_lookup_text
from bot.replies.lookups import library_lookup_embed, passive_reply
from bot.storage.settings import LookupKind, LookupSwitches, switches_in

if TYPE_CHECKING:
    from bot.app import BluebookBot
    from bot.pack.refs import EditionRefs
    from bot.served import ServedLibrary, ServedPack

log = logging.getLogger(__name__)

PASSIVE_PREFIX = "passive:"


def _refs_of(library: ServedLibrary, like: str) -> EditionsRefs:
    """The references of edition `year` (the chapters of pack `like`'s first); None when
    the library does not hold it."""

    def refs_of(year: int) -> EditionRefs | None:
        key = library.key_for_year(year, like)
        return None if key is None else library.edition_refs(key)

    return refs_of


class LookupsCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot
        self.ledger = ReplyLedger()
        self.explicit_limit = ExplicitLimiter()
        self.passive_limit = PassiveLimiter()
        self.embeds_noted = SlidingWindow(1, EMBEDS_NOTE_COOLDOWN_SECONDS)

    async def _switches(self, guild_id: int | None, channel_id: int) -> LookupSwitches:
        return await switches_in(self.bot.lookup_settings, guild_id=guild_id, channel_id=channel_id)

    def _log(
        self,
        where: tuple[int | None, int, int],
        query: str,
        ref: str | None,
        count: int | None,
        pack: str | None = None,
    ) -> None:
        # One usage event per lookup, logged by the chat path once the reply is sent.
        current_exchange().lookup(query, ref, count, pack)

    def _explicit_embeds(
        self, where: tuple[int | None, int, int], lookups: list[Lookup], served: ServedPack
    ) -> tuple[list[dict], tuple[str, ...]]:
        """The answers to `lookups`, parsed from the message against `served` (the server's
        pack); a reference naming an edition is answered from that edition's pack."""
        library = self.bot.library.current
        embeds = []
        for lookup in lookups:
            if lookup.kind == "too_long":
                text = too_long_lookup_text(MAX_INNER_CHARS)
                embeds.append({"description": text, "color": WARN_COLOUR})
                self._log(where, lookup.text, None, None)  # refused: too long to look up
                continue
            target = served
            if lookup.year is not None:
                pack_key = library.key_for_year(lookup.year, served.pack_key)
                if pack_key is None:
                    text = no_edition_text(lookup.year, library.years())
                    embeds.append({"description": text, "color": WARN_COLOUR})
                    self._log(where, lookup.text, None, None)  # refused: an edition not held
                    continue
                target = library.packs[pack_key]
            embed, ref, count, pack_key = library_lookup_embed(
                library, target, lookup, reader=served
            )
            self._log(where, lookup.text, ref, count, pack_key)
            embeds.append(embed)
        return embeds, tuple(lookup.key for lookup in lookups)

    def _lookups_in(self, text: str, served: ServedPack) -> list[Lookup]:
        """The explicit lookups of `text`, read as a reader of pack `served` reads them:
        references resolve in every chapter of its edition, each in the one it names."""
        library = self.bot.library.current
        refs_of = _refs_of(library, served.pack_key)
        return extract_lookups(text, library.edition_refs(served.pack_key), refs_of=refs_of)

    @commands.Cog.listener()
    @chat_exchange
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None or not message.content:
            return
        # From here on an edit or deletion of the message is noted until a reply exists.
        self.ledger.begin(message.id)
        try:
            await self._answer(message)
        finally:
            self.ledger.finish(message.id)

    async def _answer(self, message: discord.Message) -> None:
        guild_id = message.guild.id if message.guild else None
        where = (guild_id, message.channel.id, message.author.id)
        switches = await self._switches(guild_id, message.channel.id)
        if not (switches.explicit or switches.passive):
            return
        served = await self.bot.library.for_guild(guild_id)
        library = self.bot.library.current
        lookups = self._lookups_in(message.content, served) if switches.explicit else []
        if lookups:
            if not self.explicit_limit.allow(message.author.id):
                return
            # The search work takes its turn (bot/interactions/turns.py) only now that there
            # is some, and after the ledger has begun, so an edit or delete meanwhile is noted.
            await self.bot.turns.turn()
            embeds, keys = self._explicit_embeds(where, lookups, served)
            await self._reply(message, keys, embeds=embeds)
            return
        if switches.passive:
            # The terms of every chapter of the server's edition.
            terms = [
                t
                for t in find_terms(message.content, library.glossary_in_use(served.pack_key))
                if self.passive_limit.allow(guild_id, message.channel.id, message.author.id, t.term)
            ]
            if terms:
                await self.bot.turns.turn()
                for term in terms:
                    held = library.term_pack(term, served.pack_key)
                    self._log(where, term.term, term.ref, 1, held.pack_key)
                keys = tuple(PASSIVE_PREFIX + t.term for t in terms)
                await self._reply(message, keys, content=passive_reply(terms).content)

    async def _reply(
        self,
        message: discord.Message,
        keys: tuple[str, ...],
        *,
        embeds: list[dict] | None = None,
        content: str | None = None,
    ) -> None:
        try:
            async with deadline(self.bot):
                reply = await message.reply(
                    **message_kwargs(Reply(content=content, embeds=embeds or [])),
                    mention_author=False,
                )
        except discord.Forbidden as exc:
            self.ledger.finish(message.id)
            note_send_failure(exc)
            log.warning("cannot reply in channel", extra={"channel": message.channel.id})
            if embeds:
                await self._say_embeds_needed(message)
            return
        except discord.HTTPException as exc:
            # 400/50035 too: the message was deleted before the reply reached Discord.
            self.ledger.finish(message.id)
            note_send_failure(exc)
            log.warning("lookup reply failed", extra={"status": exc.status})
            return
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.ledger.finish(message.id)
            note_send_failure(exc)
            log.warning("lookup reply failed", extra={"error": type(exc).__name__})
            return
        self.ledger.record(message.id, reply.id, message.author.id, keys)
        # The source may have been deleted or edited while the reply was on its way.
        meanwhile = self.ledger.finish(message.id)
        if meanwhile.deleted:
            await self._delete_reply(message.id, message.channel.id)
        elif meanwhile.edited_text is not None:
            guild_id = message.guild.id if message.guild else None
            await self._follow_edit(message.id, message.channel.id, guild_id, meanwhile.edited_text)

    async def _say_embeds_needed(self, message: discord.Message) -> None:
        """A lookup's quote is an embed: where the bot may post but not embed, say so in plain
        text instead of nothing, once per channel per EMBEDS_NOTE_COOLDOWN_SECONDS."""
        guild, channel = message.guild, message.channel
        if guild is None or isinstance(channel, discord.PartialMessageable):
            return
        allowed = channel.permissions_for(guild.me)
        now = time.monotonic()
        if allowed.embed_links or not allowed.send_messages:
            return
        if not self.embeds_noted.allows(channel.id, now):
            return
        self.embeds_noted.record(channel.id, now)
        try:
            async with deadline(self.bot):
                await message.reply(
                    **message_kwargs(Reply(content=EMBEDS_NEEDED_TEXT)), mention_author=False
                )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not say embeds are needed", extra={"error": type(exc).__name__})

    @commands.Cog.listener()
    @chat_exchange
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        text = payload.data.get("content")
        if text is None:
            return
        if self.ledger.reply_for(payload.message_id) is None:
            if self.ledger.in_flight(payload.message_id):
                self.ledger.note_edit(payload.message_id, text)  # its reply is on the way
                return
            # No reply and none on the way: an edit that adds a lookup is answered as a new
            # message would be. Only a real edit (an embed unfurling is an update too).
            message = payload.message
            if message.edited_at is None or message.author.bot or message.webhook_id is not None:
                return
            self.ledger.begin(message.id)
            try:
                await self._answer(message)
            finally:
                self.ledger.finish(message.id)
            return
        await self._follow_edit(payload.message_id, payload.channel_id, payload.guild_id, text)

    async def _follow_edit(
        self, source_id: int, channel_id: int, guild_id: int | None, text: str
    ) -> None:
        entry = self.ledger.reply_for(source_id)
        if entry is None:
            return
        channel = self.bot.get_partial_messageable(channel_id)
        reply = channel.get_partial_message(entry.reply_id)
        passive = any(k.startswith(PASSIVE_PREFIX) for k in entry.lookup_keys)
        served = await self.bot.library.for_guild(guild_id)
        library = self.bot.library.current
        plan: EditPlan
        if passive:
            # A `[[...]]` the edit adds is answered, in place of the passive answer, as it
            # would be in a new message; without one the passive answer stays while a term does.
            switches = await self._switches(guild_id, channel_id)
            lookups = self._lookups_in(text, served) if switches.explicit else []
            if lookups and self.explicit_limit.allow(entry.asker_id):
                plan = "edit"
            else:
                lookups = []
                glossary = library.glossary_in_use(served.pack_key)
                plan = "keep" if find_terms(text, glossary) else "delete"
        else:
            lookups = self._lookups_in(text, served)
            plan = plan_edit(entry.lookup_keys, lookups)
        try:
            if plan == "delete":
                self.ledger.forget(source_id)
                async with deadline(self.bot):
                    await reply.delete()
            elif plan == "edit":
                where = (guild_id, channel_id, entry.asker_id)
                embeds, keys = self._explicit_embeds(where, lookups, served)
                async with deadline(self.bot):
                    await reply.edit(**message_kwargs(Reply(embeds=embeds)))
                self.ledger.record(source_id, entry.reply_id, entry.asker_id, keys)
        except discord.HTTPException as exc:
            note_send_failure(exc)
            log.info("could not update a lookup reply", extra={"status": exc.status})
        except (aiohttp.ClientError, TimeoutError) as exc:
            note_send_failure(exc)
            log.info("could not update a lookup reply", extra={"error": type(exc).__name__})

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self.ledger.reply_for(payload.message_id) is None:
            self.ledger.note_delete(payload.message_id)  # its reply may be on the way
            return
        await self._delete_reply(payload.message_id, payload.channel_id)

    async def _delete_reply(self, source_id: int, channel_id: int) -> None:
        entry = self.ledger.forget(source_id)
        if entry is None:
            return
        try:
            await (
                self.bot.get_partial_messageable(channel_id)
                .get_partial_message(entry.reply_id)
                .delete()
            )
        except discord.HTTPException as exc:
            log.info("could not delete a lookup reply", extra={"status": exc.status})

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        source = self.ledger.source_for(payload.message_id)
        if source is None or not is_removal_request(str(payload.emoji), payload.user_id, source):
            return
        self.ledger.forget(source.source_id)
        try:
            await (
                self.bot.get_partial_messageable(payload.channel_id)
                .get_partial_message(payload.message_id)
                .delete()
            )
        except discord.HTTPException as exc:
            log.info("could not delete a lookup reply", extra={"status": exc.status})

    lookups = app_commands.Group(
        name="lookups",
        description="Keyword lookup settings for this server",
        guild_only=True,
        # In `contexts` too: on a group guild_only sets only dm_permission, which Discord
        # has deprecated for contexts.
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        default_permissions=discord.Permissions(manage_guild=True),
    )

    @lookups.command(name="status")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        """Show the keyword lookup settings of this server and its channels."""
        assert interaction.guild_id is not None and self.bot.lookup_settings is not None
        status = await self.bot.lookup_settings.status(guild_id=interaction.guild_id)
        on = {True: "on", False: "off", None: "server default"}
        lines = [
            f"**Server:** explicit `[[...]]` {on[status.guild.explicit]}, passive {on[status.guild.passive]}",
        ]
        for o in status.overrides:
            if o.channel_id is not None:
                lines.append(
                    f"<#{o.channel_id}>: explicit {on[o.explicit]}, passive {on[o.passive]}"
                )
        if not self.bot.intents.message_content:
            lines.append(
                "⚠ The Message Content intent is off, so lookups cannot see messages. See `/help`."
            )
        embed = {"title": "Keyword lookups", "description": "\n".join(lines), "color": QUOTE_COLOUR}
        await respond(interaction, Reply(embeds=[embed], ephemeral=True))

    @lookups.command(name="set")
    @app_commands.describe(
        mode="explicit: [[words]] and §refs; passive: plain glossary terms",
        enabled="On or off",
        channel="Only this channel (leave empty for the whole server)",
    )
    # Named as typed (`mode:passive`); an Enum parameter would show its members' names in capitals.
    @app_commands.choices(
        mode=[app_commands.Choice(name=k.value, value=k.value) for k in LookupKind]
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def set_(
        self,
        interaction: discord.Interaction,
        mode: app_commands.Choice[str],
        enabled: bool,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Switch explicit or passive lookups on or off, for the server or one channel."""
        assert interaction.guild_id is not None and self.bot.lookup_settings is not None
        kind = LookupKind(mode.value)
        if channel is None:
            await self.bot.lookup_settings.set_guild(
                guild_id=interaction.guild_id, kind=kind, enabled=enabled
            )
        else:
            await self.bot.lookup_settings.set_channel(
                guild_id=interaction.guild_id, channel_id=channel.id, kind=kind, enabled=enabled
            )
        where = channel.mention if channel else "this server"
        text = f"{kind.value.title()} lookups are now **{'on' if enabled else 'off'}** in {where}."
        await respond(interaction, Reply(content=text, ephemeral=True))


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(LookupsCog(bot))
