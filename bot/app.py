"""The discord.py Bot: services injected once, cogs loaded, deliberate sync.

Everything about answering an interaction (admission, turns, the exchange, errors, sending)
is the interaction path, bot/interactions/; the bot holds its state (`accepting`,
`in_flight`, `turns`) and hands it the tree's and the completion's hooks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.heap import freeze_long_lived
from bot.interactions.callback import Callbacks
from bot.interactions.path import PRESS, PathTree, completed
from bot.interactions.turns import TurnGate
from bot.served import LibraryInService

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


class BluebookBot(commands.AutoShardedBot):
    def __init__(
        self,
        *,
        library: LibraryInService,
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
            tree_cls=PathTree,
            # No message cache: the cogs read raw edit/delete/reaction events only, and 1,000
            # cached messages with embeds cost memory and garbage-collector time for nothing.
            max_messages=None,
            **kwargs,
        )
        # Posts each interaction's first answer (bot/interactions/callback.py).
        self.callbacks = Callbacks()
        # Kept by the interaction path (bot/interactions/path.py); shutdown reads them.
        self.accepting = True
        self.in_flight: set[int] = set()  # interaction ids, and one key per chat exchange
        self.turns = TurnGate()
        self.library = library
        self.db = db
        self.usage = usage
        self.lookup_settings = lookup_settings
        self.fotd = fotd
        self.button_queries = button_queries
        self.options = options
        self.editions = editions

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            await self.callbacks.close()

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

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """discord.py runs each handler of an event as a task of its own. Three that every
        interaction would pay for are cut down here: a command's end closes its exchange at
        once (bot/interactions/path.py); only a button press is dispatched again as `press`
        (`on_press` listeners, cogs/buttons.py), not every interaction; and a message a bot
        wrote, the echo of each of our replies among them, is not dispatched at all: no
        listener of ours reads one (cogs/lookups.py answers people only; nor can
        `wait_for("message")` see one)."""
        if event_name == "message" and args[0].author.bot:
            return
        if event_name == "app_command_completion":
            try:
                completed(args[0])
            except Exception:  # our bug: logged, and discord.py's own dispatch still runs
                log.exception("closing a command's exchange failed")
        elif event_name == "interaction" and args[0].type is discord.InteractionType.component:
            super().dispatch(PRESS, *args)
        super().dispatch(event_name, *args, **kwargs)
