"""A small library of two editions of a made-up Chapter 6, written for the tests.

- 2025 (pages c060101, c060102): 6.1.1(1) has a new-style footnote marker ("year*1.");
  6.1.1(3) is new; 6.1.2 is "2 Language Teaching"; 6.1.3 mentions "town agreements" only.
- 2024 (pages c060101, c060102, older heading shapes `1.Title`, `(1)Title`): 6.1.1(1) has an
  older glued footnote digit ("in total2." with "• 2 ..."); 6.1.2 is "2 Twin Towns", whose
  words no 2025 page has but for "agreements".
"""

from __future__ import annotations

from pathlib import Path

PAGES = {
    2025: {
        "c060101": """Chapter 6

Japan's Cultural Outreach

Section 1 Arts and People

1 Touring Exhibitions

(1) Overview

Japanese museums lent 52 scrolls and screens to galleries abroad in 2024, a rise from 38 in the previous year*1.

(2) Craft Workshops

Potters and weavers led 17 workshops at partner schools in 2024.

(3) Manga Libraries

Reading rooms for manga opened in 9 public libraries in Africa in 2024.

*1 Counted by the arts council.
""",
        "c060102": """2 Language Teaching

Teachers from Japan worked in 140 partner schools in 2024.

3 Local Ties

Prefectures signed town agreements with 6 regions abroad in 2024.
""",
    },
    2024: {
        "c060101": """Chapter 6

Japan's Cultural Outreach

Section 1 Arts and People

1.Touring Exhibitions

(1)Overview

Japanese museums lent 38 scrolls and screens to galleries abroad in 2023, with 210 pieces in total2.

(2)Craft Workshops

Potters and weavers led 12 workshops at partner schools in 2023.

• 2 Counting loans to private collections.
""",
        "c060102": """2.Twin Towns

Japanese municipalities concluded 15 twin town partnerships with cities overseas in 2023.
""",
    },
}


def write_two_editions(library: Path, scratch: Path) -> None:
    """Import the pages above into `library`, as `content import` files them."""
    from bot.pack.importer import import_pages
    from bot.pack.library import pack_dir_for

    for year, pages in PAGES.items():
        files = []
        for page_id, body in pages.items():
            path = scratch / str(year) / f"{page_id}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"Diplomatic Bluebook {year}\n\n{body}", "utf-8")
            files.append(path)
        report = import_pages(files, pack_dir_for(library, year, 6), edition=year)
        assert not [p for p in report.problems if not p.warning], report.problems
