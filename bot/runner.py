"""Running the bot against Discord (or the local stand-in): intents probe, signals, shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import discord

from bot.app import BluebookBot, BotOptions
from bot.config import Settings
from bot.runtime import Runtime, open_runtime

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0


class StartupError(Exception):
    """A problem the operator must fix (bad token, say): one clear line, no traceback."""


def build_bot(runtime: Runtime, options: BotOptions) -> BluebookBot:
    return BluebookBot(
        content=runtime.content,
        db=runtime.db,
        usage=runtime.usage,
        lookup_settings=runtime.lookup_settings,
        fotd=runtime.fotd,
        options=options,
    )


async def message_content_granted(token: str) -> bool:
    """Ask Discord whether the app may use the Message Content intent (a REST call only)."""
    probe = discord.Client(intents=discord.Intents.none())
    try:
        await probe.login(token)
        app = probe.application
        if app is None:
            app = await probe.application_info()
        flags = app.flags
        return bool(flags.gateway_message_content or flags.gateway_message_content_limited)
    except discord.LoginFailure:
        raise StartupError(
            "Discord rejected the token (DISCORD_TOKEN): check it in the developer portal."
        ) from None
    finally:
        await probe.close()


def options_from(settings: Settings, **overrides: Any) -> BotOptions:
    options = BotOptions(
        dev_guild=settings.bluebook_dev_guild,
        shard_count=settings.shard_count,
        shard_ids=settings.shard_id_list(),
    )
    for key, value in overrides.items():
        setattr(options, key, value)
    return options


async def run_bot(
    settings: Settings,
    *,
    token: str,
    options: BotOptions | None = None,
    on_ready: Callable[[BluebookBot], Any] | None = None,
) -> int:
    """Connect and serve until SIGTERM/SIGINT; then shut down gracefully. Returns an exit code."""
    options = options or options_from(settings)
    options.message_content = await message_content_granted(token)
    if not options.message_content:
        log.warning(
            "the Message Content intent is not enabled for this application: keyword lookups are "
            "off, slash commands work. Enable it in the developer portal (Bot → Privileged Gateway "
            "Intents) and restart."
        )
    hours = settings.bluebook_fotd_grace_hours
    grace = None if hours is None else timedelta(hours=hours)
    async with open_runtime(
        db_path=settings.bluebook_db,
        content_dir=settings.bluebook_content,
        retention_days=settings.bluebook_retention_days,
        fotd_grace=grace,
    ) as runtime:
        bot = build_bot(runtime, options)
        stop = asyncio.Event()
        _install_signals(stop, runtime)
        task = asyncio.create_task(bot.start(token), name="discord-client")
        stopper = asyncio.create_task(stop.wait())
        if on_ready is not None:
            bot.add_listener(lambda: _call(on_ready, bot), "on_ready")
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if task in done:
            exc = task.exception()
            await bot.close()
            if isinstance(exc, discord.LoginFailure):
                raise StartupError(
                    "Discord rejected the token (DISCORD_TOKEN): check it in the developer portal."
                )
            if isinstance(exc, discord.PrivilegedIntentsRequired):
                raise StartupError(
                    "Discord refused a privileged intent; enable it or restart to fall back."
                )
            if exc is not None:
                raise exc
            return 0
        log.info("shutting down")
        await shutdown(bot)
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=SHUTDOWN_SECONDS)
    log.info("stopped")
    return 0


async def shutdown(bot: BluebookBot) -> None:
    """Stop taking new work, let in-flight answers finish, then close the connection."""
    bot.accepting = False
    deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS - 2
    while bot.in_flight and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    await bot.close()


async def _call(callback: Callable[[BluebookBot], Any], bot: BluebookBot) -> None:
    result = callback(bot)
    if asyncio.iscoroutine(result):
        await result


def _install_signals(stop: asyncio.Event, runtime: Runtime) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
        loop.add_signal_handler(
            signal.SIGHUP, lambda: asyncio.ensure_future(runtime.content.reload())
        )
