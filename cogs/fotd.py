"""/factoftheday: set, off, status, preview, skip; and the loop that posts."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.fotd.schedule import ScheduleInputError
from bot.fotd.sender import (
    HistoryUnreadable,
    PermanentSendError,
    TransientSendError,
    day_marker,
    post_nonce,
)
from bot.fotd.service import PackWithoutFacts
from bot.fotd.zones import fixed_offset_note
from bot.interactions.path import autocomplete_exchange
from bot.interactions.sending import deadline, message_kwargs, respond
from bot.replies.common import Reply, error_reply
from bot.replies.facts import fact_embed, fallback_note
from bot.replies.fotd import (
    no_facts_reply,
    post_embed,
    skipped_reply,
    status_reply,
    timezone_choices,
)
from bot.storage.usage import EventKind, UsageEvent

if TYPE_CHECKING:
    from bot.app import BluebookBot

log = logging.getLogger(__name__)

# The check after a restart reads every message since the claim, up to this many; a post
# further back than that counts as unverifiable (the nonce still guards a quick resend).
HISTORY_SCAN = 500
# Clock skew between us and Discord's snowflakes: start the scan a little before the claim.
HISTORY_MARGIN = timedelta(minutes=5)
POST_PERMISSIONS = ("view_channel", "send_messages", "embed_links", "read_message_history")
WHY = {
    "read_message_history": "Read Message History (to check after a restart whether the "
    "day's fact was already posted, so it is never posted twice)",
}


class DiscordPostSender:
    """Posts through discord.py and maps its errors onto retry or pause."""

    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        except discord.NotFound:
            raise PermanentSendError("the channel no longer exists", 10003) from None
        except discord.Forbidden:
            raise PermanentSendError("I cannot see the channel", 50001) from None
        if not isinstance(channel, discord.abc.Messageable):
            raise PermanentSendError("the channel cannot hold messages")
        return channel

    async def send(
        self, guild_id: int, channel_id: int, fact_id: str, local_date: date, *, pack_key: str
    ) -> int:
        found = self.bot.library.current.fact(pack_key, fact_id)
        if found is None:
            raise PermanentSendError(f"fact {fact_id} is no longer in the content")
        pack, fact = found[0].pack, found[1]
        # A post says "no facts yet" while the server's edition has none now: the day may
        # have been claimed before a reload gave it facts or before the server switched.
        reads = await self.bot.library.for_guild(guild_id)
        fallback = self.bot.library.current.facts_fallback(reads.pack_key)
        post = post_embed(pack, fact, local_date, fallback=fallback, reading=reads.year)
        try:
            async with deadline(self.bot):
                channel = await self._channel(channel_id)
                # Discord returns the first message for a repeated nonce within its window.
                message = await channel.send(
                    **message_kwargs(Reply(embeds=[post])), nonce=post_nonce(guild_id, local_date)
                )
        except discord.NotFound:
            raise PermanentSendError("the channel no longer exists", 10003) from None
        except discord.Forbidden:
            raise PermanentSendError(
                "missing permission to post (Send Messages, Embed Links)", 50013
            ) from None
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise TransientSendError(f"Discord error: {type(exc).__name__}") from None
        if self.bot.usage is not None:
            self.bot.usage.log(
                UsageEvent(
                    kind=EventKind.FACT,
                    command="factoftheday",
                    guild_id=guild_id,
                    channel_id=channel_id,
                    top_ref=fact.ref,
                    result_count=1,
                    pack_key=pack_key,
                )
            )
        return message.id

    async def _can_read_history(self, guild_id: int, channel: discord.abc.Messageable) -> bool:
        """Whether the bot may read the channel's history, also for a guild this process does
        not hold (another shard's): then the channel came from REST with no member to check,
        so the guild, the channel and the bot's member are fetched to compute it."""
        me = getattr(getattr(channel, "guild", None), "me", None)
        if me is not None:
            return bool(channel.permissions_for(me).read_message_history)  # type: ignore[attr-defined]
        if not isinstance(channel, discord.abc.GuildChannel) or self.bot.user is None:
            return True  # a DM or a group: no permissions to lack
        guild = await self.bot.fetch_guild(guild_id)
        fetched = await guild.fetch_channel(channel.id)
        member = await guild.fetch_member(self.bot.user.id)
        return bool(fetched.permissions_for(member).read_message_history)

    async def find_existing(
        self, guild_id: int, channel_id: int, local_date: date, fact_id: str, since: datetime
    ) -> int | None:
        marker = day_marker(local_date)
        after = discord.Object(id=discord.utils.time_snowflake(since - HISTORY_MARGIN))
        seen = 0
        try:
            channel = await self._channel(channel_id)
            if not await self._can_read_history(guild_id, channel):
                # Discord answers an empty list then, which would look like "not posted".
                raise HistoryUnreadable("no Read Message History")
            async for message in channel.history(limit=HISTORY_SCAN, after=after):
                seen += 1
                mine = self.bot.user is not None and message.author.id == self.bot.user.id
                if mine and any(
                    e.footer and (e.footer.text or "").startswith(marker) for e in message.embeds
                ):
                    return message.id
        except (discord.NotFound, discord.Forbidden):
            raise HistoryUnreadable("the channel cannot be read") from None
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise TransientSendError(
                f"could not read recent messages: {type(exc).__name__}"
            ) from None
        if seen >= HISTORY_SCAN:
            raise HistoryUnreadable(f"more than {HISTORY_SCAN} messages since the attempt")
        return None


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FotdCog(
    commands.GroupCog,
    group_name="factoftheday",
    group_description="A daily fact from the Bluebook in a channel",
):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot
        self.sender = DiscordPostSender(bot)
        super().__init__()

    async def cog_load(self) -> None:
        self.poster.change_interval(seconds=self.bot.options.fotd_interval)
        self.poster.start()

    async def cog_unload(self) -> None:
        self.poster.cancel()

    @tasks.loop(seconds=30)
    async def poster(self) -> None:
        if self.bot.fotd is None:
            return
        try:
            for event in await self.bot.fotd.tick(self.sender):
                log.info(
                    "fact of the day",
                    extra={
                        "guild": event.guild_id,
                        "date": str(event.local_date),
                        "outcome": event.outcome,
                        "fact": event.fact_id,
                        "detail": event.detail,
                    },
                )
        except Exception:
            # The loop must survive a bad tick (a locked database, say); the next one retries.
            log.exception("fact-of-the-day tick failed")

    @poster.before_loop
    async def _wait_ready(self) -> None:
        await self.bot.wait_until_ready()

    @app_commands.command(name="set")
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        channel="Where to post",
        time="Local time, e.g. 09:00 or 9:30 pm",
        timezone="IANA time zone, e.g. Asia/Tokyo",
    )
    async def set_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, 20],
        timezone: app_commands.Range[str, 1, 64],
    ) -> None:
        """Post a fact every day in a channel at a local time."""
        assert interaction.guild is not None and self.bot.fotd is not None
        me = interaction.guild.me
        missing = [
            p for p in POST_PERMISSIONS if me and not getattr(channel.permissions_for(me), p)
        ]
        if missing:
            names = ", ".join(WHY.get(p, p.replace("_", " ").title()) for p in missing)
            await respond(
                interaction,
                error_reply(
                    f"I can't post in {channel.mention}: missing {names}.",
                    hint="Give me those permissions there, then try again.",
                ),
            )
            return
        try:
            status = await self.bot.fotd.set(interaction.guild.id, channel.id, time, timezone)
        except ScheduleInputError as exc:
            await respond(interaction, error_reply(str(exc)))
            return
        note = fixed_offset_note(status.timezone)
        fallback = await self._facts_fallback(interaction.guild.id)
        reply = status_reply(status, channel_mention=channel.mention, note=note, fallback=fallback)
        await respond(interaction, reply)

    @set_.autocomplete("timezone")
    @autocomplete_exchange
    async def _tz(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=z) for n, z in timezone_choices(current)]

    @app_commands.command(name="off")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def off(self, interaction: discord.Interaction) -> None:
        """Stop the daily fact in this server."""
        assert interaction.guild_id is not None and self.bot.fotd is not None
        status = await self.bot.fotd.off(interaction.guild_id)
        text = "Fact of the day is off." if status else "Fact of the day was not set up here."
        await respond(interaction, Reply(content=text, ephemeral=True))

    @app_commands.command(name="status")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def status(self, interaction: discord.Interaction) -> None:
        """When the next fact is posted, the last post and the last error."""
        assert interaction.guild_id is not None and self.bot.fotd is not None
        status = await self.bot.fotd.status(interaction.guild_id)
        mention = f"<#{status.channel_id}>" if status else None
        fallback = await self._facts_fallback(interaction.guild_id)
        await respond(interaction, status_reply(status, channel_mention=mention, fallback=fallback))

    async def _facts_fallback(self, guild_id: int) -> tuple[int, int] | None:
        """(this server's edition, the one its facts come from) while its own has none."""
        served = await self.bot.library.for_guild(guild_id)
        return self.bot.library.current.facts_fallback(served.pack_key)

    @app_commands.command(name="preview")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def preview(self, interaction: discord.Interaction) -> None:
        """Show the next fact privately, without posting it."""
        assert interaction.guild_id is not None and self.bot.fotd is not None
        served = await self.bot.library.for_guild(interaction.guild_id)
        try:
            fact_id = await self.bot.fotd.preview(interaction.guild_id)
        except PackWithoutFacts as exc:
            await respond(interaction, no_facts_reply(exc.pack_key, nothing_to="preview"))
            return
        found = self.bot.library.current.fact(served.pack_key, fact_id)
        if found is None:
            await respond(interaction, error_reply("There is no fact to preview."))
            return
        footer = "Preview: the next fact of the day (not posted)"
        fallback = self.bot.library.current.facts_fallback(served.pack_key)
        if fallback is not None:
            footer += f" · {fallback_note(fallback)}"
        embed = fact_embed(found[0].pack, found[1], footer=footer, reading=served.year)
        await respond(interaction, Reply(embeds=[embed], ephemeral=True))

    @app_commands.command(name="skip")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def skip(self, interaction: discord.Interaction) -> None:
        """Skip the next fact; the one after it is posted instead."""
        assert interaction.guild_id is not None and self.bot.fotd is not None
        served = await self.bot.library.for_guild(interaction.guild_id)
        try:
            skipped = await self.bot.fotd.skip(interaction.guild_id)
        except PackWithoutFacts as exc:
            await respond(interaction, no_facts_reply(exc.pack_key, nothing_to="skip"))
            return
        status = await self.bot.fotd.status(interaction.guild_id)
        found = self.bot.library.current.fact(served.pack_key, skipped)
        fact = found[1] if found is not None else None
        await respond(interaction, skipped_reply(fact, status))


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(FotdCog(bot))
