"""Markdown for replies: user text escaped so it shows as typed and never pings. No discord.

`escape` is the form to quote anyone's words in (a query, a title, the chapter's own text);
Discord's own `discord.utils.escape_markdown` escapes `-` and `#` inside a line too, which
shows backslashes in "Japan-U.S."; this module escapes only where the markup would act.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# Discord's markdown (support article "Markdown Text 101"): these mark up text anywhere...
_INLINE = re.compile(r"([\\*_~|`\[])")
# ... and these only at the start of a line (quotes, headers, subtext, lists, numbered lists).
_LINE_START = re.compile(r"^([ \t]*)([>#\-+])", re.MULTILINE)
_NUMBERED = re.compile(r"^([ \t]*\d+)\.(?=\s|$)", re.MULTILINE)
# `@everyone`, `@here`, users `<@id>` / `<@!id>` and roles `<@&id>`.
_MENTION = re.compile(r"@(?=everyone|here)|<@(?=[!&]?\d+>)")
# Bidirectional controls (embeddings and overrides U+202A-U+202E, isolates U+2066-U+2069,
# marks U+200E/U+200F): echoed, they make a reply read differently from what it says.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# A link Discord makes of plain text: http(s)://, up to a space or angle bracket, not ending
# in punctuation. Echoed as typed it would be a live link in the bot's answer, with a
# preview of the page; in `<...>` Discord shows it without the brackets and without a preview.
_URL = re.compile(r"https?://[^\s<>]*[^\s<>.,:;\"')\]]", re.IGNORECASE)
# Text in which none of the patterns above can match has none of their characters
# (`_MARKED`), no line starting with a marker or a number and a full stop (`_LINE_MARK`), and
# no link (no "://"). Most quoted text is such, and these tests are cheaper than the
# substitutions that would change nothing: a search for one set of characters is a scan,
# where a pattern of alternatives is tried at every character.
_MARKED = re.compile("[\\\\*_~|`\\[@<\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_LINE_MARK = re.compile(r"[ \t]*(?:[>#\-+]|\d+\.)")
_LINE_MARKERS = frozenset(">#-+")
# Breaks a mention without changing how the text looks.
ZERO_WIDTH_SPACE = "\N{ZERO WIDTH SPACE}"


def escape_markdown(text: str) -> str:
    """`text` with Discord markdown backslash-escaped where it would act, so it shows as typed.

    A hyphen or `#` inside a line is left alone (`Japan-U.S.`), since only a line that starts
    with one becomes a list or a header. Never use this inside a code span, where backslashes
    show: use `code`.
    """
    text = _INLINE.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\.", text)


def neutralise_mentions(text: str) -> str:
    """`text` with every mention broken by a zero-width space, so none can ping.

    Belt and braces: the reply is also sent with no allowed mentions.
    """
    return _MENTION.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def escape(text: str, *, links: bool = True) -> str:
    """`text` escaped, with mentions broken, bidirectional controls removed and links kept
    from previewing (in `<...>`): the form to quote a user's words in. `links=False` for an
    embed title, where Discord makes no link of text and would show the brackets."""
    if _plain(text):
        return text
    text = _BIDI.sub("", text)
    if not links:
        return _escape_text(text)
    out, at = [], 0
    for link in _URL.finditer(text):
        out.append(_escape_text(text[at : link.start()]))
        # Inside `<...>` Discord reads no markdown: a backslash there would become part of it.
        out.append(f"<{neutralise_mentions(link.group(0))}>")
        at = link.end()
    out.append(_escape_text(text[at:]))
    return "".join(out)


def escaper(text: str, *, within: str | None = None) -> Callable[[str], str]:
    """`escape` for pieces of `text` (each escaped as a text of its own), with the whole
    scanned once: without a marked character or a link in it, a piece can only need its
    line starts escaped. `within`: a text that `text` is a slice of (an excerpt's paragraph),
    whose scan is kept, so a paragraph quoted again is not scanned again."""
    plain = (within is not None and _inline_plain_kept(within)) or _inline_plain(text)
    return _escape_line_starts if plain else escape


def _escape_line_starts(piece: str) -> str:
    if "\n" in piece:
        return escape(piece)
    # Most pieces start with a letter: no pattern is tried on them (`_LINE_MARK` needs a
    # marker or a digit after the spaces).
    first = piece.lstrip(" \t")[:1]
    if not (first in _LINE_MARKERS or first.isdecimal()) or _LINE_MARK.match(piece) is None:
        return piece
    return escape(piece)


def _inline_plain(text: str) -> bool:
    return _MARKED.search(text) is None and "://" not in text


# The pack's paragraphs are few and quoted again and again.
_inline_plain_kept = lru_cache(maxsize=4096)(_inline_plain)


def _plain(text: str) -> bool:
    """Whether `escape` would leave `text` as it is (see `_MARKED`)."""
    if not _inline_plain(text):
        return False
    if _LINE_MARK.match(text) is not None:
        return False
    return "\n" not in text or not any(_LINE_MARK.match(line) for line in text.split("\n"))


def link_spans(text: str) -> list[tuple[int, int]]:
    """Where `escape` finds links in `text`: a caller escaping it in pieces must not cut one."""
    return [link.span() for link in _URL.finditer(text)]


def _escape_text(text: str) -> str:
    # Mentions first: escaping turns `<@1>` into `<@1\>`, which the mention pattern misses.
    return escape_markdown(neutralise_mentions(text))


def code(text: str) -> str:
    """`text` as an inline code span, shown exactly as typed.

    Discord shows backslashes inside code literally, so nothing is escaped here; a backtick
    in `text` gets a double-backtick span, and a double backtick (which no span can hold) is
    shown as a modifier-letter grave.
    """
    text = " ".join(text.split()) or " "
    if "`" not in text:
        return f"`{text}`"
    if "``" not in text:
        return f"`` {text} ``"
    return "`" + text.replace("`", "\N{MODIFIER LETTER GRAVE ACCENT}") + "`"
