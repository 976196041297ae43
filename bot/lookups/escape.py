"""Making user text safe to echo back in a reply."""

from __future__ import annotations

import re

# Backslash first, so the escapes added for the rest are not escaped again.
_MARKDOWN = re.compile(r"([\\*_~|>#\-`\[])")
# `@everyone`, `@here`, users `<@id>` / `<@!id>` and roles `<@&id>`.
_MENTION = re.compile(r"@(?=everyone|here)|<@(?=[!&]?\d+>)")
# Breaks a mention without changing how the text looks.
ZERO_WIDTH_SPACE = "\N{ZERO WIDTH SPACE}"


def escape_markdown(text: str) -> str:
    """`text` with Discord markdown characters backslash-escaped, so it renders as typed."""
    return _MARKDOWN.sub(r"\\\1", text)


def neutralise_mentions(text: str) -> str:
    """`text` with every mention broken by a zero-width space, so none can ping.

    Belt and braces: the reply is also sent with no allowed mentions.
    """
    return _MENTION.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def safe_echo(text: str) -> str:
    """`text` escaped and with mentions broken: the form to quote a user's words in."""
    # Mentions first: escaping turns `<@1>` into `<@1\>`, which the mention pattern misses.
    return escape_markdown(neutralise_mentions(text))
