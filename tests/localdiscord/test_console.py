"""Console line parsing, message rendering and a console session against the test bot."""

from __future__ import annotations

import io
from typing import Any

import pytest

from localdiscord import (
    ChatLine,
    ConsoleSession,
    LocalDiscord,
    SlashLine,
    UnknownCommand,
    connected,
    parse_console_line,
    render_message,
)

COMMANDS = [
    {
        "name": "search",
        "type": 1,
        "description": "Find",
        "options": [
            {"name": "query", "type": 3, "description": "q", "required": True},
            {"name": "limit", "type": 4, "description": "n"},
        ],
    },
    {
        "name": "factoftheday",
        "type": 1,
        "description": "Facts",
        "options": [
            {"name": "status", "type": 1, "description": "Status"},
            {
                "name": "set",
                "type": 1,
                "description": "Set",
                "options": [
                    {"name": "channel", "type": 7, "description": "c", "required": True},
                    {"name": "time", "type": 3, "description": "t"},
                ],
            },
        ],
    },
    {"name": "Quote message", "type": 3, "description": ""},
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/search GCAP treaty", SlashLine("search", {"query": "GCAP treaty"})),
        (
            "/search query:head of mission limit:3",
            SlashLine("search", {"query": "head of mission", "limit": "3"}),
        ),
        ("/search limit:2 query:a:b", SlashLine("search", {"limit": "2", "query": "a:b"})),
        ("/search kiwi limit:4", SlashLine("search", {"query": "kiwi", "limit": "4"})),
        ("/factoftheday status", SlashLine("factoftheday status", {})),
        (
            "/factoftheday set channel:#general time:09:00",
            SlashLine("factoftheday set", {"channel": "#general", "time": "09:00"}),
        ),
        ("/search", SlashLine("search", {})),
        ("hello there", ChatLine("hello there")),
        ("/ not a command", ChatLine("/ not a command")),
    ],
)
def test_parse_console_line(line: str, expected: SlashLine | ChatLine) -> None:
    assert parse_console_line(line, COMMANDS) == expected


def test_unknown_command_lists_known_ones() -> None:
    with pytest.raises(UnknownCommand) as error:
        parse_console_line("/nope x", COMMANDS)
    assert str(error.value) == "unknown command /nope; known commands: /factoftheday, /search"


def test_render_message_shows_everything() -> None:
    message = {
        "content": "Here you go",
        "flags": 64,
        "embeds": [
            {
                "title": "3.2 Precedence",
                "description": "Ambassadors first.",
                "fields": [{"name": "Source", "value": "Bluebook 3.2"}],
                "footer": {"text": "Diplomatic Bluebook 2025"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "label": "Next", "custom_id": "n", "style": 1},
                    {"type": 2, "label": "Back", "custom_id": "b", "style": 2, "disabled": True},
                ],
            }
        ],
        "attachments": [{"filename": "chart.png", "size": 68}],
    }
    assert render_message(message).splitlines() == [
        "(only you can see this)",
        "Here you go",
        "== 3.2 Precedence ==",
        "Ambassadors first.",
        "* Source: Bluebook 3.2",
        "-- Diplomatic Bluebook 2025",
        "[1: Next] [2: Back (disabled)]",
        "[attachment: chart.png, 68 bytes]",
    ]


async def test_console_session_runs_commands_and_chat(server: LocalDiscord, make_bot: Any) -> None:
    out = io.StringIO()
    async with connected(make_bot, server) as bot:
        await bot.sync_to(server)
        console = ConsoleSession(server, out, timeout=5, idle=0.05)
        await console.handle_line("/ping")
        await console.handle_line("/slow")
        await console.handle_line("/search kiwi")
        await console.handle_line("hello bot")
        await console.handle_line("/missing")
        await console.handle_line("/search limit:2")
    assert out.getvalue().splitlines() == [
        "pong",
        "done thinking",
        "(only you can see this)",
        "kiwi|1|False",
        "hello human",
        "error: unknown command /missing (!help lists what the console does; /help what the "
        "bot does)",
        "error: /search query: This field is required.",
    ]
