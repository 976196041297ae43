"""Example inputs taken from the pack being served, for the greeting, /help and the /toc
footer: what we suggest a user type must exist in what the bot serves, on any library, not
only on the shipped page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pack.model import Pack, Section

# A /verify example quotes this many words of a paragraph: enough to be found, short to type.
QUOTE_WORDS = 8


@dataclass(frozen=True)
class Examples:
    term: str  # a glossary term the text uses, else a word of a section title
    ref: str  # a section that has text of its own
    quote: str  # verbatim words for /verify


def _first_leaf_with_text(pack: Pack) -> Section:
    sections = [s for s in pack.root.walk() if s.level > 0 and s.paragraphs]
    leaves = [s for s in sections if not s.children]
    return (leaves or sections or [pack.root])[0]


def _term(pack: Pack, section: Section) -> str:
    text = "\n".join(p.text for p in pack.paragraphs.values())
    for entry in pack.glossary.terms:
        if re.search(rf"(?<!\w){re.escape(entry.term)}(?!\w)", text):
            return entry.term
    words = re.findall(r"[^\W\d_]{4,}", section.title)
    return words[0] if words else section.ref


def examples_from(pack: Pack) -> Examples:
    """A term, a reference and a quote that this pack holds."""
    section = _first_leaf_with_text(pack)
    if pack.facts:
        quote = pack.facts[0].quote
    else:
        quote = section.paragraphs[0].text if section.paragraphs else pack.manifest.title
    words = quote.split()
    return Examples(_term(pack, section), section.ref, " ".join(words[:QUOTE_WORDS]))
