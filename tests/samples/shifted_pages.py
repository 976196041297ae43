"""Two editions of an invented chapter 5 whose page ids moved: a part inserted before another
gives it the next page id (c050102 becomes c050103). Our own text in the publisher's format,
imported as `content import` files it."""

from __future__ import annotations

from pathlib import Path

from bot.pack.importer import import_pages
from bot.pack.library import pack_dir_for

_FIRST = """Diplomatic Bluebook {year}

Chapter 5

Invented Chapter on Ocean Affairs

Section 1 Invented Fisheries

1 Invented Quotas

The invented quota board met {meetings} times with coastal partners.
"""
_TREATIES = """Diplomatic Bluebook {year}

{number} Invented Harbour Treaties

(1) Overview

The ministry signed {treaties} invented harbour treaties with island partners.
"""
_CABLES = """Diplomatic Bluebook {year}

2 Invented Undersea Cables

The ministry mapped the invented cable routes with 6 partners.
"""


def _write(folder: Path, pages: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for page, text in pages.items():
        files.append(folder / f"{page}.txt")
        files[-1].write_text(text, "utf-8")
    return files


def shifted_library(root: Path, scratch: Path) -> Path:
    """2040: c050101, c050102 "2 Invented Harbour Treaties". 2041: a new c050102 "2 Invented
    Undersea Cables" moved the treaties on to c050103 "3 Invented Harbour Treaties"."""
    older = {
        "c050101": _FIRST.format(year=2040, meetings=4),
        "c050102": _TREATIES.format(year=2040, number=2, treaties=7),
    }
    later = {
        "c050101": _FIRST.format(year=2041, meetings=4),
        "c050102": _CABLES.format(year=2041),
        "c050103": _TREATIES.format(year=2041, number=3, treaties=9),
    }
    for year, pages in ((2040, older), (2041, later)):
        files = _write(scratch / str(year), pages)
        report = import_pages(files, pack_dir_for(root, year, 5), edition=year)
        assert not [p for p in report.problems if not p.warning], report.problems
    return root
