"""A library of sample pages: the shipped page among 31 pages written for testing search.

The pages (bench/sample_pages.txt) are written in the publisher's style on the chapter's
neighbouring topics (the alliance, disarmament, the UN, the rule of law, human rights, ODA,
economic diplomacy) in our own words. They are not Bluebook text and are never shipped; they
exist so that ranking is measured where a neighbouring page says nearly the same thing.
Pages follow the shipped one as numbered parts of one chapter: 3.1.2 ... 3.3.10, in the
publisher's page ids c030102 ... c030310 (the shipped page is c030101).
"""

from __future__ import annotations

from pathlib import Path

from bench.corpus import chapter_text
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from bot.pack.parser import parse_chapter

PAGES_FILE = Path(__file__).with_name("sample_pages.txt")


def sample_library_text() -> str:
    """The shipped chapter followed by the sample pages, as one chapter text."""
    return chapter_text().rstrip("\n") + "\n\n" + PAGES_FILE.read_text(encoding="utf-8")


def sample_library_pack() -> Pack:
    """The sample library with the shipped manifest and glossary (thesaurus included)."""
    shipped = load_pack()
    root = parse_chapter(sample_library_text())
    return Pack(manifest=shipped.manifest, root=root, glossary=shipped.glossary)


def page_of(ref: str) -> str:
    """The page a reference is on: its first three parts (3.1.2(1)¶1 -> 3.1.2)."""
    return ".".join(ref.split("(")[0].split("¶")[0].split(".")[:3])


def page_id(ref: str) -> str:
    """The publisher-style id of a reference's page: 3.1.2(1)¶1 -> c030102."""
    chapter, section, part = page_of(ref).split(".")
    return f"c{int(chapter):02d}{int(section):02d}{int(part):02d}"
