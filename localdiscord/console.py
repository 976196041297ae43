"""A text front end to the local Discord: type `/command ...` or chat, read the bot's answer.

Used by `bluebook-bot console`. Lines are parsed like Discord's command bar:
`/search GCAP treaty` fills the first (required) option, `/search query:GCAP limit:3`
names options (a value runs to the next known `name:` or the end of the line), and words
right after the command that name subcommands select them (`/factoftheday status`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from localdiscord.model import Json
from localdiscord.options import SUB_COMMAND, SUB_COMMAND_GROUP, OptionError, UnknownCommand
from localdiscord.server import LocalDiscord
from localdiscord.world import MESSAGE_FLAG_EPHEMERAL

BUTTON, LINK_STYLE = 2, 5


@dataclass
class SlashLine:
    """`/name sub words` with option values as typed (converted later by their schema)."""

    name: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass
class ChatLine:
    content: str


def _container(option: Json) -> bool:
    return option.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)


def parse_console_line(line: str, commands: Sequence[Json]) -> SlashLine | ChatLine:
    """Split a console line into a slash command with options, or a chat message."""
    text = line.strip()
    if not text.startswith("/") or len(text) == 1 or text[1].isspace():
        return ChatLine(text)
    words = text[1:].split()
    head = words[0]
    chat_commands = {c["name"]: c for c in commands if c.get("type", 1) == 1}
    command = chat_commands.get(head)
    if command is None:
        raise UnknownCommand(head, list(chat_commands))
    rest = text[1:].lstrip()[len(head) :]
    path: list[str] = []
    schemas: list[Json] = command.get("options") or []
    while True:
        stripped = rest.lstrip()
        word = stripped.split(maxsplit=1)[0] if stripped else ""
        sub = next((o for o in schemas if _container(o) and o["name"] == word), None)
        if sub is None:
            break
        path.append(word)
        schemas = sub.get("options") or []
        rest = stripped[len(word) :]
    name = " ".join([head, *path])
    return SlashLine(name, _option_values(rest.strip(), schemas))


def _option_values(rest: str, schemas: list[Json]) -> dict[str, str]:
    if not rest:
        return {}
    names = [o["name"] for o in schemas if not _container(o)]
    if not names:
        raise OptionError(f"this command takes no options, got {rest!r}")
    marker = re.compile(r"(?:^|(?<=\s))(" + "|".join(map(re.escape, names)) + r"):")
    found = list(marker.finditer(rest))
    values: dict[str, str] = {}
    lead = rest[: found[0].start()] if found else rest
    if lead.strip():
        first = next((o for o in schemas if o.get("required") and not _container(o)), None)
        values[(first or schemas[0])["name"]] = lead.strip()
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(rest)
        values[match.group(1)] = rest[match.end() : end].strip()
    return values


def _buttons(message: Json) -> list[str]:
    shown = []
    for row in message.get("components") or []:
        for item in row.get("components") or []:
            if item.get("type") != BUTTON:
                continue
            label = item.get("label") or (item.get("emoji") or {}).get("name") or "?"
            notes = []
            if item.get("disabled"):
                notes.append("disabled")
            if item.get("style") == LINK_STYLE and item.get("url"):
                notes.append(item["url"])
            shown.append(f"[ {label}{' (' + ', '.join(notes) + ')' if notes else ''} ]")
    return shown


def render_message(message: Json) -> str:
    """Readable text of a bot message: content, embeds, buttons, attachments, ephemeral."""
    lines: list[str] = []
    if message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL:
        lines.append("(only you can see this)")
    if message.get("content"):
        lines.append(message["content"])
    for embed in message.get("embeds") or []:
        if (embed.get("author") or {}).get("name"):
            lines.append(embed["author"]["name"])
        if embed.get("title"):
            lines.append(f"== {embed['title']} ==")
        if embed.get("description"):
            lines.append(embed["description"])
        for fld in embed.get("fields") or []:
            lines.append(f"* {fld.get('name', '')}: {fld.get('value', '')}")
        if (embed.get("footer") or {}).get("text"):
            lines.append(f"-- {embed['footer']['text']}")
        if embed.get("url"):
            lines.append(f"<{embed['url']}>")
    buttons = _buttons(message)
    if buttons:
        lines.append(" ".join(buttons))
    for attachment in message.get("attachments") or []:
        lines.append(f"[attachment: {attachment['filename']}, {attachment['size']} bytes]")
    return "\n".join(lines) if lines else "(empty message)"


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


class ConsoleSession:
    """Acts as the admin of the local guild in #general and prints what the bot answers."""

    def __init__(
        self, server: LocalDiscord, out: Writer, *, timeout: float = 15.0, idle: float = 0.2
    ) -> None:
        self.server, self.out = server, out
        self.timeout, self.idle = timeout, idle

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")

    async def handle_line(self, line: str) -> None:
        server = self.server
        seen = set(server.general.messages)
        shown: set[str] = set()
        try:
            parsed = parse_console_line(line, server.known_commands(server.guild))
            if isinstance(parsed, ChatLine):
                if not parsed.content:
                    return
                server.send_message(server.general, server.admin, parsed.content)
                seen.add(max(server.general.messages))
            else:
                handle = await server.slash(
                    parsed.name, parsed.options, user=server.admin, channel=server.general
                )
                record = await handle.settled(self.timeout, self.idle)
                if record.callback_type == 9:
                    title = (record.callback or {}).get("data", {}).get("title", "")
                    self._write(f"[the bot opened a form: {title}]")
                for message in record.messages():
                    shown.add(message["id"])
                    self._write(render_message(message))
            await server.quiesce(self.idle, self.timeout)
        except (OptionError, UnknownCommand) as exc:
            self._write(f"error: {exc}")
            return
        except TimeoutError:
            self._write(f"error: the bot did not answer within {self.timeout:g}s")
            return
        bot_id = str(server.bot_user.id)
        for message_id, message in list(server.general.messages.items()):
            if message_id in seen or message["id"] in shown:
                continue
            if message["author"]["id"] == bot_id:
                self._write(render_message(message))
