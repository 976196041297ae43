"""The discord.py Bot: services injected once, cogs loaded, one error path, deliberate sync."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.heap import freeze_long_lived
from bot.replies.markdown import escape
from bot.services import ContentHolder
from bot.turns import TurnGate

if TYPE_CHECKING:
    from bot.fotd.service import FotdService
    from bot.storage.button_queries import ButtonQueries
    from bot.storage.db import Database
    from bot.storage.editions import EditionSettings
    from bot.storage.settings import LookupSettings
    from bot.storage.usage import UsageLog

log = logging.getLogger(__name__)

COGS = (
    "cogs.buttons",
    "cogs.search",
    "cogs.sections",
    "cogs.compare",
    "cogs.settings",
    "cogs.facts",
    "cogs.verify",
    "cogs.help",
    "cogs.lookups",
    "cogs.fotd",
    "cogs.stats",
    "cogs.admin",
)


@dataclass
class BotOptions:
    dev_guild: int | None = None
    message_content: bool = True
    shard_count: int | None = None
    shard_ids: list[int] | None = None
    # The local Discord has no identify rate limit; skipping discord.py's 5 s wait keeps
    # tests and the console fast. Never set against the real Discord.
    skip_identify_delay: bool = False
    guild_ready_timeout: float = 2.0
    owner_ids: set[int] = field(default_factory=set)
    fotd_interval: float = 30.0
    # Freeze start-up objects out of the garbage collector's sight (bot/heap.py). The real
    # runner sets it; tests leave it off, as they start many bots in one process.
    freeze_heap: bool = False
    # The longest we wait for Discord to take one reply: a bound for calls that hang, since
    # discord.py has none of its own (aiohttp's is 5 minutes). It is longer than discord.py's
    # own bounded retries (5 attempts; after a 5xx it waits 1, 3, 5, 7 s), so those finish
    # first: with 10 s and then 15 s, the fault benchmark cut 4 replies that were still
    # retrying after a 429 and three 500s.
    reply_timeout_s: float = 30.0


def intents_for(message_content: bool) -> discord.Intents:
    """What the bot asks for: no members intent (it would chunk), content only if granted."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.guild_reactions = True
    intents.dm_reactions = True  # 🗑 on a lookup reply in a DM
    intents.message_content = message_content
    return intents


RESTARTING = "I am restarting; please try again in a minute."
WENT_WRONG = "Something went wrong on our side. It has been logged; please try again."


class ReplyTimeout(TimeoutError):
    """Discord did not take one of our replies within BotOptions.reply_timeout_s."""

    def __init__(self, after_s: float) -> None:
        super().__init__(f"no answer from Discord in {after_s} s")
        self.after_s = after_s


@contextlib.asynccontextmanager
async def deadline(bot: BluebookBot) -> AsyncIterator[None]:
    """A limit on one call to Discord (BotOptions.reply_timeout_s).

    Raises ReplyTimeout (a TimeoutError) when the limit is reached; any other TimeoutError
    from inside passes through unchanged."""
    limit = asyncio.timeout(bot.options.reply_timeout_s)
    try:
        async with limit:
            yield
    except TimeoutError:
        if limit.expired():
            raise ReplyTimeout(bot.options.reply_timeout_s) from None
        raise


class BluebookTree(app_commands.CommandTree["BluebookBot"]):
    """Errors raised before a callback runs (checks, option conversion) get the short answer.

    Everything else about an interaction happens on the one path of bot/exchange.py."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        await self.client.on_app_command_error(interaction, error)


class BluebookBot(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        content: ContentHolder,
        db: Database | None,
        usage: UsageLog | None,
        lookup_settings: LookupSettings | None,
        fotd: FotdService | None,
        options: BotOptions,
        editions: EditionSettings | None = None,
        button_queries: ButtonQueries | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {}
        if options.shard_count is not None:
            kwargs["shard_count"] = options.shard_count
        if options.shard_ids is not None:
            kwargs["shard_ids"] = options.shard_ids
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(options.message_content),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=options.guild_ready_timeout,
            owner_ids=options.owner_ids or None,
            tree_cls=BluebookTree,
            # No message cache: the cogs read raw edit/delete/reaction events only, and 1,000
            # cached messages with embeds cost memory and garbage-collector time for nothing.
            max_messages=None,
            **kwargs,
        )
        # Both kept by the interaction path (bot/exchange.py); shutdown reads them.
        self.accepting = True
        self.in_flight: set[int] = set()  # interaction ids, and one key per chat exchange
        self.turns = TurnGate()
        self.content = content
        self.db = db
        self.usage = usage
        self.lookup_settings = lookup_settings
        self.fotd = fotd
        self.button_queries = button_queries
        self.options = options
        self.editions = editions

    async def setup_hook(self) -> None:
        for name in COGS:
            await self.load_extension(name)
        if self.options.dev_guild:
            guild = discord.Object(id=self.options.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info(
                "commands synced to the dev guild",
                extra={"guild": self.options.dev_guild, "commands": len(synced)},
            )
        if self.options.freeze_heap:
            freeze_long_lived()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not self.options.skip_identify_delay:
            await super().before_identify_hook(shard_id, initial=initial)

    async def on_ready(self) -> None:
        log.info(
            "ready",
            extra={
                "user": str(self.user),
                "guilds": len(self.guilds),
                "guild_ids": ",".join(str(g.id) for g in self.guilds[:20]),
                "shards": self.shard_count,
                "message_content": self.intents.message_content,
            },
        )

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Errors before the callback: a short ephemeral answer, a log line for our own bugs."""
        if isinstance(getattr(error, "original", error), ReplyTimeout):
            # Discord did not take the answer in time; answering again could answer twice.
            log.warning(
                "reply timed out",
                extra={"interaction": interaction.id, "after_s": self.options.reply_timeout_s},
            )
            return
        message = user_message_for(error)
        if message is None:
            command = interaction.command.qualified_name if interaction.command else None
            log.error(
                "command failed",
                exc_info=getattr(error, "original", error),
                extra={"command": command, "guild": interaction.guild_id},
            )
            message = WENT_WRONG
        await answer_privately(interaction, message)


STORAGE_UNAVAILABLE = "Storage is unavailable, try again shortly."


def user_message_for(error: Exception) -> str | None:
    """A short explanation for a mistake a user can make; None for our own bugs."""
    if isinstance(getattr(error, "original", error), sqlite3.Error):
        # The database is locked, read-only, full or being reopened (bot/storage/db.py).
        return STORAGE_UNAVAILABLE
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the **Manage Server** permission for this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I am missing permissions here: {perms}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"That value is not valid: “{escape(str(error.value))}”."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


async def answer_privately(interaction: discord.Interaction, message: str) -> None:
    bot = cast("BluebookBot", interaction.client)
    try:
        async with deadline(bot):
            if interaction.response.is_done():
                await interaction.followup.send(
                    message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
                )
            else:
                await interaction.response.send_message(
                    message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
                )
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
        log.warning("could not send the error message", extra={"interaction": interaction.id})
