"""The library in service: the packs the bot serves, and which one a server reads.

Three names, one meaning each. An *edition* is a year (2025). A *pack* is one chapter of one
edition, named by its *pack key* ("2025-3"). What the bot serves:

- `ServedPack`: one pack in service, with its references and (built on first use) its
  search engine;
- `ServedLibrary`: every pack in service, keyed by pack key, newest first, and the library
  search over them; replaced whole on reload;
- `LibraryInService`: holds the current `ServedLibrary`, swaps it atomically on reload
  (saying what the reload did in a `Reloaded`), and resolves a server's pack (`for_guild`)
  for every cog, lookups and the fact of the day.

No discord import.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.fetch.contents import known_pages
from bot.heap import REFREEZE_AFTER_S, collection_paused, give_back, refreeze, thaw
from bot.index_cache import load_or_build
from bot.pack.compare import Comparison, EditionChanges, changes_between, compare
from bot.pack.held_pages import KnownPages
from bot.pack.library import Library, load_library, split_edition
from bot.pack.library import pack_key as pack_key_of
from bot.pack.loader import ContentError, Problem
from bot.pack.model import Fact, Glossary, GlossaryTerm, Pack, glossary_text
from bot.pack.refs import EditionRefs, RefIndex, Resolved
from bot.replies.custom_ids import TEXT_STAMP_CHARS
from bot.search.build import ParagraphWords
from bot.search.engine import SearchEngine
from bot.search.library import LibraryResponse, LibrarySearch
from bot.search.verify import LibraryVerdict, verify_in_library

if TYPE_CHECKING:
    from bot.storage.editions import EditionSettings

log = logging.getLogger(__name__)


@dataclass(eq=False)
class ServedPack:
    """One pack in service: its key, text, references and (built on first use) its index."""

    pack_key: str
    pack: Pack
    refs: RefIndex
    index_cache: Path | None = None
    _engine: SearchEngine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def engine(self) -> SearchEngine:
        """The pack's search engine; built (or read from the index cache) when first needed."""
        return self._engine or self.index()

    def index(self, words: ParagraphWords | None = None) -> SearchEngine:
        """The engine, built now if it is not yet, from `words` where given."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    built = load_or_build(self.pack, self.index_cache, words)
                    self._engine = SearchEngine(self.pack, built)
        return self._engine

    @property
    def label(self) -> str:
        return self.pack.manifest.title

    @property
    def year(self) -> int:
        """The pack's edition."""
        return self.pack.manifest.edition_year

    @property
    def chapter(self) -> int:
        return self.pack.manifest.chapter_number


def text_stamp(packs: dict[str, Pack]) -> str:
    """A short hash of what searches read (every pack's headings, paragraphs and glossary), so
    a search's buttons can tell the text changed since (cogs/buttons.py). Not the files:
    editing a fact changes no search. TEXT_STAMP_CHARS hex digits, to fit in a button id; a
    change goes unnoticed once in 16**TEXT_STAMP_CHARS."""
    digest = hashlib.sha256()
    for key, pack in packs.items():
        digest.update(f"\x00k{key}".encode())
        for section in pack.sections.values():
            digest.update(f"\x00s{section.ref}\x00{section.title}\x00{section.heading}".encode())
        for paragraph in pack.paragraphs.values():
            digest.update(f"\x00p{paragraph.ref}\x00{paragraph.text}".encode())
        digest.update(glossary_text(pack.glossary).encode())
    return digest.hexdigest()[:TEXT_STAMP_CHARS]


@dataclass(frozen=True)
class Located:
    """A typed, possibly qualified reference resolved in one pack."""

    served: ServedPack | None  # None: the edition named is not in the library
    found: Resolved
    asked_year: int | None


class ServedLibrary:
    """Every pack in service and the indexes built from them; replaced whole on reload."""

    def __init__(
        self, library: Library, directory: Path | None, index_cache: Path | None = None
    ) -> None:
        self.library = library
        self.directory = directory
        self.packs = {
            pack_key: ServedPack(pack_key, pack, library.refs(pack_key), index_cache)
            for pack_key, pack in library.packs.items()
        }
        self._search = LibrarySearch(self.packs, index_cache, library.text_keys)
        # Here, not on first use: a reload loads in a thread, off the event loop.
        self.text_stamp = text_stamp(library.packs)
        self._known: dict[str, KnownPages] = {}
        # Up front: the newest pack's engine, and the index a search of its readers reads
        # (its paragraphs and what only older editions hold), from one reading of their
        # paragraphs. Other editions' indexes are made when first needed.
        words = ParagraphWords(self.newest.pack.glossary.spellings)
        self.newest.index(words)
        self._search.reading(self.newest_key, words)
        # The words, read once for both indexes, are freed here: glibc would keep their
        # memory unless asked (bot/heap.py).
        del words
        give_back()

    @classmethod
    def load(cls, directory: Path | None, *, index_cache: Path | None = None) -> ServedLibrary:
        """Load, validate and index; raises ContentError listing every problem of every pack."""
        with collection_paused():
            return cls(load_library(directory, kept_in=index_cache), directory, index_cache)

    @property
    def newest_key(self) -> str:
        return self.library.newest_key

    @property
    def newest(self) -> ServedPack:
        """The pack of the newest edition: what a server that chose none reads."""
        return self.packs[self.newest_key]

    def years(self) -> list[int]:
        """The editions held, newest first."""
        return self.library.editions()

    def pack(self, pack_key: str | None = None) -> ServedPack:
        """The pack `pack_key`; the newest for None, "" or a key no longer held."""
        if pack_key and pack_key in self.packs:
            return self.packs[pack_key]
        return self.newest

    def key_for_year(self, year: int | None, like: str | None = None) -> str | None:
        """The pack key of edition `year`, same chapter as pack `like` (default: the newest);
        None if not held. No year: `like` if held, else the newest."""
        if year is None:
            return like if like in self.packs else self.newest_key
        chapter = self.pack(like).pack.manifest.chapter_number
        return self.library.key_for(year, chapter)

    def chapters(self, pack_key: str | None = None) -> list[ServedPack]:
        """Every pack of pack `pack_key`'s edition (default: the newest), by chapter."""
        year = self.pack(pack_key).year
        return [s for s in self.packs.values() if s.year == year]

    def edition_refs(self, pack_key: str | None = None) -> EditionRefs:
        """The references of every chapter of pack `pack_key`'s edition, that pack's first."""
        return self.library.edition_refs(self.pack(pack_key).pack_key)

    def holding(self, found: Resolved, pack_key: str | None = None) -> ServedPack:
        """The pack `found` was resolved in (default: pack `pack_key`)."""
        if found.pack is not None:
            manifest = found.pack.manifest
            held = self.packs.get(pack_key_of(manifest.edition_year, manifest.chapter_number))
            if held is not None:
                return held
        return self.pack(pack_key)

    def resolve(self, text: str, pack_key: str | None = None) -> tuple[ServedPack, Resolved]:
        """Resolve an unqualified reference or title in pack `pack_key`'s edition, in the
        chapter its first number names (bot/pack/refs.py EditionRefs), and the pack it is in."""
        found = self.edition_refs(pack_key).resolve(text)
        return self.holding(found, pack_key), found

    def glossary(self, pack_key: str | None = None) -> Glossary:
        """The glossary a reader of pack `pack_key` reads (default: the newest): its own
        with the terms of every other chapter of its edition, as search reads it."""
        return self._search.glossary(self.pack(pack_key).pack_key)

    def glossary_in_use(self, pack_key: str | None = None) -> Glossary:
        """`glossary` without the terms no text a reader of the pack is answered from uses
        (bot/search/library.py): the terms chat lookups mention."""
        return self._search.glossary_in_use(self.pack(pack_key).pack_key)

    def term_pack(self, term: GlossaryTerm, pack_key: str | None = None) -> ServedPack:
        """The chapter of pack `pack_key`'s edition whose glossary `term` is from (that
        pack when several chapters define it alike)."""
        first = self.pack(pack_key)
        holding = (
            s for s in [first, *self.chapters(first.pack_key)] if term in s.pack.glossary.terms
        )
        return next(holding, first)

    def facts_key(self, pack_key: str | None = None) -> str:
        """The pack whose edition's facts a reader of pack `pack_key` draws from: that pack,
        or, while its edition has no facts (a fresh import), the newest edition with some
        (Library.facts_key)."""
        return self.library.facts_key(self.pack(pack_key).pack_key)

    def facts_fallback(self, pack_key: str | None = None) -> tuple[int, int] | None:
        """(the reader's edition, the edition its facts come from) while the reader's edition
        has no facts yet (`facts_key` draws another's); None when it draws its own. What
        /fact, the daily post, status and preview say of a fallback comes from here."""
        reader = self.pack(pack_key)
        drawn = self.facts_key(reader.pack_key)
        return None if drawn == reader.pack_key else (reader.year, self.packs[drawn].year)

    def facts(self, pack_key: str | None = None) -> list[tuple[ServedPack, Fact]]:
        """The facts a reader of pack `pack_key` draws from, with their packs: those of every
        chapter of its edition, that pack's first; those of the newest edition with facts
        while its own has none (`facts_key`). A fact id names one fact of an edition: an id
        an earlier chapter uses is the earlier chapter's."""
        drawn = self.library.facts(self.facts_key(pack_key))
        return [(self.packs[key], fact) for key, fact in drawn]

    def fact(self, pack_key: str, fact_id: str) -> tuple[ServedPack, Fact] | None:
        """Fact `fact_id` of pack `pack_key`'s edition (`facts`), and its pack; None when it,
        or the pack, is no longer held."""
        if pack_key not in self.packs:
            return None
        return next(((s, f) for s, f in self.facts(pack_key) if f.id == fact_id), None)

    def key_in(self, year: int, chapter: int) -> str | None:
        """The key of chapter `chapter` of edition `year`; None when it is not held."""
        return self.library.key_in(year, chapter)

    def known_pages(self, *keys: str) -> dict[str, KnownPages]:
        """What the library knows of each pack's pages beyond those it holds (the contents
        pages a fetch kept, bot/fetch/contents.py), read once per pack while this library
        serves: /compare and its buttons ask at every answer."""
        missing = [k for k in keys if k not in self._known]
        if missing:
            self._known.update(known_pages(self.library, *missing))
        return {k: self._known[k] for k in keys}

    def changes_between(self, before: str, after: str) -> EditionChanges:
        """Every section that changed between packs `before` and `after` (/compare's list),
        with what the library knows of their pages."""
        old, new = self.packs[before].pack, self.packs[after].pack
        return changes_between(before, old, after, new, self.known_pages(before, after))

    def compare(self, before: str, after: str, ref: str) -> Comparison | None:
        """Section `ref` compared between packs `before` and `after` (/compare REF), with
        what the library knows of their pages; None when neither holds it. A `ref` naming
        its edition ('2024:3.1.1(2)') is looked up there (None when that is neither's)."""
        old, new = self.packs[before].pack, self.packs[after].pack
        asked = split_edition(ref)
        known = self.known_pages(before, after)
        return compare(before, old, after, new, asked.ref, known, edition=asked.edition)

    def locate(self, text: str, pack_key: str | None = None) -> Located:
        """Resolve a typed reference, qualified ('2024:3.1.1(3)') or not (pack `pack_key`'s
        edition, else the newest), in the chapter it names."""
        qualified = split_edition(text)
        key = self.key_for_year(qualified.edition, pack_key)
        if key is None:
            return Located(None, Resolved(None), qualified.edition)
        served, found = self.resolve(qualified.ref, key)
        return Located(served, found, qualified.edition)

    def years_holding(self, text: str) -> list[int]:
        """The editions, newest first, in which a reference or title names a section
        (Library.years_holding)."""
        return self.library.years_holding(text)

    def search(self, query: str, *, pack_key: str, limit: int = 5) -> LibraryResponse:
        """Search pack `pack_key` first, then what only the other packs hold."""
        return self._search(query, pack_key=pack_key, limit=limit)

    def verify(self, quote: str, *, pack_key: str) -> LibraryVerdict:
        """Check a quote in pack `pack_key` first, then in the other packs."""
        return verify_in_library(self._search, quote, pack_key=pack_key)


@dataclass(frozen=True)
class Reloaded:
    """What a reload did. `problems`: the errors that refused it (empty: the new library
    serves). `dropped`: the editions it took away. `moved`: the servers whose /settings
    edition was one of those, which now read the newest; None when storage could not say."""

    problems: list[Problem]
    dropped: tuple[int, ...] = ()
    moved: tuple[int, ...] | None = ()
    # The editions servers read that have no facts, each with the edition their facts come
    # from instead (None: no edition has any): /reload says so (a fresh fetch has none).
    factless: tuple[tuple[int, int | None], ...] = ()


class LibraryInService:
    """The library the bot serves, swapped atomically on reload (a broken pack keeps the old
    one serving), and the one resolver of a server's pack."""

    def __init__(
        self,
        library: ServedLibrary,
        index_cache: Path | None = None,
        *,
        editions: EditionSettings | None = None,
    ) -> None:
        self.current = library
        self.index_cache = index_cache
        self.editions = editions  # /settings edition, per server; None: every server newest
        self._lock = asyncio.Lock()

    async def for_guild(self, guild_id: int | None) -> ServedPack:
        """The pack a server reads: its /settings edition, else the newest. The newest also
        when storage cannot say, so reading commands keep working while it is unavailable."""
        library = self.current
        if self.editions is None or guild_id is None:
            return library.newest
        try:
            year = await self.editions.get(guild_id)
        except sqlite3.Error as exc:
            log.warning("server edition unreadable", extra={"error": type(exc).__name__})
            return library.newest
        return library.pack(library.key_for_year(year) if year is not None else None)

    async def reload(self, directory: Path | None = None) -> Reloaded:
        """Reload from `directory` (default: the same); says what it did (`Reloaded`)."""
        async with self._lock:
            target = directory if directory is not None else self.current.directory
            try:
                fresh = await asyncio.to_thread(
                    ServedLibrary.load, target, index_cache=self.index_cache
                )
            except ContentError as exc:
                for problem in exc.problems:
                    log.error("content reload refused: %s", problem)
                return Reloaded(exc.problems)
            held = set(fresh.years())
            dropped = tuple(y for y in self.current.years() if y not in held)
            self.current = fresh
            del fresh
            if thaw():  # the old library must be collectable, not left frozen (bot/heap.py)
                asyncio.get_running_loop().call_later(REFREEZE_AFTER_S, refreeze)
            packs = self.current.packs.values()
            log.info(
                "content reloaded",
                extra={
                    "packs": len(packs),
                    "sections": sum(len(p.pack.sections) for p in packs),
                    "facts": sum(len(p.pack.facts) for p in packs),
                },
            )
            moved = await self._moved(dropped)
            return Reloaded([], dropped, moved, await self._factless())

    async def _factless(self) -> tuple[tuple[int, int | None], ...]:
        """The editions read (the newest, and those servers chose) that have no facts, with
        the edition their readers' facts come from (ServedLibrary.facts_key); None for none."""
        library = self.current
        found = dict(library.library.factless(library.years()))
        chosen: set[int] = set()
        others = [y for y in found if y != library.newest.year]
        if others and self.editions is not None:
            try:
                for guild in await self.editions.servers_choosing(others):
                    chosen.add(await self.editions.get(guild) or library.newest.year)
            except sqlite3.Error as exc:
                log.warning("servers' editions unreadable", extra={"error": type(exc).__name__})
                chosen.update(others)  # cannot tell: name them rather than hide them
        read = {library.newest.year, *chosen}
        return tuple((year, drawn) for year, drawn in found.items() if year in read)

    async def _moved(self, dropped: tuple[int, ...]) -> tuple[int, ...] | None:
        """The servers whose chosen edition is among `dropped` (logged: they now read the
        newest); None when storage cannot say."""
        if not dropped or self.editions is None:
            return ()
        try:
            moved = tuple(await self.editions.servers_choosing(dropped))
        except sqlite3.Error as exc:
            log.warning("servers' editions unreadable", extra={"error": type(exc).__name__})
            return None
        if moved:
            log.warning(
                "chosen edition no longer held",
                extra={"servers": len(moved), "editions": list(dropped)},
            )
        return moved
