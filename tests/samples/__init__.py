"""The sample library: three editions of a made-up Chapter 3, written for the tests.

Written in our own words in the publisher's format (page files `pages/cCCSSPP.txt` with
`Section N`, `N Title`, `(N) Title` headings, a manifest listing the pages), filed as
`content import` files them: `LIBRARY/<edition>/chapter3/`. It passes `content check`.

Editions 2024, 2025 and 2026; Section 1 (pages c030101-c030103) and Section 2 (c030201,
c030202). What changes between editions, by reference:

- 3.1.1(1)¶1: apostrophe only (Japan's / Japan’s), so unchanged; ¶2 figures and dates each
  year (7 → 9 → 11 exercises, "about 20" → "more than 25"); ¶3 quote style, dashes and a
  non-breaking space only ("seamless" / “seamless”), so unchanged.
- 3.1.1(2)¶1: a sentence added in 2025. 3.1.1(3) (a new subsection) added in 2026.
- 3.1.2: heading renamed "Disarmament and Non-proliferation" (2024) → "... Nonproliferation";
  3.1.2(1)¶1 a long paragraph lightly edited in 2025, ¶2 figures and city changed in 2025 and
  the paragraph dropped in 2026; 3.1.2(2)¶1 split into two paragraphs in 2025.
- 3.1.3 (page c030103): not in the 2025 edition; figures changed 2024 → 2026.
- 3.2.1(1)¶1: heavily rewritten in 2025. 3.2.1(2)¶1: quote style only in 2025, a sentence
  added in 2026.
- 3.2.2(2)¶1: a 400-character paragraph where "is under way" became "was completed in 2024"
  (2025); 2026 differs from 2025 only by a non-breaking space. ¶2 figures changed in 2025.
- Chapter title changed in 2026 ("... for a Free and Stable International Order").
- Facts: 2024 and 2025 have three each; 2026 has none (like a fresh import).
"""

from __future__ import annotations

from pathlib import Path

LIBRARY = Path(__file__).resolve().parent / "library"
EDITIONS = (2026, 2025, 2024)

# A chapter-4 page in the publisher's format (invented text), as the import tests use it.
CHAPTER4_PAGE = Path(__file__).resolve().parents[1] / "pack" / "samples" / "c040205.txt"

# A fact a maintainer confirmed in chapter 4 of 2024 (after `content facts suggest --write`).
FACT_CHAPTER4 = """\
facts:
  - id: cptpp-members
    headline: "The CPTPP has grown to 12 members"
    quote: "has grown to 12 members"
    ref: 4.2.5(2).A¶1
    numbers: [12]
"""


def add_chapter4(library: Path, scratch: Path) -> None:
    """File chapter 4 beside chapter 3 in `library` (a copy of LIBRARY), as `content import
    c040205.txt --out LIBRARY` does for a page of that edition: in 2024, and in 2025 with the
    CPTPP's members grown from 12 to 14; 2026 holds chapter 3 only. The sample page says
    2030, so each copy says its own year (an import never files a page under another)."""
    from bot.pack.importer import import_pages
    from bot.pack.library import pack_dir_for

    text = CHAPTER4_PAGE.read_text("utf-8")
    assert text.startswith("Diplomatic Bluebook 2030\n") and "has grown to 12 members" in text
    for year, members in ((2024, "12"), (2025, "14")):
        page = scratch / str(year) / CHAPTER4_PAGE.name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            text.replace("2030", str(year), 1).replace(
                "has grown to 12 members", f"has grown to {members} members"
            ),
            "utf-8",
        )
        report = import_pages([page], pack_dir_for(library, year, 4), edition=year)
        assert not [p for p in report.problems if not p.warning], report.problems
