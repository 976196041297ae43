"""The bot process: build the bot on the opened services, connect to Discord (or the local
stand-in), run until a signal, shut down. `bluebook-bot run` and the console run this."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import aiohttp
import discord

from bot.app import BluebookBot, BotOptions
from bot.config import Settings
from bot.services import Services, open_services

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 10.0


# Exit codes: 2 for configuration the operator must fix (the README's promise), 1 for an
# outage that may pass by itself (Discord down, no network).
CONFIG_EXIT = 2
OUTAGE_EXIT = 1


class StartupError(Exception):
    """A problem the operator must fix (bad token, say): one clear line, no traceback."""

    def __init__(self, message: str, code: int = CONFIG_EXIT) -> None:
        super().__init__(message)
        self.code = code


REJECTED_TOKEN = "Discord rejected the token (DISCORD_TOKEN): check it in the developer portal."


def build_bot(services: Services, options: BotOptions) -> BluebookBot:
    return BluebookBot(
        library=services.library,
        db=services.db,
        usage=services.usage,
        lookup_settings=services.lookup_settings,
        fotd=services.fotd,
        options=options,
        editions=services.editions,
        button_queries=services.button_queries,
    )


async def message_content_granted(token: str, dev_guild: int | None = None) -> bool:
    """Ask Discord whether the app may use the Message Content intent (REST calls only).

    With `dev_guild`, also check that the bot may sync commands there, so a guild it is not
    in stops the start with one line before anything is opened."""
    # Guilds only so discord.py does not warn about state; the probe never opens a gateway.
    probe = discord.Client(intents=discord.Intents(guilds=True))
    try:
        await probe.login(token)
        app = probe.application
        if app is None:
            app = await probe.application_info()
        if dev_guild:
            try:
                await probe.http.get_guild_commands(app.id, dev_guild)
            except (discord.Forbidden, discord.NotFound) as exc:
                raise _dev_guild_error(dev_guild, exc) from None
        flags = app.flags
        return bool(flags.gateway_message_content or flags.gateway_message_content_limited)
    except discord.LoginFailure:
        raise StartupError(REJECTED_TOKEN) from None
    except discord.HTTPException as exc:
        raise StartupError(
            f"Discord answered {exc.status} at login; try again later (the bot did not start).",
            OUTAGE_EXIT,
        ) from None
    except (aiohttp.ClientError, OSError) as exc:
        raise StartupError(
            f"cannot reach Discord ({type(exc).__name__}); check the network (the bot did not start).",
            OUTAGE_EXIT,
        ) from None
    finally:
        await probe.close()


def options_from(settings: Settings, **overrides: Any) -> BotOptions:
    options = BotOptions(
        dev_guild=settings.bluebook_dev_guild,
        shard_count=settings.shard_count,
        shard_ids=settings.shard_id_list(),
        freeze_heap=True,
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
    options.message_content = await message_content_granted(token, options.dev_guild)
    if not options.message_content:
        log.warning(
            "the Message Content intent is not enabled for this application: keyword lookups are "
            "off, slash commands work. Enable it in the developer portal (Bot → Privileged Gateway "
            "Intents) and restart."
        )
    hours = settings.bluebook_fotd_grace_hours
    grace = None if hours is None else timedelta(hours=hours)
    async with open_services(
        db_path=settings.bluebook_db,
        content_dir=settings.bluebook_content,
        retention_days=settings.bluebook_retention_days,
        fotd_grace=grace,
        shard_ids=options.shard_ids,
        shard_count=options.shard_count,
    ) as services:
        bot = build_bot(services, options)
        if on_ready is not None:

            async def ready() -> None:
                await _call(on_ready, bot)

            bot.add_listener(ready, "on_ready")
        stop = asyncio.Event()
        reloads: set[asyncio.Task[Any]] = set()
        signals = _install_signals(stop, services, reloads)
        task = asyncio.create_task(bot.start(token), name="discord-client")
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                exc = None if task.cancelled() else task.exception()
                await bot.close()
                if exc is not None:
                    raise _startup_error(exc, options) from None
                return 0
            log.info("shutting down")
            deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS
            await shutdown(bot)
            # asyncio.wait, not wait_for: the client's own error must not escape, and a
            # cancellation of run_bot itself must not be swallowed.
            left = max(deadline - asyncio.get_running_loop().time(), 1.0)
            await asyncio.wait({task}, timeout=left)
        finally:
            remove_signals(signals)
            stopper.cancel()
            for pending in (task, *reloads):
                if not pending.done():
                    pending.cancel()
            await asyncio.gather(task, *reloads, return_exceptions=True)
            if not bot.is_closed():
                await bot.close()
    log.info("stopped")
    return 0


def _startup_error(exc: BaseException, options: BotOptions) -> BaseException:
    """What the client died of at start, as one line for the operator where it is theirs."""
    if isinstance(exc, discord.LoginFailure):
        return StartupError(REJECTED_TOKEN)
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return StartupError(
            "Discord refused a privileged intent; enable it or restart to fall back."
        )
    if isinstance(exc, discord.Forbidden | discord.NotFound) and options.dev_guild:
        # The only guild-scoped call at start is the command sync to the dev guild.
        return _dev_guild_error(options.dev_guild, exc)
    return exc


def _dev_guild_error(guild: int, exc: discord.HTTPException) -> StartupError:
    return StartupError(
        f"BLUEBOOK_DEV_GUILD {guild}: Discord refused the command sync there ({exc.status}); "
        "invite the bot to that server with the applications.commands scope, or unset "
        "BLUEBOOK_DEV_GUILD."
    )


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


def _install_signals(
    stop: asyncio.Event, services: Services, reloads: set[asyncio.Task[Any]]
) -> list[signal.Signals]:
    """SIGTERM/SIGINT stop the bot, SIGHUP reloads the content; returns what was installed."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)

    return installed + install_reload_signal(services, reloads)


def install_reload_signal(
    services: Services, reloads: set[asyncio.Task[Any]]
) -> list[signal.Signals]:
    """SIGHUP reloads the content (`run` and the console alike); returns what was installed."""
    loop = asyncio.get_running_loop()

    def reload() -> None:
        # Kept until done: the loop holds tasks only weakly, and errors must not vanish.
        task = asyncio.create_task(services.library.reload(), name="content-reload")
        reloads.add(task)
        task.add_done_callback(_reload_done(reloads))

    hup = getattr(signal, "SIGHUP", None)
    if hup is None:
        return []
    try:
        loop.add_signal_handler(hup, reload)
    except (NotImplementedError, RuntimeError):
        return []
    return [hup]


def _reload_done(reloads: set[asyncio.Task[Any]]) -> Callable[[asyncio.Task[Any]], None]:
    def done(task: asyncio.Task[Any]) -> None:
        reloads.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("content reload failed", exc_info=task.exception())

    return done


def remove_signals(installed: list[signal.Signals]) -> None:
    loop = asyncio.get_running_loop()
    for sig in installed:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(sig)
