"""What a library knows of the pages an edition has, beyond the pages it holds: the table of
contents a `content fetch` kept (`LIB/raw/<edition>/index-<folder>.html`), and the pages an
earlier and a later edition both hold. /compare and `compare` read it to tell a section
added or removed from one whose page was never imported."""

from __future__ import annotations

from bot.fetch.crawl import listed_pages
from bot.pack.held_pages import KnownPages, between_pages
from bot.pack.library import Library


def known_pages(library: Library, *keys: str) -> dict[str, KnownPages]:
    """What is known of the pages of each pack in `keys`, by pack key."""
    packs = list(library.packs.values())
    known = {}
    for key in keys:
        pack = library.packs[key]
        manifest = pack.manifest
        listed = listed_pages(library.root, manifest.edition_year, manifest.chapter_number)
        known[key] = KnownPages(listed, between_pages(packs, pack))
    return known
