"""Two editions (2040, 2041) of an invented chapter 5, in our own words in the publisher's
format, imported as `content import` files them: `shifted_library`, where a part inserted
before another gave it the next page id (c050102 becomes c050103), and `dropped_library`,
where 2041 dropped a part and added a section, with the tables of contents a fetch keeps."""

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


_COASTS = """Diplomatic Bluebook {year}

Section 2 Invented Coastlines

1 Invented Lighthouses

The ministry helped 3 partners restore invented lighthouses.
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
        _import(root, scratch, year, pages)
    return root


def _import(root: Path, scratch: Path, year: int, pages: dict[str, str]) -> None:
    files = _write(scratch / str(year), pages)
    report = import_pages(files, pack_dir_for(root, year, 5), edition=year)
    assert not [p for p in report.problems if not p.warning], report.problems


def dropped_library(root: Path, scratch: Path) -> Path:
    """2040: c050101, c050102 "2 Invented Harbour Treaties". 2041: c050101 and a new page
    c050201 "Section 2 Invented Coastlines"; c050102 is gone. No table of contents kept
    (as after `content import`): `keep_contents` adds one."""
    _import(
        root,
        scratch,
        2040,
        {
            "c050101": _FIRST.format(year=2040, meetings=4),
            "c050102": _TREATIES.format(year=2040, number=2, treaties=7),
        },
    )
    _import(
        root,
        scratch,
        2041,
        {
            "c050101": _FIRST.format(year=2041, meetings=5),
            "c050201": _COASTS.format(year=2041),
        },
    )
    return root


def keep_contents(root: Path, year: int, pages: list[str]) -> None:
    """The edition's table of contents as `content fetch` keeps it, linking `pages` (and a
    page of another chapter)."""
    from bot.fetch.crawl import contents_file

    links = "".join(f'<li><a href="chapter5/{p}.html">{p}</a></li>' for p in pages)
    links += '<li><a href="chapter4/c040101.html">c040101</a></li>'
    target = contents_file(root, year, "en_html")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<html><body><ul>{links}</ul></body></html>", "utf-8")
