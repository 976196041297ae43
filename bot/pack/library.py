"""A library: packs keyed by (edition, chapter), loaded and checked together.

Layout on disk: ``DIR/<edition>/chapter<N>/`` each holding a pack (manifest.yaml,
chapter.txt, facts.yaml, glossary.yaml). A plain pack directory (a manifest.yaml at the top,
as the shipped ``content/``) loads as a library of one pack.

A pack is named everywhere (button ids, usage rows, settings) by its short key
``"<edition>-<chapter>"``, e.g. ``"2025-3"``.

Qualified references name an edition: ``2024:3.1.1(3)`` is the documented form; the
variants ``3.1.1(3)@2024``, ``3.1.1(3) (2024)``, ``3.1.1(3) [2024]`` and ``2024 3.1.1(3)`` are
accepted too. An unqualified reference means the default edition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.pack.compare import counterpart
from bot.pack.kept import keep, read_kept
from bot.pack.loader import (
    MANIFEST_FILE,
    ContentError,
    Problem,
    build_pack,
    check_terms,
    shipped_content_dir,
)
from bot.pack.model import Fact, Manifest, Pack, Section
from bot.pack.refs import EditionRefs, RefIndex
from bot.pack.strays import CHAPTER_DIR as _CHAPTER_DIR
from bot.pack.strays import EDITION_DIR as _EDITION_DIR
from bot.pack.strays import stray_folders
from bot.pack.verdict import library_hash, read_verdict, write_verdict

_KEY = re.compile(r"^(?P<edition>\d{4})-(?P<chapter>\d{1,3})$")
# An edition is a year; 1900-2199 keeps "3.1" or "12" from ever reading as one.
EARLIEST_EDITION = 1900
LATEST_EDITION = 2199
_YEAR = r"(?:19|20|21)\d\d"
_QUALIFIED = (
    re.compile(rf"^\s*(?P<year>{_YEAR})\s*:\s*(?P<ref>.+?)\s*$"),
    re.compile(rf"^\s*(?P<ref>.+?)\s*@\s*(?P<year>{_YEAR})\s*$"),
    re.compile(rf"^\s*(?P<ref>.+?)\s*[(\[]\s*(?P<year>{_YEAR})\s*[)\]]\s*$"),
    re.compile(rf"^\s*(?P<year>{_YEAR})\s+(?P<ref>§?\s*\d.*?)\s*$"),
)


def pack_key(edition: int, chapter: int) -> str:
    """The short name of a pack, e.g. '2025-3'."""
    return f"{edition}-{chapter}"


def parse_key(key: str) -> tuple[int, int] | None:
    """(edition, chapter) of a pack key, or None when `key` is not one."""
    match = _KEY.match(key or "")
    if match is None:
        return None
    return int(match["edition"]), int(match["chapter"])


def pack_dir_for(root: Path, edition: int, chapter: int) -> Path:
    """Where the pack of `edition`, chapter `chapter` lives inside library `root`."""
    return Path(root) / str(edition) / f"chapter{chapter}"


@dataclass(frozen=True)
class QualifiedRef:
    """A typed reference split into its edition (None: the default) and the rest."""

    edition: int | None
    ref: str


def split_edition(text: str, *, words: bool = False) -> QualifiedRef:
    """Read an edition off a typed reference: '2024:3.1.1(3)' → (2024, '3.1.1(3)'). For
    `words` (a search, not a reference) only the explicit forms count, '2024:GCAP' and
    'GCAP@2024': in 'ODA (2024)' the year is one of the words. Two editions named
    ('GCAP@2024@2025') are none: the text is read as typed."""
    patterns = _QUALIFIED[:2] if words else _QUALIFIED
    for pattern in patterns:
        match = pattern.match(text or "")
        if match is not None and match["ref"].strip():
            rest = match["ref"].strip()
            if any(other.match(rest) for other in patterns[:2]):
                break
            return QualifiedRef(int(match["year"]), rest)
    return QualifiedRef(None, (text or "").strip())


_EDITION_ONLY = re.compile(rf"^\s*(?:(?P<year>{_YEAR})\s*:|@\s*(?P<at>{_YEAR}))\s*$")


def edition_only(text: str) -> int | None:
    """The edition a typed reference names when it names nothing else ('2024:', '@2024');
    None otherwise."""
    match = _EDITION_ONLY.match(text or "")
    if match is None:
        return None
    return int(match["year"] or match["at"])


@dataclass(frozen=True)
class ComparedPacks:
    """The two packs a comparison reads, and the chapter the reference named (None: it names
    no section in either edition). `lacking`: the edition of the two without that chapter
    (then nothing can be compared), and `held` the editions holding it. `outside`: the
    edition the reference named ('2023:3.1.1(2)') when it is neither of the two."""

    before: str
    after: str
    chapter: int | None = None
    lacking: int | None = None
    held: list[int] = field(default_factory=list)
    outside: int | None = None


@dataclass(frozen=True)
class CompareMiss:
    """A reference a comparison found in neither edition as asked: `key`, the pack it was
    looked in (the edition it named, else the later), and the `closest` sections there. When
    it named an edition and the other holds it: that edition (`other_year`) and the number
    its section had in the edition named (`was`; None when it has no counterpart there)."""

    key: str
    closest: tuple[Section, ...]
    other_year: int | None = None
    was: str | None = None


@dataclass
class Library:
    """The packs in service, newest edition first; the first is the default."""

    packs: dict[str, Pack]
    root: Path
    # Each paragraph text's `text_key` (bot/pack/compare.py), as the library search files
    # them: kept with the library (bot/pack/kept.py), so a warm start need not work them out.
    text_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _refs: dict[str, RefIndex] = field(default_factory=dict, init=False, repr=False, compare=False)
    _edition_refs: dict[str, EditionRefs] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        ordered = sorted(self.packs.items(), key=lambda kv: _order(kv[1]))
        self.packs = dict(ordered)

    @property
    def newest_key(self) -> str:
        return next(iter(self.packs))

    @property
    def newest(self) -> Pack:
        return self.packs[self.newest_key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.packs)

    def __len__(self) -> int:
        return len(self.packs)

    def editions(self) -> list[int]:
        """Every edition held, newest first."""
        return list(dict.fromkeys(p.manifest.edition_year for p in self.packs.values()))

    def key_for(self, edition: int | None, chapter: int | None = None) -> str | None:
        """The key of `edition` (default: the default edition's), chapter `chapter` (default:
        the default pack's chapter, else the edition's first); None when not held."""
        if edition is None:
            edition = self.newest.manifest.edition_year
        if chapter is None:
            chapter = self.newest.manifest.chapter_number
        key = pack_key(edition, chapter)
        if key in self.packs:
            return key
        for k, pack in self.packs.items():
            if pack.manifest.edition_year == edition:
                return k
        return None

    def chapters(self, key: str) -> list[str]:
        """The keys of every pack of pack `key`'s edition, by chapter."""
        year = self.packs[key].manifest.edition_year
        return [k for k, p in self.packs.items() if p.manifest.edition_year == year]

    def facts(self, key: str) -> list[tuple[str, Fact]]:
        """The facts a reader of pack `key` draws from, each with its pack's key: those of
        every chapter of its edition, that pack's first. A fact id names one fact of an
        edition: an id an earlier chapter uses is the earlier chapter's."""
        seen: set[str] = set()
        found: list[tuple[str, Fact]] = []
        for chapter in [key, *(k for k in self.chapters(key) if k != key)]:
            for fact in self.packs[chapter].facts:
                if fact.id not in seen:
                    seen.add(fact.id)
                    found.append((chapter, fact))
        return found

    def facts_key(self, key: str) -> str:
        """The pack whose edition's facts a reader of pack `key` draws from: `key` when its
        edition has facts; else, as a fresh import has none, the newest edition that has
        some (its pack of `key`'s chapter when held, else its first with facts); `key` when
        no edition has any."""
        if any(self.packs[k].facts for k in self.chapters(key)):
            return key
        chapter = self.packs[key].manifest.chapter_number
        for year in self.editions():
            with_facts = [
                k for k, p in self.packs.items() if p.manifest.edition_year == year and p.facts
            ]
            if with_facts:
                same = pack_key(year, chapter)
                return same if same in self.packs else with_facts[0]
        return key

    def factless(self, years: Iterable[int]) -> list[tuple[int, int | None]]:
        """Each of `years` held whose edition has no facts (its newest chapter's, as
        `key_for` reads it), with the edition its readers' facts come from instead
        (`facts_key`); None when no edition has any."""
        found: list[tuple[int, int | None]] = []
        for year in years:
            key = self.key_for(year)
            if key is None or self.facts(key):
                continue
            drawn = self.packs[self.facts_key(key)].manifest.edition_year
            found.append((year, drawn if drawn != year else None))
        return found

    def refs(self, key: str) -> RefIndex:
        """The references of pack `key`, made once."""
        refs = self._refs.get(key)
        if refs is None:
            refs = self._refs[key] = RefIndex(self.packs[key])
        return refs

    def edition_refs(self, key: str) -> EditionRefs:
        """The references of every chapter of pack `key`'s edition, that pack's first."""
        refs = self._edition_refs.get(key)
        if refs is None:
            others = [self.refs(k) for k in self.chapters(key) if k != key]
            refs = self._edition_refs[key] = EditionRefs([self.refs(key), *others])
        return refs

    def key_in(self, year: int, chapter: int) -> str | None:
        """The key of chapter `chapter` of edition `year`; None when it is not held."""
        key = pack_key(year, chapter)
        return key if key in self.packs else None

    def chapters_of(self, year: int) -> list[int]:
        """The chapters edition `year` holds, in order."""
        return sorted(
            p.manifest.chapter_number
            for p in self.packs.values()
            if p.manifest.edition_year == year
        )

    def years_with_chapter(self, chapter: int) -> list[int]:
        """The editions holding chapter `chapter`, newest first."""
        return [y for y in self.editions() if self.key_in(y, chapter) is not None]

    def chapter_naming(self, text: str, *keys: str) -> int | None:
        """The chapter in which `text` names a section, in the edition of the first of
        `keys` where it does; None when it names none."""
        for key in keys:
            found = self.edition_refs(key).resolve(text)
            if found.section is not None:
                return (found.pack or self.packs[key]).manifest.chapter_number
        return None

    def years_holding(self, text: str) -> list[int]:
        """The editions, newest first, in which a reference or title (its edition, if it
        names one, left aside) names a section: for saying where to look when the edition
        asked has no such section."""
        ref = split_edition(text).ref
        years = {
            year
            for year in self.editions()
            if (key := self.key_for(year)) is not None
            and self.edition_refs(key).resolve(ref).section is not None
        }
        return sorted(years, reverse=True)

    def compared_pairs(self, before: str, after: str) -> list[tuple[str, str]]:
        """(earlier, later) pack keys of every chapter both the editions of packs `before`
        and `after` hold, by chapter, pack `after`'s chapter first when both hold it: what
        a comparison of the two editions without a reference compares."""
        earlier = self.packs[before].manifest.edition_year
        pairs = []
        for key in self.chapters(after):
            old = self.key_in(earlier, self.packs[key].manifest.chapter_number)
            if old is not None:
                pairs.append((old, key))
        pairs.sort(key=lambda pair: pair[1] != after)
        return pairs

    def compared_with(self, year: int, like: str | None = None) -> tuple[str, str] | None:
        """(earlier, later) pack keys of edition `year` and its successor, the next edition
        held (the one before it when `year` is the newest), chapter as pack `like` where
        held: what a reference naming `year` is compared between when no edition is asked
        for ('2024:3.1.1(2)': 2024 → 2025). None when `year` is not held or is the only one."""
        years = sorted(self.editions())
        if year not in years or len(years) < 2:
            return None
        at = years.index(year)
        pair = (year, years[at + 1]) if at + 1 < len(years) else (years[at - 1], year)
        chapter = self.packs[like].manifest.chapter_number if like in self.packs else None
        before, after = (self.key_for(y, chapter) for y in pair)
        assert before is not None and after is not None  # both editions are held
        return before, after

    def compared_packs(self, text: str, before: str, after: str) -> ComparedPacks:
        """The packs a comparison of `text` between the editions of packs `before` and
        `after` reads: the chapter `text` names, in both editions (4.2.5(1): chapter 4). A
        `text` naming its edition ('2024:4.2.5(1)') names the chapter in that edition, which
        must be one of the two."""
        asked = split_edition(text)
        years = [self.packs[k].manifest.edition_year for k in (before, after)]
        if asked.edition is not None and asked.edition not in years:
            return ComparedPacks(before, after, outside=asked.edition)
        order = (before, after) if asked.edition == years[0] else (after, before)
        chapter = self.chapter_naming(asked.ref, *order)
        if chapter is None:
            return ComparedPacks(before, after)
        old, new = (self.key_in(year, chapter) for year in years)
        if old is None or new is None:
            lacking = years[0] if old is None else years[1]
            return ComparedPacks(before, after, chapter, lacking, self.years_with_chapter(chapter))
        return ComparedPacks(old, new, chapter)

    def compare_miss(self, text: str, before: str, after: str) -> CompareMiss:
        """What to say of `text` when a comparison of packs `before` and `after` found no
        section for it (bot/pack/compare.py `compare` returned None)."""
        asked = split_edition(text)
        named_before = asked.edition == self.packs[before].manifest.edition_year
        looked, other = (before, after) if named_before else (after, before)
        closest = tuple(self.refs(looked).resolve(asked.ref).suggestions)
        if asked.edition is None:
            return CompareMiss(looked, closest)
        elsewhere = self.refs(other).resolve(asked.ref).section
        if elsewhere is None:
            return CompareMiss(looked, closest)
        twin = counterpart(self.packs[looked], self.packs[other], elsewhere)
        year = self.packs[other].manifest.edition_year
        return CompareMiss(looked, closest, year, twin.ref if twin is not None else None)

    def label(self, key: str) -> str:
        """How an answer names the edition it quotes, e.g. 'Diplomatic Bluebook 2025'."""
        return self.packs[key].manifest.title


def _order(pack: Pack) -> tuple[int, int]:
    return (-pack.manifest.edition_year, pack.manifest.chapter_number)


def is_single_pack(root: Path) -> bool:
    return (Path(root) / MANIFEST_FILE).is_file()


def pack_dirs(root: Path) -> list[Path]:
    """The pack directories of a library (`root` itself for a plain pack)."""
    root = Path(root)
    if is_single_pack(root) or not root.is_dir():
        return [root]
    found: list[Path] = []
    for edition in sorted(root.iterdir()):
        if not (edition.is_dir() and _EDITION_DIR.match(edition.name)):
            continue
        for chapter in sorted(edition.iterdir()):
            if chapter.is_dir() and _CHAPTER_DIR.match(chapter.name):
                found.append(chapter)
    return found


def check_library(
    directory: Path | str | None = None,
    *,
    trust_verdict: bool = False,
    hashed: tuple[list[Path], str | None] | None = None,
) -> tuple[Library | None, list[Problem]]:
    """Load every pack that loads and return the library with every problem of every pack.

    A full check writes the library's verdict (bot/pack/verdict.py). With `trust_verdict`, a
    current verdict's warnings are read instead of running the checks that can only warn;
    every check that can refuse a pack runs either way. `hashed`: the library's pack folders
    and their `library_hash`, when the caller has just worked them out."""
    root = Path(directory) if directory is not None else shipped_content_dir()
    dirs = hashed[0] if hashed is not None else pack_dirs(root)
    if not dirs:
        message = f"holds no pack: expected {MANIFEST_FILE} or <edition>/chapter<N>/"
        return None, [Problem(str(root), 0, message)]
    if hashed is not None:
        digest = hashed[1]
    else:
        digest = library_hash(root, dirs) if root.is_dir() else None
    kept = read_verdict(root, digest) if trust_verdict and digest is not None else None
    packs: dict[str, Pack] = {}
    by_dir: dict[Path, Pack] = {}
    found: dict[Path, list[Problem]] = {}
    single = dirs == [root]
    for where in dirs:
        pack, found[where] = build_pack(where, thorough=kept is None)
        if pack is None:
            continue
        manifest = pack.manifest
        key = pack_key(manifest.edition_year, manifest.chapter_number)
        if not single and where != pack_dir_for(root, *_numbers(manifest)):
            found[where].append(
                Problem(
                    str(where / MANIFEST_FILE),
                    1,
                    f"manifest says edition {manifest.edition_year}, chapter "
                    f"{manifest.chapter_number}, but the pack is in {where.relative_to(root)}",
                )
            )
            continue
        packs[key] = pack
        by_dir[where] = pack
    if kept is None and by_dir:
        # The packs' terms against the text of the whole library, once.
        for where, warnings in check_terms(by_dir).items():
            found[where].extend(warnings)
        for where, warnings in _shared_fact_ids(by_dir).items():
            found[where].extend(warnings)
    problems = [p for where in dirs for p in found[where]]
    if kept is not None:
        problems += kept
    elif digest is not None and not any(not p.warning for p in problems):
        write_verdict(root, digest, problems)
    if not single:
        # Looked for every time, never kept in the verdict: no manifest names these folders,
        # so the verdict's hash does not see them come or go.
        problems += stray_folders(root)
    if not packs:
        return None, problems
    return Library(packs, root), problems


def _shared_fact_ids(by_dir: dict[Path, Pack]) -> dict[Path, list[Problem]]:
    """Warnings for a fact id two chapters of one edition both use: an edition's facts are
    drawn from all its chapters by id (bot/served.py `facts`), so only one of them is."""
    found: dict[Path, list[Problem]] = {}
    first: dict[tuple[int, str], Pack] = {}
    for where, pack in sorted(by_dir.items(), key=lambda item: _order(item[1])):
        for fact in pack.facts:
            earlier = first.setdefault((pack.manifest.edition_year, fact.id), pack)
            if earlier is not pack:
                message = (
                    f"fact id '{fact.id}' is also a fact of chapter "
                    f"{earlier.manifest.chapter_number}: only one of the two is ever drawn"
                )
                file = str(where / pack.manifest.facts_file)
                found.setdefault(where, []).append(Problem(file, fact.line, message, warning=True))
    return found


def load_library(directory: Path | str | None = None, *, kept_in: Path | None = None) -> Library:
    """Load every pack, checking what a current verdict does not vouch for; raises
    ContentError listing every error of every pack.

    With `kept_in` (the index cache's folder), a library whose files and code are unchanged
    since a load without errors is read back from there (bot/pack/kept.py), not parsed."""
    root = Path(directory) if directory is not None else shipped_content_dir()
    digest = None
    hashed = None
    if kept_in is not None and root.is_dir():
        dirs = pack_dirs(root)
        digest = library_hash(root, dirs, kept_in) if dirs else None
        kept = read_kept(kept_in, digest, root) if digest is not None else None
        if kept is not None and kept[0]:
            return Library(kept[0], root, kept[1])
        hashed = (dirs, digest)  # the check hashes the files once, not again
    library, problems = check_library(root, trust_verdict=True, hashed=hashed)
    errors = [p for p in problems if not p.warning]
    if errors or library is None:
        raise ContentError(errors or problems)
    if kept_in is not None and digest is not None:
        keep(kept_in, digest, root, library.packs, library.text_keys)
    return library


def _numbers(manifest: Manifest) -> tuple[int, int]:
    return manifest.edition_year, manifest.chapter_number
