"""The parts of a Discord message that lookups ignore: code, quotes and spoilers."""

from __future__ import annotations

import re

# Code comes first: inside it, `>` and `||` are literal. A fence with no closing fence runs
# to the end of the message (Discord renders it that way while it is being typed). Inline
# code is one or more backticks, closed by the same number, as in Discord's parser.
_CODE = re.compile(r"```.*?(?:```|\Z)|(`+)(?:.*?[^`])\1(?!`)", re.DOTALL)
# `>>> ` at the start of a line quotes everything after it, to the end of the message.
_QUOTE_REST = re.compile(r"^[ \t]*>>>.*\Z", re.MULTILINE | re.DOTALL)
# A line starting with `>` is a quote. Discord wants a space after it; we are stricter
# and ignore the line either way, since ignoring too much is quiet and too little is noise.
_QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_SPOILER = re.compile(r"\|\|.+?\|\|", re.DOTALL)


def _blank(match: re.Match[str]) -> str:
    """Spaces for every character but newlines, so offsets and line breaks survive."""
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_ignored(text: str) -> str:
    """`text` with code, block quotes and spoilers replaced by spaces, same length."""
    for pattern in (_CODE, _QUOTE_REST, _QUOTE_LINE, _SPOILER):
        text = pattern.sub(_blank, text)
    return text
