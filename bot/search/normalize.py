"""Search's text normaliser and tokenizer: queries and the chapter use the same code.

`normalize_query` is the one query normaliser: search, the usage log (so /stats groups
queries as search reads them) and lookup de-duplication all use it. Reference labels are
folded by `normalize` too, then compacted (bot/pack/refs.py `normalise_ref`).

Normalising folds what a reader would call "the same text": Unicode compatibility forms
(NFKC, so full-width letters become ASCII), case (casefold), typographic quotes to straight
ones, every dash and hyphen variant to "-", zero-width and direction marks removed, and runs
of whitespace to one space. `fold_with_map` also keeps, for every output character, the span
of the original text it came from, so matches found in normalised text can be quoted verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′‵`´"), "'") | dict.fromkeys(map(ord, "“”„‟″‶«»"), '"')
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−⁃﹘﹣"), "-")
# Invisible characters that people paste along with text: zero-width, soft hyphen, BOM, bidi;
# and those that show as blank though Unicode calls them letters or symbols (Hangul fillers,
# the Mongolian vowel separator, the blank Braille pattern), used on Discord as "empty" text.
_INVISIBLE = dict.fromkeys(
    [
        *(0x00AD, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x061C),
        *(0x115F, 0x1160, 0x3164, 0xFFA0, 0x180E, 0x2800),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    None,
)
_TABLE: dict[int, str | None] = {**_QUOTES, **_DASHES, **_INVISIBLE}

_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Printable ASCII separated by single spaces is folded in bulk (the common case); a base
# letter followed by a combining mark is left to `other` so the two are composed together.
_PIECE = re.compile(
    rf"(?P<ascii>(?: ?[\x21-\x7e])+(?![{_COMBINING}]))|(?P<space>\s+)|(?P<other>.[{_COMBINING}]*)",
    re.DOTALL,
)

# A word: letters/digits, dotted abbreviations (U.S., e.g.), joined by hyphens or apostrophes.
_PART = r"(?:[^\W\d_](?:\.[^\W\d_])+\.?|[^\W_]+)"
_WORD = re.compile(rf"{_PART}(?:['\-]{_PART})*")
_PART_RE = re.compile(_PART)
# The same words as a splitter: `split` hands back every word and the text between words, so
# the words' offsets follow from the pieces' lengths without a match object per word.
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
# On ASCII text the ASCII classes find the same words, a third faster.
_ASCII_WORD_SPLIT = re.compile(f"({_WORD.pattern})", re.ASCII)
# ASCII text without apostrophes, hyphens or dots (most queries) has for words its runs of
# letters and digits: every other character becomes a space and the text is split there.
_SEPARATORS = {c: " " for c in range(128) if not chr(c).isalnum() and chr(c) not in "'-."}
# Clitics after an apostrophe carry no meaning for search ("Japan's" is "Japan").
_CLITICS = frozenset({"s", "t", "d", "ll", "re", "ve", "m"})


@lru_cache(maxsize=8192)
def _fold(cluster: str, fold_case: bool) -> str:
    text = unicodedata.normalize("NFKC", cluster).translate(_TABLE)
    if fold_case:
        text = text.casefold()
    if text and text.isspace():
        return " "
    return text


@dataclass(frozen=True)
class Folded:
    """Normalised text plus, per character, the original span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` back to the original string."""
        if end <= start:
            return (self.starts[start], self.starts[start]) if start < len(self.starts) else (0, 0)
        return self.starts[start], self.ends[end - 1]


def fold_with_map(text: str, fold_case: bool = True) -> Folded:
    """Normalise `text`, remembering where each output character came from."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last_space = False
    for m in _PIECE.finditer(text):
        s, e = m.span()
        piece = m.group()
        if m.lastgroup == "ascii":
            parts.append(piece.lower() if fold_case else piece)
            starts.extend(range(s, e))
            ends.extend(range(s + 1, e + 1))
            last_space = piece.endswith(" ")
            continue
        folded = " " if m.lastgroup == "space" else _fold(piece, fold_case)
        if folded == " ":
            if last_space:
                ends[-1] = e
                continue
            last_space = True
        elif folded:
            last_space = folded.endswith(" ")
        parts.append(folded)
        starts.extend([s] * len(folded))
        ends.extend([e] * len(folded))
    return Folded("".join(parts), tuple(starts), tuple(ends))


def is_plain(text: str) -> bool:
    """True when normalising only lowers the case, so offsets stay the same: ASCII whose
    only whitespace is single spaces (no control character either, which costs nothing to
    rule out along with tabs and newlines, and normalises to itself anyway)."""
    return text.isascii() and text.isprintable() and "  " not in text


def normalize(text: str, fold_case: bool = True) -> str:
    """The normalised form of `text` (the same as `fold_with_map(text).text`)."""
    if is_plain(text):
        return text.lower() if fold_case else text
    return fold_with_map(text, fold_case).text


# Longer input is cut here: a Discord message is at most 2,000 characters (4,000 for Nitro).
MAX_QUERY_CHARS = 4000


def normalize_query(query: str) -> str:
    """A query as search reads it: cut to MAX_QUERY_CHARS, normalised, single-spaced.

    The one normaliser for queries: the engine searches this form, and the usage log stores
    it (capped), so /stats groups queries the way search reads them."""
    text = query[:MAX_QUERY_CHARS] if isinstance(query, str) else ""
    return " ".join(normalize(text).split())


class Token(NamedTuple):
    """A word of normalised text; `joined` marks the whole of a hyphenated compound."""

    text: str
    start: int
    end: int
    joined: bool = False


# Token's own constructor is a Python function; building the tuple directly is several
# times cheaper, and indexing makes a token of every word of every paragraph.
_token = tuple.__new__


def tokenize(normalized: str) -> list[Token]:
    """Words of already normalised text: "u.s." gives "us", "japan's" gives "japan", and
    "peace-keeping" gives "peace", "keeping" and the joined form "peacekeeping"."""
    if not normalized.isascii() or "'" in normalized or "-" in normalized or "." in normalized:
        return tokens_by_pattern(normalized)
    tokens: list[Token] = []
    append = tokens.append
    start = 0
    for word in normalized.translate(_SEPARATORS).split(" "):
        if word:
            end = start + len(word)
            append(_token(Token, (word, start, end, False)))
            start = end + 1
        else:
            start += 1
    return tokens


def tokens_by_pattern(normalized: str) -> list[Token]:
    """`tokenize` by the word pattern, for any text (`tokenize` splits most queries faster)."""
    tokens: list[Token] = []
    append = tokens.append
    for m in _WORD.finditer(normalized):
        word = m.group()
        if "-" not in word and "'" not in word:
            text = word.replace(".", "") if "." in word else word
            append(_token(Token, (text, m.start(), m.end(), False)))
            continue
        start = m.start()
        for text, s, e, joined in word_tokens(word):
            append(_token(Token, (text, start + s, start + e, joined)))
    return tokens


def word_tokens(word: str) -> tuple[tuple[str, int, int, bool], ...]:
    """The tokens one word of `tokenize` gives: (text, start, end, joined), the offsets
    within the word."""
    if "-" not in word and "'" not in word:
        return ((word.replace(".", "") if "." in word else word, 0, len(word), False),)
    pieces: list[tuple[str, int, int, bool]] = []
    for p in _PART_RE.finditer(word):
        after_apostrophe = p.start() > 0 and word[p.start() - 1] == "'"
        if after_apostrophe and p.group() in _CLITICS:
            continue
        pieces.append((p.group().replace(".", ""), p.start(), p.end(), False))
    if len(pieces) > 1 and "-" in word:
        pieces.append(("".join(t[0] for t in pieces), pieces[0][1], pieces[-1][2], True))
    return tuple(pieces)


def word_spans(normalized: str) -> tuple[list[str], list[int], list[int]]:
    """The words `tokenize` starts from (before `word_tokens` splits them), with their start
    and end offsets: the same words, found in bulk for indexing a whole pack."""
    parts = (_ASCII_WORD_SPLIT if normalized.isascii() else _WORD_SPLIT).split(normalized)
    bounds = list(accumulate(map(len, parts), initial=0))
    return parts[1::2], bounds[1:-1:2], bounds[2::2]


def words(text: str) -> list[str]:
    """The plain words of raw text, normalised (no joined compounds)."""
    return [t.text for t in tokenize(normalize(text)) if not t.joined]
