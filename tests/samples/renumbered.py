"""Two editions (2050, 2051) of an invented chapter 7, in our own words in the publisher's
format, imported as `content import` files them: 2051 inserted "(2) Invented Seed Banks", so
2050's "(2) Invented Reef Patrols" is 2051's "(3)", its own paragraph and its part "B" word
for word the same and its part "A" with a changed figure; a paragraph of "(1) Overview"
reads the same at the same reference in both."""

from __future__ import annotations

from pathlib import Path

from bot.pack.importer import import_pages
from bot.pack.library import pack_dir_for

PATROLS = "The invented coast office lent 4 patrol boats to island partners to watch reefs."
SATELLITES = "An invented satellite pilot mapped 3 thousand square kilometres of reef."
MINUTES = "The invented reef council keeps its minutes in three languages."

_OLDER = f"""Diplomatic Bluebook 2050

Chapter 7

Invented Chapter on Reef Care

Section 1 Invented Reefs

1 Invented Reef Work

(1) Overview

The invented reef council met 6 times with partners in 2049.

{MINUTES}

(2) Invented Reef Patrols

{PATROLS}

A Invented Harbour Checks

Harbour checks rose to 310 in 2049.

B Invented Satellite Watch

{SATELLITES}
"""

_LATER = f"""Diplomatic Bluebook 2051

Chapter 7

Invented Chapter on Reef Care

Section 1 Invented Reefs

1 Invented Reef Work

(1) Overview

The invented reef council met 8 times with partners in 2050.

{MINUTES}

(2) Invented Seed Banks

The invented coral seed bank opened in 2050 with 5 partners.

(3) Invented Reef Patrols

{PATROLS}

A Invented Harbour Checks

Harbour checks rose to 365 in 2050.

B Invented Satellite Watch

{SATELLITES}
"""


def renumbered_library(root: Path, scratch: Path) -> Path:
    """2050 and 2051, one page (c070101) each, imported into the library `root`."""
    for year, text in ((2050, _OLDER), (2051, _LATER)):
        folder = scratch / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "c070101.txt"
        page.write_text(text, "utf-8")
        report = import_pages([page], pack_dir_for(root, year, 7), edition=year)
        assert not [p for p in report.problems if not p.warning], report.problems
    return root
