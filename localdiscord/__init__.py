"""A local Discord: REST API and gateway on 127.0.0.1 that the real discord.py talks to.

No machine here reaches Discord, so end-to-end tests, the `bluebook-bot console` and the
load benchmarks run the bot against this stand-in instead. It checks every request against
Discord's limits (and the official OpenAPI spec when `../shared/discord-openapi` exists).

Typical test:

    from localdiscord import LocalDiscord, NoIdentifyDelay, connected

    class TestBot(NoIdentifyDelay, commands.Bot): ...

    async def test_ping(local_discord):            # fixture from pytest_support
        make = lambda: TestBot(command_prefix="!", intents=discord.Intents.default(),
                               guild_ready_timeout=0.1)
        async with connected(make, local_discord) as bot:
            await bot.tree.sync(guild=discord.Object(local_discord.guild.id))
            handle = await local_discord.slash("ping")
            assert (await handle.final_message())["content"] == "pong"

What is where:
- `LocalDiscord` (server.py): start/stop, the world (`add_guild`, `add_channel`,
  `add_member`, `set_bot_permissions`, `set_overwrite`, `delete_channel`, `allow_command`),
  acting as users (`slash`, `autocomplete`, `press_button`, `context_menu`, `send_message`,
  `edit_message`, `delete_message`, `add_reaction`), waiting (`wait_for_request`,
  `wait_for_gateway`, `quiesce`, `bot_messages`), faults (`rate_limit`, `server_error`,
  `slow_responses`, `late_responses`, `hang_responses`, `drop_connection`, `send_reconnect`,
  `invalidate_session`), and what was seen (`requests`, `violations`, `gateway_log`).
- `connected(client, server)` (harness.py): runs a discord.py client against the server.
- `local_discord` fixture (pytest_support.py): fails the test when a violation was recorded.
- `ConsoleSession`, `parse_console_line` (console.py): a text front end with verbs for
  buttons, menus, edits, reactions and the bot's channel permissions (`!deny`, `!allow`);
  `render_message` (rendering.py) shows a message as text; `run_console` (terminal.py) is
  the prompt, history and rich output around it.
- Messages and interaction payloads are plain Discord JSON dicts.
"""

from localdiscord.console import ChatLine, ConsoleSession, SlashLine, parse_console_line
from localdiscord.gateway import GatewayLogEntry
from localdiscord.harness import NoIdentifyDelay, connected, discord_urls
from localdiscord.interactions import InteractionRecord
from localdiscord.model import Channel, Guild, Member, Role, User
from localdiscord.options import OptionError, UnknownCommand
from localdiscord.recording import RecordedRequest
from localdiscord.rendering import render_message
from localdiscord.scripting import CommandHidden, InteractionHandle, MessageRefused
from localdiscord.server import BotStopped, LocalDiscord
from localdiscord.world import Scenario

__all__ = [
    "BotStopped",
    "Channel",
    "ChatLine",
    "CommandHidden",
    "ConsoleSession",
    "GatewayLogEntry",
    "Guild",
    "InteractionHandle",
    "InteractionRecord",
    "LocalDiscord",
    "Member",
    "MessageRefused",
    "NoIdentifyDelay",
    "OptionError",
    "RecordedRequest",
    "Role",
    "Scenario",
    "SlashLine",
    "UnknownCommand",
    "User",
    "connected",
    "discord_urls",
    "parse_console_line",
    "render_message",
]
