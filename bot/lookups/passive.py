"""Passive mode: glossary terms mentioned plainly in chat, found without `[[...]]`.

Off by default and switched on per channel elsewhere. It is deliberately conservative:
a missed term costs nothing, a reply nobody asked for is noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.lookups.extract import blank_bracketed
from bot.lookups.markdown import strip_ignored
from bot.pack.model import Glossary, GlossaryTerm

# A line with at least this many words and no lowercase letter is shouting: "LET US KNOW".
# Acronyms in it are ignored, since every word there is written in capitals.
SHOUTING_MIN_WORDS = 3
# Glossaries kept compiled: one for each pack servers read (its edition's terms together).
COMPILED_GLOSSARIES = 16

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Name:
    pattern: re.Pattern[str]
    term: GlossaryTerm
    is_acronym: bool


def _is_acronym(name: str) -> bool:
    """Written without lowercase letters (GCAP, U.S., WW2): must be matched as written.

    So "us" and "un" in English never trigger US and UN; "US" and "UN" do.
    """
    return any(c.isupper() for c in name) and not any(c.islower() for c in name)


def _compile(name: str, term: GlossaryTerm) -> _Name:
    words = r"\s+".join(re.escape(word) for word in name.split())
    acronym = _is_acronym(name)
    # Whole words only: "UN" is not in "UNUSUAL", "NSS" is not in "NSSA".
    pattern = re.compile(rf"(?<!\w){words}(?!\w)", 0 if acronym else re.IGNORECASE)
    return _Name(pattern, term, acronym)


@lru_cache(maxsize=COMPILED_GLOSSARIES)
def _names(glossary: Glossary) -> tuple[_Name, ...]:
    names = []
    for term in glossary.terms:
        for name in dict.fromkeys(term.names):  # a term may repeat as its own expansion
            if name.strip():
                names.append(_compile(name, term))
    return tuple(names)


def _is_shouting(line: str) -> bool:
    return len(_WORD.findall(line)) >= SHOUTING_MIN_WORDS and not any(c.islower() for c in line)


def _shouted_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        if _is_shouting(line.group(0)):
            spans.append(line.span())
    return spans


def find_terms(text: str, glossary: Glossary) -> list[GlossaryTerm]:
    """Glossary terms named as whole words in `text`, in order of first mention, each once.

    Code, quotes, spoilers and `[[...]]` are skipped. Where names overlap, the longest wins:
    "UN Peacekeeping operations" is PKO, not UN as well.
    """
    # `[[...]]` are explicit lookups, answered by `extract_lookups`, so they are skipped here.
    visible = blank_bracketed(strip_ignored(text))
    shouted = _shouted_spans(visible)
    hits: list[tuple[int, int, GlossaryTerm]] = []
    for name in _names(glossary):
        for match in name.pattern.finditer(visible):
            start, end = match.span()
            if name.is_acronym and any(a <= start < b for a, b in shouted):
                continue
            hits.append((start, end, name.term))
    hits.sort(key=lambda hit: (hit[0], hit[0] - hit[1]))
    terms: list[GlossaryTerm] = []
    taken_until = 0
    for start, end, term in hits:
        if start < taken_until:
            continue
        taken_until = end
        if term not in terms:
            terms.append(term)
    return terms
