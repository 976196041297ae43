"""Split a paragraph into sentences without cutting after "U.S.", "e.g." or "No."."""

from __future__ import annotations

import re

# Words that end in a full stop without ending the sentence. Compared case-insensitively,
# without the final stop. Dotted forms (U.S., U.K., e.g.) are caught by _DOTTED as well.
_ABBREVIATIONS_TEXT = """
u.s u.k u.n e.g i.e etc no nos mr mrs ms dr st vs cf art arts para paras fig approx inc
ltd co corp jr sr prof gen gov sen rep dept est jan feb mar apr jun jul aug sep sept
oct nov dec vol pp p
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
# A candidate end: terminal punctuation, any closing quotes or brackets, then whitespace and
# something that can start a sentence.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[^\W_])")
_LEADING = "\"'“‘([<"


def _is_abbreviation(text: str, stop: int) -> bool:
    """Whether the word ending just before `stop` (a full stop) is an abbreviation."""
    begin = max(text.rfind(" ", 0, stop), text.rfind("\n", 0, stop)) + 1
    word = text[begin:stop].lstrip(_LEADING)
    # In "Japan-U.S." only the last part counts.
    word = re.split(r"[-/–—]", word)[-1]
    if not word:
        return False
    if word.casefold() in ABBREVIATIONS or _DOTTED.match(word):
        return True
    # A single capital is an initial ("J. Smith"); a single digit ends a sentence ("in 3.").
    return len(word) == 1 and word.isalpha() and word.isupper()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; together they cover all non-space text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        stop = m.start()
        if m.group()[:2] != ".." and m.group()[0] == "." and _is_abbreviation(text, stop):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    result: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((s, e))
    return result
