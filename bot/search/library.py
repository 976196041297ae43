"""Search over the packs in service: every edition ranked together, the server's first on
near-ties, each paragraph once.

This is the search the bot runs (/search, its buttons, `bluebook-bot search`). A server reads
one pack; its query is searched in one index made for that pack (`_Reading`): the pack's own
paragraphs plus each paragraph only other editions hold, under a copy of its own section. One
index keeps every score on one scale at the cost of one search. The rule:

- A paragraph another edition holds unchanged (the same text up to quote style, dashes and
  spaces: `/compare`'s "unchanged") is listed once, under the pack searched first if it holds
  it, else under the newest pack that does, noting the others as "also in".
- A result from another edition ranks above one from the pack searched first only when its
  score is more than EDITION_MARGIN higher; ties and near-ties go to the pack searched first.
- The other chapters of the edition searched first are that edition too: their paragraphs
  rank with the pack's own, without the margin, and a paragraph they hold is quoted from
  them rather than from another edition; their glossary terms are read as the pack's own.

So a sentence only an older edition holds comes first when it is the strong match, and a
query the server's edition answers as well as an older one is answered from the server's.

It takes packs and their engines (`PackEngines`), not the library in service, so it imports
nothing from bot/served.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple, Protocol

from bot.index_cache import load_or_build
from bot.pack.compare import text_key
from bot.pack.model import Glossary, Pack, Paragraph, Section, edition_glossary
from bot.search.build import ParagraphWords
from bot.search.engine import MAX_LIMIT, SearchEngine
from bot.search.result import SearchResponse, SearchResult

# How much better (relative score) a match in another edition must be to rank above a match
# in the pack searched first: 0.25 means more than 25% higher. Below that the default edition's
# result comes first, so a server reads its own edition unless another one answers clearly
# better (the case: 3.79 in 2024 against 1.47 in 2025).
EDITION_MARGIN = 0.25

_score_and_rank = itemgetter(0, 1)


class PackEngine(Protocol):
    """A pack and its search engine (bot/served.py's ServedPack is one)."""

    @property
    def pack(self) -> Pack: ...

    @property
    def engine(self) -> SearchEngine: ...


class LibraryResult(NamedTuple):
    """(A named tuple: a search makes one for each result, and a frozen dataclass costs
    several times as much to make.)"""

    pack_key: str  # the pack the result quotes
    result: SearchResult
    also_in: tuple[str, ...] = ()  # other packs holding the same paragraph unchanged


class LibraryResponse(NamedTuple):
    """A library search's answer (a named tuple, as `LibraryResult`)."""

    query: str
    pack_key: str  # the pack searched first
    primary: SearchResponse  # the results from its edition (every chapter of it)
    results: tuple[LibraryResult, ...]
    in_edition: tuple[LibraryResult, ...] = ()  # `primary`'s results, with their packs

    @property
    def suggestions(self) -> tuple[str, ...]:
        return self.primary.suggestions

    @property
    def only_elsewhere(self) -> bool:
        """Nothing in the edition searched first (any of its chapters); every result is from
        another edition."""
        return not self.primary.results and bool(self.results)


class _Reading:
    """What a server reading pack `pack_key` can be answered from, as one index: the pack's own
    paragraphs and, beside them, each paragraph only other packs hold (once, from the newest
    holding it), under a copy of its own section so its titles count as they do in its pack.

    One index, so a query is one search and every score is on one scale (the pack's own
    paragraphs set the statistics, as in its own engine); `origins` maps the extra paragraphs'
    refs back to the pack and paragraph they quote."""

    def __init__(
        self,
        pack_key: str,
        packs: Mapping[str, PackEngine],
        holders: Mapping[str, list[str]],
        keys: Callable[[list[str]], list[str]],
        index_cache: Path | None,
        glossary: Glossary,
        words: ParagraphWords | None = None,
    ) -> None:
        own = packs[pack_key].pack
        year = own.manifest.edition_year
        # The edition's other chapters: their paragraphs count as the pack's own, and their
        # glossary terms too (`glossary`).
        self.chapters = {k for k, s in packs.items() if s.pack.manifest.edition_year == year}
        self.origins: dict[str, tuple[str, Paragraph]] = {}
        extra: list[Section] = []
        # Paragraphs the pack holds itself, and those already taken from a newer pack.
        seen = set(keys([p.text for p in own.paragraphs.values()]))
        for other, served in packs.items():
            if other == pack_key:
                continue
            theirs = list(served.pack.paragraphs.values())
            for paragraph, k in zip(theirs, keys([p.text for p in theirs]), strict=True):
                if k in seen or _quoted_from(holders.get(k, [other]), self.chapters) != other:
                    continue
                seen.add(k)
                source = served.pack.sections[paragraph.section_ref]
                ref = f"x{len(extra)}"
                # The copy's parent is the source's, so the titles above it count too.
                section = Section(ref, source.title, source.heading, source.level, 0, source.parent)
                section.paragraphs = [Paragraph(f"{ref}¶1", ref, 1, paragraph.text, 0)]
                extra.append(section)
                self.origins[section.paragraphs[0].ref] = (other, paragraph)
        if not extra and glossary is own.glossary:
            self.engine = packs[pack_key].engine
            return
        sections = {**own.sections, **{s.ref: s for s in extra}}
        paragraphs = {**own.paragraphs, **{s.paragraphs[0].ref: s.paragraphs[0] for s in extra}}
        reading = Pack(own.manifest, own.root, (), glossary, sections, paragraphs)
        self.engine = SearchEngine(
            reading, load_or_build(reading, index_cache, words), more_titles=_headings_above(extra)
        )


def _headings_above(copies: list[Section]) -> list[str]:
    """The titles of the headings without text above the copied sections (a part heading of
    another chapter, all of whose text is in its subsections): "Try:" offers them as it offers
    the pack's own. (Headings with text come with their copies.)"""
    found: dict[str, None] = {}
    for copy in copies:
        node = copy.parent
        while node is not None and node.level > 0:
            if not node.paragraphs:
                found.setdefault(node.title)
            node = node.parent
    return list(found)


def _quoted_from(holders: list[str], chapters: set[str]) -> str:
    """Which of the packs holding a paragraph (newest first) a reader of the edition of
    `chapters` is quoted: a chapter of that edition, else the newest."""
    return next((k for k in holders if k in chapters), holders[0])


class LibrarySearch:
    """Search over packs keyed by pack key, newest first (see the module docstring)."""

    def __init__(
        self,
        packs: Mapping[str, PackEngine],
        index_cache: Path | None = None,
        text_keys: dict[str, str] | None = None,
    ) -> None:
        """`text_keys`: paragraph texts' keys already worked out (the library's, which it
        keeps); filled in as texts are met."""
        self.packs = packs
        self.index_cache = index_cache
        # Paragraph text -> its key (text_key), and key -> the packs holding it, newest first.
        self._keys: dict[str, str] = {} if text_keys is None else text_keys
        self.holders: dict[str, list[str]] = {}
        for pack_key, served in packs.items():
            texts = [p.text for p in served.pack.paragraphs.values()]
            for key in dict.fromkeys(self._keys_of(texts)):
                self.holders.setdefault(key, []).append(pack_key)
        self._reading: dict[str, _Reading] = {}
        self._also_in: dict[tuple[str, str], tuple[str, ...]] = {}
        self._in_use: dict[str, Glossary] = {}
        self._glossaries: dict[str, Glossary] = {}
        self._lock = threading.Lock()

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = text_key(text)
        return key

    def _keys_of(self, texts: list[str]) -> list[str]:
        """`_key` of each text: a library's start-up asks for every paragraph of every pack,
        nearly all of them already known."""
        known = self._keys
        for text in set(texts).difference(known):
            known[text] = text_key(text)
        return list(map(known.__getitem__, texts))

    def also_in(self, text: str, pack_key: str) -> tuple[str, ...]:
        """The other packs holding `text` unchanged, newest first (kept: the packs are those
        of the library, and a paragraph found once is found again)."""
        found = self._also_in.get((text, pack_key))
        if found is None:
            holders = self.holders.get(self._key(text), ())
            found = self._also_in[text, pack_key] = tuple([k for k in holders if k != pack_key])
        return found

    def glossary(self, pack_key: str) -> Glossary:
        """The glossary a reader of pack `pack_key` reads, in search and in chat lookups: its
        own with the terms of the other chapters of its edition (`edition_glossary`)."""
        found = self._glossaries.get(pack_key)
        if found is None:
            own = self.packs[pack_key].pack
            year = own.manifest.edition_year
            others = [
                s.pack.glossary
                for k, s in self.packs.items()
                if k != pack_key and s.pack.manifest.edition_year == year
            ]
            found = self._glossaries[pack_key] = edition_glossary(own.glossary, others)
        return found

    def glossary_in_use(self, pack_key: str) -> Glossary:
        """`glossary(pack_key)` without the terms whose names no text a reader of the pack
        is answered from uses (its reading: its edition's chapters, and paragraphs only other
        editions hold): chat lookups mention only terms `[[term]]` can quote."""
        found = self._in_use.get(pack_key)
        if found is None:
            glossary = self.glossary(pack_key)
            used = self.reading(pack_key).engine.terms_used
            terms = tuple(t for t in glossary.terms if t.term in used)
            found = glossary if terms == glossary.terms else replace(glossary, terms=terms)
            self._in_use[pack_key] = found
        return found

    def reading(self, pack_key: str, words: ParagraphWords | None = None) -> _Reading:
        """The index a server reading `pack_key` is searched in (built on first use, from
        `words` where given)."""
        found = self._reading.get(pack_key)
        if found is None:
            with self._lock:
                found = self._reading.get(pack_key)
                if found is None:
                    found = _Reading(
                        pack_key,
                        self.packs,
                        self.holders,
                        self._keys_of,
                        self.index_cache,
                        self.glossary(pack_key),
                        words,
                    )
                    self._reading[pack_key] = found
        return found

    def __call__(self, query: str, *, pack_key: str, limit: int = 5) -> LibraryResponse:
        """Every edition ranked together, pack `pack_key` first on near-ties."""
        wanted = max(1, min(int(limit), MAX_LIMIT))
        reading = self.reading(pack_key)
        # A result from another edition may drop below the margin: ask for a few more. With
        # no other edition's paragraph in the index, the engine's order is the answer's.
        asked = min(wanted * 2, MAX_LIMIT) if reading.origins else wanted
        response = reading.engine.search(query, limit=asked)
        if not reading.origins:
            # Every result is the pack's own, already best first (ties in the engine's order).
            alone = tuple(
                [
                    LibraryResult(pack_key, r, self.also_in(r.paragraph, pack_key))
                    for r in response.results
                ]
            )
            return LibraryResponse(query, pack_key, response, alone, alone)
        ranked: list[tuple[float, int, LibraryResult]] = []
        own: list[LibraryResult] = []  # from the edition searched, best first
        for rank, r in enumerate(response.results):
            origin = reading.origins.get(r.ref)
            if origin is None:
                found = LibraryResult(pack_key, r, self.also_in(r.paragraph, pack_key))
                own.append(found)
                ranked.append((-r.score, rank, found))
                continue
            other, paragraph = origin
            section = self.packs[other].pack.sections[paragraph.section_ref]
            real = r.quoted_as(paragraph.ref, section.ref, section.title)
            found = LibraryResult(other, real, self.also_in(paragraph.text, other))
            if other in reading.chapters:
                own.append(found)
                ranked.append((-r.score, rank, found))
            else:
                ranked.append((-r.score / (1 + EDITION_MARGIN), rank, found))
        ranked.sort(key=_score_and_rank)
        results = tuple([found for *_, found in ranked[:wanted]])
        primary = SearchResponse(
            response.query,
            response.normalized,
            tuple([f.result for f in own[:wanted]]),
            response.suggestions,
        )
        return LibraryResponse(query, pack_key, primary, results, tuple(own[:wanted]))
