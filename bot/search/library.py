"""Search over the packs in service: every edition ranked together, the default one first
on ties, each paragraph once.

This is the search the bot runs (/search, its buttons, `bluebook-bot search`). Every pack is
searched with its own engine; each engine scores its paragraphs against a whole edition of the
chapter, so the scores of editions of one chapter are on one scale. The rule:

- A paragraph another edition holds unchanged (the same text up to quote style, dashes and
  spaces: `/compare`'s "unchanged") is listed once, under the pack searched first if it holds
  it, else under the newest pack that does, noting the others as "also in".
- A result from another edition ranks above one from the pack searched first only when its
  score is more than EDITION_MARGIN higher; ties and near-ties go to the pack searched first.

So a sentence only an older edition holds comes first when it is the strong match, and a
query the default edition answers as well as an older one is answered from the default.

It takes packs and their engines (`PackEngines`), not the library in service, so it imports
nothing from bot/served.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.pack.compare import text_key
from bot.pack.model import Pack
from bot.search.engine import MAX_LIMIT, SearchEngine, SearchResponse, SearchResult

# How much better (relative score) a match in another edition must be to rank above a match
# in the pack searched first: 0.25 means more than 25% higher. Below that the default edition's
# result comes first, so a server reads its own edition unless another one answers clearly
# better (the case: 3.79 in 2024 against 1.47 in 2025).
EDITION_MARGIN = 0.25


class PackEngine(Protocol):
    """A pack and its search engine (bot/served.py's ServedPack is one)."""

    @property
    def pack(self) -> Pack: ...

    @property
    def engine(self) -> SearchEngine: ...


@dataclass(frozen=True)
class LibraryResult:
    pack_key: str  # the pack the result quotes
    result: SearchResult
    also_in: tuple[str, ...] = ()  # other packs holding the same paragraph unchanged


@dataclass(frozen=True)
class LibraryResponse:
    query: str
    pack_key: str  # the pack searched first
    primary: SearchResponse
    results: tuple[LibraryResult, ...]

    @property
    def suggestions(self) -> tuple[str, ...]:
        return self.primary.suggestions

    @property
    def only_elsewhere(self) -> bool:
        """Nothing in the pack searched first; every result is from another pack."""
        return not self.primary.results and bool(self.results)


class LibrarySearch:
    """Search over packs keyed by pack key, newest first (see the module docstring)."""

    def __init__(self, packs: Mapping[str, PackEngine]) -> None:
        self.packs = packs
        # Paragraph text -> its key (text_key), and key -> the packs holding it, newest first.
        self._keys: dict[str, str] = {}
        self.holders: dict[str, list[str]] = {}
        for pack_key, served in packs.items():
            for paragraph in served.pack.paragraphs.values():
                key = self._key(paragraph.text)
                keys = self.holders.setdefault(key, [])
                if pack_key not in keys:
                    keys.append(pack_key)

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = text_key(text)
        return key

    def also_in(self, text: str, pack_key: str) -> tuple[str, ...]:
        """The other packs holding `text` unchanged, newest first."""
        return tuple(k for k in self.holders.get(self._key(text), ()) if k != pack_key)

    def __call__(self, query: str, *, pack_key: str, limit: int = 5) -> LibraryResponse:
        """Every pack searched, ranked together with pack `pack_key` first on near-ties."""
        wanted = max(1, min(int(limit), MAX_LIMIT))
        response = self.packs[pack_key].engine.search(query, limit=wanted)
        ranked: list[tuple[float, int, int, LibraryResult]] = []
        listed: set[str] = set()
        for rank, r in enumerate(response.results):
            listed.add(self._key(r.paragraph))
            found = LibraryResult(pack_key, r, self.also_in(r.paragraph, pack_key))
            ranked.append((-r.score, 0, rank, found))
        # Another pack's results may repeat what the first one lists: ask each for more.
        more = min(wanted * 2, MAX_LIMIT)
        for order, (other, served) in enumerate(self.packs.items(), start=1):
            if other == pack_key:
                continue
            for rank, r in enumerate(served.engine.search(query, limit=more).results):
                key = self._key(r.paragraph)
                holders = self.holders.get(key, [other])
                # Listed once: under the pack searched first if it holds the paragraph (even
                # when it ranked it lower), else under the newest other pack holding it.
                if key in listed or pack_key in holders or holders[0] != other:
                    continue
                listed.add(key)
                found = LibraryResult(other, r, self.also_in(r.paragraph, other))
                ranked.append((-r.score / (1 + EDITION_MARGIN), order, rank, found))
        ranked.sort(key=lambda item: item[:3])
        results = tuple(found for *_, found in ranked[:wanted])
        return LibraryResponse(query, pack_key, response, results)
