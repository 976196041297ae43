"""Each footnote is a note of the section whose text (or heading) carries its marker, also
when it is printed at the page's end after other sections: an older edition's glued digit
("total2." with "• 2 ..."), and "*2"/"*3" markers on a page whose footnotes do not start
at "*1". All sample text here is written for these tests."""

from __future__ import annotations

import pytest

from bot.pack.model import FOOTNOTE
from bot.pack.pages import PageId
from bot.pack.parser import PageText, parse_pages

OLD = (
    "Diplomatic Bluebook 2019\n\n1.Harbour Safety\n\n(1)Pilot Boats\n\n"
    "A. Boats Delivered\n\nJapan handed over 6 pilot boats to partner ports, worth "
    "9 billion yen in total2.\n\nB. Harbour Rules\n\nPort rules were harmonised in 3 ports.\n\n"
    "• 2 Counting boats handed over in 2018.\n"
)


def _notes(text: str, page: str) -> dict[str, list[tuple[str, str]]]:
    root, _ = parse_pages([PageText.from_text(text, "p.txt", PageId.parse(page))])
    return {s.ref: [(n.kind, n.label) for n in s.notes] for s in root.walk() if s.notes}


def test_an_older_glued_marker_keeps_its_footnote_at_the_page_end():
    notes = _notes(OLD, "c050301")
    assert notes == {"5.3.1(1).A": [(FOOTNOTE, "2")]}


def test_two_glued_markers_in_two_sections():
    text = OLD.replace("harmonised in 3 ports.", "harmonised in 3 ports1.").replace(
        "• 2 Counting", "• 1 Ports of the region.\n\n• 2 Counting"
    )
    notes = _notes(text, "c050301")
    assert notes == {"5.3.1(1).A": [(FOOTNOTE, "2")], "5.3.1(1).B": [(FOOTNOTE, "1")]}


NEW = (
    "Diplomatic Bluebook 2031\n\n1 Harbour Safety\n\n(1) Pilot Boats\n\n"
    "A Boats Delivered\n\nJapan handed over 6 pilot boats to partner ports in 2030*{n}.\n\n"
    "B Harbour Rules\n\nPort rules were harmonised in 3 ports.\n\n"
    "*{n} Counting boats handed over in 2030.\n"
)


@pytest.mark.parametrize("label", ["1", "2", "3"])
def test_a_star_marker_keeps_its_footnote_whatever_its_number(label):
    notes = _notes(NEW.format(n=label), "c050301")
    assert notes == {"5.3.1(1).A": [(FOOTNOTE, label)]}
