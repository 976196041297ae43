"""Bot messages as text: plain (scripts, tests, `--plain`) or Discord markdown for a terminal.

Buttons are numbered in reading order, `[2: Page ▶]`, so `!press 2` can name one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from localdiscord.model import Json
from localdiscord.world import MESSAGE_FLAG_EPHEMERAL

BUTTON, LINK_STYLE = 2, 5
_MENTION = re.compile(r"<(#|@!?|@&)(\d+)>")


def message_buttons(message: Json) -> list[Json]:
    """The message's buttons in reading order (row by row); button N is index N - 1."""
    return [
        item
        for row in message.get("components") or []
        for item in row.get("components") or []
        if item.get("type") == BUTTON
    ]


def button_label(item: Json) -> str:
    return item.get("label") or (item.get("emoji") or {}).get("name") or "?"


def _buttons(message: Json) -> list[str]:
    shown = []
    for number, item in enumerate(message_buttons(message), 1):
        notes = []
        if item.get("disabled"):
            notes.append("disabled")
        if item.get("style") == LINK_STYLE and item.get("url"):
            notes.append(item["url"])
        extra = f" ({', '.join(notes)})" if notes else ""
        shown.append(f"[{number}: {button_label(item)}{extra}]")
    return shown


def message_lines(message: Json, text: Callable[[str], Any] = str) -> list[Any]:
    """Pieces of a message in reading order; `text` turns markdown fields into renderables."""
    lines: list[Any] = []
    if message.get("flags", 0) & MESSAGE_FLAG_EPHEMERAL:
        lines.append("(only you can see this)")
    if message.get("content"):
        lines.append(text(message["content"]))
    for embed in message.get("embeds") or []:
        if (embed.get("author") or {}).get("name"):
            lines.append(embed["author"]["name"])
        if embed.get("title"):
            lines.append(f"== {embed['title']} ==")
        if embed.get("description"):
            lines.append(text(embed["description"]))
        for fld in embed.get("fields") or []:
            lines.append(text(f"* {fld.get('name', '')}: {fld.get('value', '')}"))
        if (embed.get("footer") or {}).get("text"):
            lines.append(f"-- {embed['footer']['text']}")
        if embed.get("url"):
            lines.append(f"<{embed['url']}>")
    buttons = _buttons(message)
    if buttons:
        lines.append(" ".join(buttons))
    for attachment in message.get("attachments") or []:
        lines.append(f"[attachment: {attachment['filename']}, {attachment['size']} bytes]")
    return lines


def render_message(message: Json) -> str:
    """Readable plain text of a bot message: content, embeds, buttons, attachments, ephemeral."""
    lines = message_lines(message)
    return "\n".join(lines) if lines else "(empty message)"


def name_mentions(text: str, names: Callable[[str, int], str | None]) -> str:
    """`<#id>`, `<@id>` and `<@&id>` as `#general`, `@admin`, `@role` where `names` knows them."""

    def named(match: re.Match[str]) -> str:
        kind = "#" if match.group(1) == "#" else "@&" if match.group(1) == "@&" else "@"
        name = names(kind, int(match.group(2)))
        return match.group(0) if name is None else ("#" if kind == "#" else "@") + name

    return _MENTION.sub(named, text)


# Discord markdown that CommonMark (what rich renders) lacks or reads differently.
_UNDERLINE = re.compile(r"(?<!\\)__(?=\S)(.+?)(?<=\S)(?<!\\)__")
_SPOILER = re.compile(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|")
_SUBTEXT = re.compile(r"^-# ", re.MULTILINE)


def commonmark(text: str) -> str:
    """Discord markdown in CommonMark terms: `__x__` is underline there, `||x||` a spoiler."""
    text = _SPOILER.sub(lambda m: f"░{m.group(1)}░", text)
    text = _UNDERLINE.sub(lambda m: f"*{m.group(1)}*", text)
    # Discord keeps single line breaks; CommonMark would join the lines.
    text = re.sub(r"(?<!\n)\n(?!\n)", "  \n", text)
    return _SUBTEXT.sub("", text)
