"""Everything the cogs need, opened once in main() and hung on the bot. No discord import."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.heap import REFREEZE_AFTER_S, refreeze, thaw
from bot.index_cache import load_or_build
from bot.library_search import LibrarySearch
from bot.pack.library import Library, load_library, split_edition
from bot.pack.loader import ContentError, Problem
from bot.pack.model import Pack
from bot.pack.refs import RefIndex, Resolved
from bot.search import SearchEngine

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Edition:
    """One pack in service: its key, text, references and (built on first use) its index."""

    key: str
    pack: Pack
    refs: RefIndex
    index_cache: Path | None = None
    _engine: SearchEngine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def engine(self) -> SearchEngine:
        """The pack's search engine; built (or read from the index cache) when first needed."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = SearchEngine(
                        self.pack, load_or_build(self.pack, self.index_cache)
                    )
        return self._engine

    @property
    def label(self) -> str:
        return self.pack.manifest.title


@dataclass(frozen=True)
class Located:
    """A typed, possibly qualified reference resolved in one edition."""

    edition: Edition | None  # None: the edition named is not in the library
    found: Resolved
    asked_edition: int | None


class Content:
    """The library in service and the indexes built from it; replaced whole on reload.

    `pack`, `engine` and `refs` are those of the default edition (the newest), for callers
    that have not moved to the library API (`edition`, `locate`, `search`) yet."""

    def __init__(
        self, library: Library, directory: Path | None, index_cache: Path | None = None
    ) -> None:
        self.library = library
        self.directory = directory
        self.editions = {
            key: Edition(key, pack, RefIndex(pack), index_cache)
            for key, pack in library.packs.items()
        }
        self.search = LibrarySearch(self.editions)
        self.default.engine  # noqa: B018 (the default edition is indexed up front)

    @classmethod
    def load(cls, directory: Path | None, *, index_cache: Path | None = None) -> Content:
        """Load, validate and index; raises ContentError listing every problem of every pack."""
        return cls(load_library(directory), directory, index_cache)

    @property
    def default_key(self) -> str:
        return self.library.default_key

    @property
    def default(self) -> Edition:
        return self.editions[self.default_key]

    # The default edition, for call sites that predate the library.
    @property
    def pack(self) -> Pack:
        return self.default.pack

    @property
    def engine(self) -> SearchEngine:
        return self.default.engine

    @property
    def refs(self) -> RefIndex:
        return self.default.refs

    def edition(self, key: str | None = None) -> Edition:
        """The edition of pack `key`; the default for None, "" or a key no longer held."""
        if key and key in self.editions:
            return self.editions[key]
        return self.default

    def key_for_year(self, year: int | None, default: str | None = None) -> str | None:
        """The pack key of edition `year` (same chapter as the default); None if not held."""
        if year is None:
            return default if default in self.editions else self.default_key
        base = self.edition(default).pack.manifest.chapter_number
        return self.library.key_for(year, base)

    def locate(self, text: str, default: str | None = None) -> Located:
        """Resolve a typed reference, qualified ('2024:3.1.1(3)') or not (the `default` pack,
        else the library's default)."""
        qualified = split_edition(text)
        key = self.key_for_year(qualified.edition, default)
        if key is None:
            return Located(None, Resolved(None), qualified.edition)
        edition = self.editions[key]
        return Located(edition, edition.refs.resolve(qualified.ref), qualified.edition)


class ContentHolder:
    """The content in service, swapped atomically; a broken pack keeps the old one serving."""

    def __init__(self, content: Content, index_cache: Path | None = None) -> None:
        self.current = content
        self.index_cache = index_cache
        self._lock = asyncio.Lock()

    async def reload(self, directory: Path | None = None) -> list[Problem]:
        """Reload from `directory` (default: the same); returns the errors, empty on success."""
        async with self._lock:
            target = directory if directory is not None else self.current.directory
            try:
                fresh = await asyncio.to_thread(Content.load, target, index_cache=self.index_cache)
            except ContentError as exc:
                for problem in exc.problems:
                    log.error("content reload refused: %s", problem)
                return exc.problems
            self.current = fresh
            del fresh
            if thaw():  # the old content must be collectable, not left frozen (bot/heap.py)
                asyncio.get_running_loop().call_later(REFREEZE_AFTER_S, refreeze)
            log.info(
                "content reloaded",
                extra={
                    "packs": len(self.current.editions),
                    "sections": sum(len(e.pack.sections) for e in self.current.editions.values()),
                    "facts": sum(len(e.pack.facts) for e in self.current.editions.values()),
                },
            )
            return []
