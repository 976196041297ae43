"""The publisher's pages (cCCSSPP) that an edition of the library holds, and what else the
library knows of the pages an edition has, for comparing two editions (bot/pack/compare.py).

A page one edition's manifest does not list was never imported there, or the edition has
no such page. A table of contents kept by `content fetch` tells which (`KnownPages.listed`);
without one, a page that an earlier and a later edition both hold is likely a page this one
has too (`KnownPages.between`). Only a page the edition is known or likely to have is worth
fetching by its id; for another, fetching the chapter by its contents tells.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.pack.model import Pack, Section
from bot.pack.pages import PageId

# The command that fetches pages an edition lacks (named in answers; `content fetch`).
FETCH_COMMAND = "bluebook-bot content fetch --edition {edition} --pages {pages} --out {out}"
# For a page an edition may not have: the chapter, by its table of contents, which a fetch
# keeps, so that the next comparison knows which pages the edition has.
FETCH_CHAPTER_COMMAND = (
    "bluebook-bot content fetch --edition {edition} --chapter {chapter} --out {out}"
)


@dataclass(frozen=True)
class KnownPages:
    """What the library knows of the pages one edition has of the chapter, beyond the pages
    it holds: its table of contents, as `content fetch` kept it, and the pages an earlier and
    a later edition both hold."""

    listed: frozenset[str] | None = None  # None: no table of contents kept
    between: frozenset[str] = frozenset()

    def lacks(self, page: str) -> bool:
        """Whether the edition has no such page: its table of contents does not list it."""
        return bool(page) and self.listed is not None and page not in self.listed

    def likely(self, page: str) -> bool:
        """Whether the edition has the page: listed, or (no list kept) between two that do."""
        return page in self.listed if self.listed is not None else page in self.between


@dataclass(frozen=True)
class PageNotHeld:
    """A publisher page one edition of the library does not hold, and what is on it.
    `likely`: the edition is known (its table of contents) or likely to have that page;
    otherwise the section may be new or dropped, or the page was never imported."""

    page: str
    edition: int  # the edition that lacks it
    refs: tuple[str, ...]  # its sections, in the edition that holds it
    likely: bool = True

    def fetch_command(self, out: str = "LIBRARY") -> str:
        """The page itself when the edition has it; else its chapter by the contents."""
        if self.likely:
            return fetch_command(self.edition, [self.page], out)
        page = PageId.parse(self.page)
        chapter = page.chapter if page is not None else "N"
        return FETCH_CHAPTER_COMMAND.format(edition=self.edition, chapter=chapter, out=out)

    @property
    def doubt(self) -> str:
        """Why a page the edition may not have is not compared (plain text)."""
        return (
            f"{self.edition} may not have that page (a section added or removed), or it was "
            f"never imported; fetching the chapter by {self.edition}'s contents tells which"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "missing_from": self.edition,
            "refs": list(self.refs),
            "likely_held": self.likely,
        }


def fetch_command(edition: int, pages: Iterable[str], out: str = "LIBRARY") -> str:
    return FETCH_COMMAND.format(edition=edition, pages=" ".join(pages), out=out)


def held_pages(pack: Pack) -> set[str] | None:
    """The page ids `pack` holds; None when its manifest lists none (one text: all of it)."""
    return {p.id for p in pack.manifest.pages} or None


def holds(pack: Pack, section: Section) -> bool:
    """Whether `pack` holds the page `section` was read from (unknown pages: yes)."""
    pages = held_pages(pack)
    return pages is None or not section.page or section.page in pages


def between_pages(packs: Iterable[Pack], pack: Pack) -> frozenset[str]:
    """The pages of `pack`'s chapter that an earlier and a later edition of `packs` hold."""
    year, chapter = pack.manifest.edition_year, pack.manifest.chapter_number
    earlier: set[str] = set()
    later: set[str] = set()
    for other in packs:
        if other.manifest.chapter_number != chapter:
            continue
        pages = held_pages(other) or set()
        if other.manifest.edition_year < year:
            earlier |= pages
        elif other.manifest.edition_year > year:
            later |= pages
    return frozenset(earlier & later)
