"""The publisher's page ids and addresses: `c030102` is chapter 3, section 1, part 2."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The publisher's site: one folder per edition, the English pages of a chapter under it.
SITE = "https://www.mofa.go.jp/policy/other/bluebook/"
INDEX_URL = SITE + "index.html"
# The English pages moved from `<edition>/html/` to `<edition>/en_html/` with the 2021 edition.
FIRST_EN_HTML_EDITION = 2021

_PAGE_ID = re.compile(r"(?<![A-Za-z0-9])c(\d{2})(\d{2})(\d{2})(?!\d)")
_PAGE_URL = re.compile(r"https?://[^\s\"'<>]*?(c\d{6})\.html?")
_EDITION_IN_URL = re.compile(r"/bluebook/((?:19|20)\d{2})/")
_EDITION_LINE = re.compile(r"^Diplomatic\s+Bluebook\s+((?:19|20)\d{2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class PageId:
    chapter: int
    section: int
    part: int

    @classmethod
    def parse(cls, text: str) -> PageId | None:
        """The first `cCCSSPP` in `text` (a file name, an option, a URL), or None."""
        m = _PAGE_ID.search(text)
        if m is None:
            return None
        chapter, section, part = (int(g) for g in m.groups())
        if chapter == 0 or section == 0 or part == 0:
            return None
        return cls(chapter, section, part)

    def __str__(self) -> str:
        return f"c{self.chapter:02d}{self.section:02d}{self.part:02d}"


def html_dir(edition: int) -> str:
    """The folder of an edition's English pages: 'html' up to 2020, 'en_html' from 2021."""
    return "en_html" if edition >= FIRST_EN_HTML_EDITION else "html"


def edition_url(edition: int, site: str = SITE, folder: str | None = None) -> str:
    """The edition's table of contents (`folder` overrides the rule, to check the other one)."""
    return f"{site.rstrip('/')}/{edition}/{folder or html_dir(edition)}/index.html"


def page_url(
    edition: int | None, page: PageId, site: str = SITE, folder: str | None = None
) -> str | None:
    """The address of `page` in `edition` on `site` (the publisher's); None without an edition."""
    if not edition:
        return None
    folder = folder or html_dir(edition)
    return f"{site.rstrip('/')}/{edition}/{folder}/chapter{page.chapter}/{page}.html"


def page_urls_in(text: str) -> list[str]:
    """Every distinct Bluebook page address in `text`, in order of appearance."""
    seen: list[str] = []
    for m in _PAGE_URL.finditer(text):
        if "bluebook" in m.group(0) and m.group(0) not in seen:
            seen.append(m.group(0))
    return seen


def edition_of_url(url: str) -> int | None:
    m = _EDITION_IN_URL.search(url)
    return int(m.group(1)) if m else None


def edition_line(line: str) -> int | None:
    """The year of a "Diplomatic Bluebook 2025" line, or None for any other line."""
    m = _EDITION_LINE.match(line.strip())
    return int(m.group(1)) if m else None
