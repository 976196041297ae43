"""What a Discord client shows for a piece of markdown: the visible text, markup removed.

A model of the rules in Discord's support article "Markdown Text 101 (Chat Formatting: Bold,
Italic, Underline)" and of the parser behind it (simple-markdown): a backslash before any
character that is not a letter, digit or space shows that character; code spans show their
content exactly, backslashes included; `**`, `__`, `*`, `_`, `~~` and `||` around text
style it; `[text](https://...)` shows `text`; `<https://...>` shows the link, unpreviewed; and at the start of a line (after spaces)
`> `, `>>> `, `#`/`##`/`### `, `-# `, `- `, `* ` and `1. ` make quotes, headers, subtext and
lists. The model errs towards seeing markup, so text it shows as typed is safe.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"^[ \t]*(?:>>> |> |#{1,3} |-# |[-*+] |\d+\. )")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_AUTOLINK = re.compile(r"<(https?://[^\s>]+)>", re.IGNORECASE)
_STYLES = ("**", "__", "~~", "||", "*", "_")


def visible(text: str) -> str:
    """The text a reader sees."""
    # Block markers belong to lines; inline styles may span lines, as on Discord.
    return _inline("\n".join(_BLOCK.sub("", line) for line in text.split("\n")))


def code_spans(text: str) -> list[str]:
    """The content of every code span, as shown."""
    found: list[str] = []
    _inline(text, found)
    return found


def _closing(text: str, marker: str, start: int) -> int:
    """Index of the `marker` that closes a style opened before `start` (content not empty)."""
    i = start
    while i <= len(text) - len(marker):
        if text[i] == "\\":
            i += 2
            continue
        if i > start and text.startswith(marker, i):
            return i
        i += 1
    return -1


def _inline(text: str, spans: list[str] | None = None) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        escaped = text[i + 1 : i + 2]
        if char == "\\" and escaped and not escaped.isalnum() and not escaped.isspace():
            out.append(escaped)
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = text.find("`" * run, i + run)
            if close > i + run - 1 and close != -1:
                content = text[i + run : close]
                if run > 1 and content.startswith(" ") and content.endswith(" "):
                    content = content[1:-1]
                if spans is not None:
                    spans.append(content)
                out.append(content)
                i = close + run
                continue
        autolink = _AUTOLINK.match(text, i)
        if char == "<" and autolink:
            out.append(autolink.group(1))  # as typed: no markdown inside
            i = autolink.end()
            continue
        link = _LINK.match(text, i)
        if char == "[" and link:
            out.append(_inline(link.group(1), spans))
            i = link.end()
            continue
        styled = False
        for marker in _STYLES:
            if text.startswith(marker, i):
                close = _closing(text, marker, i + len(marker))
                if close != -1:
                    out.append(_inline(text[i + len(marker) : close], spans))
                    i = close + len(marker)
                    styled = True
                break
        if styled:
            continue
        out.append(char)
        i += 1
    return "".join(out)
