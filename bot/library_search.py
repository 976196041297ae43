"""Search over a library: one edition first, the others only for what it does not hold.

The edition asked for (the default: the newest, or the server's) is searched with its own
engine. A paragraph that other editions hold word for word is shown once, noting "also in".
When that edition has fewer results than asked for, the paragraphs that only other editions
hold (texts the first edition does not have) are searched too and listed after, each under
the newest edition that holds it; so a query whose only match is in another edition finds it,
and no paragraph is ever listed twice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.pack.model import Pack, Paragraph, Section
from bot.search import SearchEngine, SearchResponse, SearchResult

if TYPE_CHECKING:
    from bot.services import Edition


@dataclass(frozen=True)
class LibraryResult:
    key: str  # the pack the result quotes
    result: SearchResult
    also_in: tuple[str, ...] = ()  # other packs holding the same paragraph unchanged


@dataclass(frozen=True)
class LibraryResponse:
    query: str
    key: str  # the edition searched first
    primary: SearchResponse
    results: tuple[LibraryResult, ...]

    @property
    def suggestions(self) -> tuple[str, ...]:
        return self.primary.suggestions

    @property
    def only_elsewhere(self) -> bool:
        """Nothing in the edition searched first; every result is from another edition."""
        return not self.primary.results and bool(self.results)


class _Elsewhere:
    """The paragraphs other editions hold and `key` does not, indexed as one small pack."""

    def __init__(self, key: str, editions: dict[str, Edition], holders: dict[str, list[str]]):
        own = editions[key].pack
        self.origins: list[tuple[str, Paragraph]] = []
        seen: set[str] = set()
        for other, edition in editions.items():
            if other == key:
                continue
            for paragraph in edition.pack.paragraphs.values():
                text = paragraph.text
                if text in seen or key in holders[text]:
                    continue
                seen.add(text)
                self.origins.append((other, paragraph))
        root = Section(ref="0", title="", heading="", level=0, line=0)
        root.paragraphs = [
            Paragraph(f"x{i}", "0", i + 1, p.text, 0) for i, (_, p) in enumerate(self.origins)
        ]
        self.engine = SearchEngine.build(Pack(own.manifest, root, glossary=own.glossary))


class LibrarySearch:
    def __init__(self, editions: dict[str, Edition]) -> None:
        self.editions = editions
        # Paragraph text -> the packs holding it, newest first.
        self.holders: dict[str, list[str]] = {}
        for key, edition in editions.items():
            for paragraph in edition.pack.paragraphs.values():
                keys = self.holders.setdefault(paragraph.text, [])
                if key not in keys:
                    keys.append(key)
        self._elsewhere: dict[str, _Elsewhere] = {}
        self._lock = threading.Lock()

    def also_in(self, text: str, key: str) -> tuple[str, ...]:
        return tuple(k for k in self.holders.get(text, ()) if k != key)

    def __call__(self, query: str, *, key: str, limit: int = 5) -> LibraryResponse:
        """Search edition `key` first, then what only the other editions hold."""
        primary = self.editions[key]
        response = primary.engine.search(query, limit=limit)
        results = [LibraryResult(key, r, self.also_in(r.paragraph, key)) for r in response.results]
        wanted = max(1, min(limit, 25))
        if len(results) < wanted and len(self.editions) > 1:
            results += self._from_elsewhere(key, query, wanted - len(results))
        return LibraryResponse(query, key, response, tuple(results))

    def _from_elsewhere(self, key: str, query: str, limit: int) -> list[LibraryResult]:
        elsewhere = self._elsewhere.get(key)
        if elsewhere is None:
            with self._lock:
                elsewhere = self._elsewhere.get(key)
                if elsewhere is None:
                    elsewhere = self._elsewhere[key] = _Elsewhere(key, self.editions, self.holders)
        found: list[LibraryResult] = []
        for r in elsewhere.engine.search(query, limit=limit).results:
            origin, paragraph = elsewhere.origins[int(r.ref[1:])]
            section = self.editions[origin].pack.sections[paragraph.section_ref]
            real = replace(r, ref=paragraph.ref, section_ref=section.ref, title=section.title)
            found.append(LibraryResult(origin, real, self.also_in(paragraph.text, origin)))
        return found
