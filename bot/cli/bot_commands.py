"""`start`, `run`, `console`, `sync` and `commands`: the commands that run the bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shlex
import sys
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, content_dir, settings_of
from bot.config import Settings
from bot.logging_setup import setup_logging
from bot.pack.loader import ContentError
from bot.replies.common import counted


def register(sub: Any) -> None:
    p = sub.add_parser(
        "start", help="run against Discord if DISCORD_TOKEN is set, else the console"
    )
    p.set_defaults(func=cmd_start)
    p = sub.add_parser("run", help="connect to Discord and serve until SIGTERM/SIGINT")
    p.add_argument(
        "--local", action="store_true", help="connect to an in-process local Discord instead"
    )
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("console", help="the bot on a local Discord, driven from the terminal")
    p.add_argument(
        "--db", type=Path, help="database (default: console.db next to BLUEBOOK_DB's file)"
    )
    p.add_argument("--plain", action="store_true", help="plain text: no prompt, no colours")
    p.set_defaults(func=cmd_console)
    p = sub.add_parser("sync", help="sync the slash commands globally (or to --guild)")
    p.add_argument("--guild", type=int, help="sync to this server (guild) id only")
    p.set_defaults(func=cmd_sync)
    p = sub.add_parser("commands", help="print the command payloads that sync would PUT")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_commands)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings of a command that serves the content: a content folder that is not one
    is refused before anything starts (no Discord reached, no database opened)."""
    settings = settings_of(args)
    content_dir(args)
    return settings


def cmd_start(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.token:
        return cmd_run(args)
    print(
        "No DISCORD_TOKEN set: starting the local Discord and a console "
        "(see the README to connect to Discord).",
        file=sys.stderr,
    )
    args.db, args.plain = None, False
    return cmd_console(args)


def cmd_run(args: argparse.Namespace) -> int:
    from bot.process import StartupError, run_bot

    settings = settings_from(args)
    setup_logging(settings.log_level, settings.log_format)
    token = settings.token
    if not token:
        raise CliError(
            "DISCORD_TOKEN is not set: put the bot token in .env or the environment (see .env.example).",
            code=2,
        )

    async def main() -> int:
        if not getattr(args, "local", False):
            return await run_bot(settings, token=token)
        async with _local_discord() as server:
            return await run_bot(settings, token=token, options=_local_options(settings, server))

    try:
        return _serve(main(), args)
    except StartupError as exc:
        raise CliError(str(exc), code=exc.code) from None


def _serve(main: Coroutine[Any, Any, int], args: argparse.Namespace) -> int:
    """Run the bot's main coroutine; operator mistakes become one line, Ctrl-C exits 0."""
    from bot.services import DatabaseOpenError

    try:
        return asyncio.run(main)
    except DatabaseOpenError as exc:
        raise CliError(str(exc), code=2) from None
    except ContentError as exc:
        # One line like every other configuration error; `content check` lists them all.
        first = exc.problems[0] if exc.problems else "no details"
        path = settings_of(args).bluebook_content
        if getattr(args, "content", None) is not None:
            named, check = (
                "--content",
                f"bluebook-bot --content {shlex.quote(str(path))} content check",
            )
        elif path is not None:
            named, check = "BLUEBOOK_CONTENT", "bluebook-bot content check"
        else:
            named, check = "the shipped pack", "bluebook-bot content check"
        raise CliError(
            f"{named}: the content is invalid ({counted(len(exc.problems), 'problem')}, "
            f"first: {first}); `{check}` lists them all: the bot will not start",
            code=2,
        ) from None
    except KeyboardInterrupt:
        return 0


@contextlib.asynccontextmanager
async def _local_discord(*, stable_ids: bool = False) -> AsyncIterator[Any]:
    from localdiscord import LocalDiscord, discord_urls

    server = await LocalDiscord.start(stable_ids=stable_ids)
    try:
        with discord_urls(server):
            yield server
    finally:
        await server.stop()


def _local_options(settings: Settings, server: Any) -> Any:
    from bot.process import options_from

    return options_from(
        settings,
        # BLUEBOOK_DEV_GUILD still wins, so a guild the local bot is not in can be tried.
        dev_guild=settings.bluebook_dev_guild or server.guild.id,
        skip_identify_delay=True,
        guild_ready_timeout=0.1,
        owner_ids={server.world.owner.id, server.admin.id},
    )


def console_db(args: argparse.Namespace, settings: Settings) -> Path:
    """The console's own database, so trying things out leaves the bot's database alone."""
    if args.db:
        return Path(args.db)
    configured = Path(settings.bluebook_db)
    if configured.is_dir():
        # Its name's folder would be the folder above: refuse as `run` does, not write there.
        raise CliError(f"BLUEBOOK_DB: {configured} is a folder, not a database file", code=2)
    return configured.with_name("console.db")


def cmd_console(args: argparse.Namespace) -> int:
    from bot.process import build_bot, install_reload_signal, remove_signals
    from bot.replies.examples import examples_from
    from bot.services import open_services
    from localdiscord import connected
    from localdiscord.terminal import console_greeting, run_console

    settings = settings_from(args)
    setup_logging("WARNING", settings.log_format)
    db_path = console_db(args, settings)
    try:
        # 0700 like the bot's own data folder: the console's database and history are private.
        db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise CliError(
            f"cannot create {db_path.parent} for the console database: {exc}", code=2
        ) from None

    async def main() -> int:
        async with (
            _local_discord(stable_ids=True) as server,
            open_services(db_path=db_path, content_dir=settings.bluebook_content) as services,
        ):
            options = _local_options(settings, server)
            options.dev_guild = server.guild.id
            bot = build_bot(services, options)
            # `kill -HUP` reloads the content here too, as README's Operations says.
            reloads: set[asyncio.Task[Any]] = set()
            signals = install_reload_signal(services, reloads)
            try:
                async with connected(bot, server):
                    # The examples are the served pack's, so each one finds something.
                    served = await services.library.for_guild(server.guild.id)
                    example = examples_from(served.pack)
                    await run_console(
                        server,
                        plain=args.plain,
                        history=db_path.with_name("console_history"),
                        stdin=sys.stdin,
                        stdout=sys.stdout,
                        greeting=console_greeting(example.term, example.ref, example.quote),
                    )
            finally:
                remove_signals(signals)
                # A reload still running when the console ends is stopped, as `run` does.
                for task in reloads:
                    task.cancel()
                await asyncio.gather(*reloads, return_exceptions=True)
        return 0

    return _serve(main(), args)


def _offline_bot(settings: Settings) -> Any:
    from bot.app import BluebookBot, BotOptions
    from bot.served import LibraryInService, ServedLibrary

    library = LibraryInService(ServedLibrary.load(settings.bluebook_content))
    return BluebookBot(
        library=library, db=None, usage=None, lookup_settings=None, fotd=None, options=BotOptions()
    )


async def _close_offline(bot: Any) -> None:
    """Close a bot that never connected (AutoShardedClient.close expects a gateway)."""
    for name in list(bot.extensions):
        await bot.unload_extension(name)
    await bot.http.close()


def cmd_commands(args: argparse.Namespace) -> int:
    from bot.app import COGS

    settings = settings_from(args)

    async def payloads() -> list[dict[str, Any]]:
        bot = _offline_bot(settings)
        try:
            for name in COGS:
                await bot.load_extension(name)
            return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
        finally:
            await _close_offline(bot)

    try:
        data = asyncio.run(payloads())
    except ContentError as exc:
        raise CliError(
            f"content pack is invalid ({counted(len(exc.problems), 'problem')})"
        ) from None
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for command in data:
            print(f"{command['name']:<20} {command.get('description', '')}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    import discord

    settings = settings_from(args)
    setup_logging(settings.log_level, settings.log_format)
    token = settings.token
    if not token:
        raise CliError("DISCORD_TOKEN is not set: sync needs the bot token.", code=2)

    async def sync() -> int:
        bot = _offline_bot(settings)
        try:
            await bot.login(token)
            guild = discord.Object(id=args.guild) if args.guild else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            where = f"guild {args.guild}" if guild else "globally (may take up to an hour to show)"
            print(f"synced {len(synced)} commands {where}")
            return 0
        except discord.LoginFailure:
            raise CliError("Discord rejected the token (DISCORD_TOKEN).", code=2) from None
        except (discord.Forbidden, discord.NotFound) as exc:
            raise CliError(
                f"Discord refused the sync ({exc.status}): is the bot in guild {args.guild} "
                "with the applications.commands scope?",
                code=2,
            ) from None
        finally:
            await _close_offline(bot)

    return asyncio.run(sync())
