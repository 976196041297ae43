"""Search over the packs in service: one pack first, the others only for what it lacks.

This is the search the bot runs (/search, its buttons, `bluebook-bot search`). The pack asked
for (the server's, or the newest) is searched with its own engine. A paragraph that other
packs hold word for word is shown once, noting "also in". When that pack has fewer results
than asked for, the paragraphs only other packs hold are searched too and listed after, each
under the newest pack that holds it; so a query whose only match is in another pack finds
it, and no paragraph is ever listed twice.

It takes packs and their engines (`PackEngines`), not the library in service, so it imports
nothing from bot/served.py.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from bot.index_cache import load_or_build
from bot.pack.model import Pack, Paragraph, Section
from bot.search.engine import SearchEngine, SearchResponse, SearchResult


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


class _Elsewhere:
    """The paragraphs other packs hold and `pack_key` does not, indexed as one small pack."""

    def __init__(
        self,
        pack_key: str,
        packs: Mapping[str, PackEngine],
        holders: dict[str, list[str]],
        index_cache: Path | None = None,
    ):
        own = packs[pack_key].pack
        self.origins: list[tuple[str, Paragraph]] = []
        seen: set[str] = set()
        for other, served in packs.items():
            if other == pack_key:
                continue
            for paragraph in served.pack.paragraphs.values():
                text = paragraph.text
                if text in seen or pack_key in holders[text]:
                    continue
                seen.add(text)
                self.origins.append((other, paragraph))
        root = Section(ref="0", title="", heading="", level=0, line=0)
        root.paragraphs = [
            Paragraph(f"x{i}", "0", i + 1, p.text, 0) for i, (_, p) in enumerate(self.origins)
        ]
        pack = Pack(own.manifest, root, glossary=own.glossary)
        # Through the index cache like every pack: on a 20 MB library this index is most of
        # the first answer's time when the pack asked for lacks a match.
        self.engine = SearchEngine(pack, load_or_build(pack, index_cache))


class LibrarySearch:
    """Search over packs keyed by pack key, newest first (see the module docstring)."""

    def __init__(self, packs: Mapping[str, PackEngine], index_cache: Path | None = None) -> None:
        self.packs = packs
        self.index_cache = index_cache
        # Paragraph text -> the packs holding it, newest first.
        self.holders: dict[str, list[str]] = {}
        for pack_key, served in packs.items():
            for paragraph in served.pack.paragraphs.values():
                keys = self.holders.setdefault(paragraph.text, [])
                if pack_key not in keys:
                    keys.append(pack_key)
        self._elsewhere: dict[str, _Elsewhere] = {}
        self._lock = threading.Lock()

    def also_in(self, text: str, pack_key: str) -> tuple[str, ...]:
        return tuple(k for k in self.holders.get(text, ()) if k != pack_key)

    def __call__(self, query: str, *, pack_key: str, limit: int = 5) -> LibraryResponse:
        """Search pack `pack_key` first, then what only the other packs hold."""
        response = self.packs[pack_key].engine.search(query, limit=limit)
        results = [
            LibraryResult(pack_key, r, self.also_in(r.paragraph, pack_key))
            for r in response.results
        ]
        wanted = max(1, min(limit, 25))
        if len(results) < wanted and len(self.packs) > 1:
            results += self._from_elsewhere(pack_key, query, wanted - len(results))
        return LibraryResponse(query, pack_key, response, tuple(results))

    def _from_elsewhere(self, pack_key: str, query: str, limit: int) -> list[LibraryResult]:
        elsewhere = self._elsewhere.get(pack_key)
        if elsewhere is None:
            with self._lock:
                elsewhere = self._elsewhere.get(pack_key)
                if elsewhere is None:
                    elsewhere = _Elsewhere(pack_key, self.packs, self.holders, self.index_cache)
                    self._elsewhere[pack_key] = elsewhere
        found: list[LibraryResult] = []
        for r in elsewhere.engine.search(query, limit=limit).results:
            origin, paragraph = elsewhere.origins[int(r.ref[1:])]
            section = self.packs[origin].pack.sections[paragraph.section_ref]
            real = replace(r, ref=paragraph.ref, section_ref=section.ref, title=section.title)
            found.append(LibraryResult(origin, real, self.also_in(paragraph.text, origin)))
        return found
