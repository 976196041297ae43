"""The parser on sample text written for each heading level."""

import json
import re
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.pack import parser
from bot.pack.model import (
    LETTER,
    NUMBER,
    PAREN_LOWER,
    PAREN_NUMBER,
    PAREN_UPPER,
    SECTION,
    Manifest,
    Pack,
)
from bot.pack.parser import (
    SKIPPED_NUMBER,
    Heading,
    PageText,
    ParseError,
    drop_markers,
    match_heading,
    parse_chapter,
    parse_pages,
)
from bot.pack.refs import RefIndex
from bot.pack.views import toc_json
from bot.replies.section import toc_reply

DEEP = """Diplomatic Bluebook 2030

Chapter 2

Sample Chapter Title

Section 1 First Section

Intro paragraph under the section.

1 Numbered Heading

(1) Paren Number

A Letter Heading

A paragraph that begins with the letter A and ends like a sentence.

(A) Paren Upper

(a) Paren Lower

Text at the deepest level.

(b) Second Lower

More text.

B Second Letter

2 million people were affected, which is a sentence.

(2) Second Paren Number

Closing text.

2 Second Numbered

Last paragraph.
"""


def _by_ref(root):
    return {s.ref: s for s in root.walk()}


def test_every_level_gets_a_reference():
    root = parse_chapter(DEEP)
    sections = _by_ref(root)
    assert root.ref == "2"
    assert root.title == "Sample Chapter Title"
    expected = {
        "2.1": (SECTION, "First Section"),
        "2.1.1": (NUMBER, "Numbered Heading"),
        "2.1.1(1)": (PAREN_NUMBER, "Paren Number"),
        "2.1.1(1).A": (LETTER, "Letter Heading"),
        "2.1.1(1).A(A)": (PAREN_UPPER, "Paren Upper"),
        "2.1.1(1).A(A)(a)": (PAREN_LOWER, "Paren Lower"),
        "2.1.1(1).A(A)(b)": (PAREN_LOWER, "Second Lower"),
        "2.1.1(1).B": (LETTER, "Second Letter"),
        "2.1.1(2)": (PAREN_NUMBER, "Second Paren Number"),
        "2.1.2": (NUMBER, "Second Numbered"),
    }
    for ref, (level, title) in expected.items():
        assert sections[ref].level == level, ref
        assert sections[ref].title == title, ref


def test_paragraph_lines_that_look_like_headings_stay_paragraphs():
    sections = _by_ref(parse_chapter(DEEP))
    letter = sections["2.1.1(1).A"]
    assert [p.text for p in letter.paragraphs] == [
        "A paragraph that begins with the letter A and ends like a sentence."
    ]
    assert sections["2.1.1(1).B"].paragraphs[0].text.startswith("2 million people")


def test_paragraphs_are_numbered_within_their_section():
    sections = _by_ref(parse_chapter(DEEP))
    lower = sections["2.1.1(1).A(A)(a)"]
    assert [(p.ref, p.index) for p in lower.paragraphs] == [("2.1.1(1).A(A)(a)¶1", 1)]
    assert sections["2.1"].paragraphs[0].ref == "2.1¶1"


def test_numbering_may_start_anywhere_and_a_late_start_is_warned():
    text = "Chapter 1\n\nTitle\n\nSection 1 S\n\n3 Numbered Late\n\n3 countries agreed.\n"
    root, warnings = parse_pages([PageText.from_text(text, "late.txt")])
    assert [s.ref for s in root.walk()] == ["1", "1.1", "1.1.3"]
    assert [p.text for p in root.children[0].children[0].paragraphs] == ["3 countries agreed."]
    assert [(w.file, w.line, w.kind) for w in warnings] == [("late.txt", 7, SKIPPED_NUMBER)]


def test_shipped_chapter_outline(pack):
    outline = [(s.ref, s.title) for s in pack.root.walk()]
    assert outline[:3] == [
        ("3", "Japan's Foreign Policy to Promote National and Global Interests"),
        ("3.1", "Efforts for Peace and Stability of Japan and the International Community"),
        ("3.1.1", "National Security Initiatives"),
    ]
    assert [ref for ref, _ in outline[3:]] == ["3.1.1(1)", "3.1.1(2)", "3.1.1(3)"]
    assert [len(s.paragraphs) for s in pack.root.walk()][3:] == [4, 3, 1]


def test_text_without_chapter_is_an_error():
    with pytest.raises(ParseError):
        parse_chapter("just some text\n")


def _page(text, page=None):
    from bot.pack.pages import PageId

    return PageText.from_text(text, "p.txt", PageId.parse(page) if page else None)


def test_only_numbered_lines_from_1_that_end_a_page_are_footnotes():
    text = "Chapter 1\n\nT\n\nSection 1 S\n\n1 Heading\n\nBody.\n\n3 countries signed it in 2020.\n"
    root, _ = parse_pages([_page(text)])
    heading = root.children[0].children[0]
    assert [p.text for p in heading.paragraphs] == ["Body.", "3 countries signed it in 2020."]
    assert heading.notes == []
    text += "\n1 First note.\n\n2 Second note.\n"
    root, _ = parse_pages([_page(text)])
    heading = root.children[0].children[0]
    assert len(heading.paragraphs) == 2
    assert [(n.kind, n.label) for n in heading.notes] == [("footnote", "1"), ("footnote", "2")]
    # A heading with nothing after it that ends a page is still a heading.
    root, _ = parse_pages([_page("Chapter 1\n\nT\n\nSection 1 S\n\n1 Heading Only\n")])
    assert [s.ref for s in root.walk()] == ["1", "1.1", "1.1.1"]


def test_footnote_markers_come_off_the_text_and_the_footnotes_stay_with_their_section():
    text = (
        "Chapter 1\n\nT\n\nSection 1 S\n\n1 Heading\n\nBody.\n\n(1) Sub\n\n"
        "Japan led the talks with new members*1. The G20 and H5N1 stay*2*3.\n\n"
        "1 First note.\n\n2 Second note.\n\n3 Third note.\n"
    )
    root, _ = parse_pages([_page(text)])
    sub = root.children[0].children[0].children[0]
    assert [p.text for p in sub.paragraphs] == [
        "Japan led the talks with new members. The G20 and H5N1 stay."
    ]
    assert [(n.label, n.text) for n in sub.notes] == [
        ("1", "First note."),
        ("2", "Second note."),
        ("3", "Third note."),
    ]
    assert drop_markers("technologies*1.", set()) == ("technologies.", ["1"])
    assert drop_markers("in km2 and CO2", set()) == ("in km2 and CO2", [])


# A heading carrying the marker of a footnote its page has ("*3"), and one whose "*7" and
# "H5N1" mark none of them (the page has no footnote 7; a digit after a capital is no marker).
MARKED_HEADINGS = (
    "Chapter 1\n\nT\n\nSection 1 S\n\n1 Resources\n\nBody.\n\n(1) Water\n\nMore.\n\n"
    "(2) Forests\n\nEven more.\n\n(3) Energy*3\n\nJapan supports clean energy.\n\n"
    "(4) The G*7 Response to H5N1\n\nLeaders met.\n\n"
    "1 First note.\n\n2 Second note.\n\n3 Third note.\n"
)


def test_a_footnote_marker_comes_off_a_heading_only_with_its_footnote():
    root, _ = parse_pages([_page(MARKED_HEADINGS)])
    sections = _by_ref(root)
    energy = sections["1.1.1(3)"]
    assert (energy.title, energy.heading) == ("Energy", "(3) Energy")
    # The footnote is a note of the section whose heading carries its marker.
    assert [n.label for n in energy.notes] == ["3"]
    assert sections["1.1.1(4)"].title == "The G*7 Response to H5N1"
    # Without the footnote on the page, "*3" is left as written.
    alone = MARKED_HEADINGS.split("\n\n1 First note.")[0]
    assert _by_ref(parse_chapter(alone))["1.1.1(3)"].title == "Energy*3"


def test_what_names_a_heading_is_its_title_without_the_marker():
    manifest = Manifest("T", 2030, 1, "T", "en", "https://example.org/x")
    pack = Pack(manifest, parse_pages([_page(MARKED_HEADINGS)])[0])
    refs = RefIndex(pack)
    assert refs.resolve("energy").section is pack.sections["1.1.1(3)"]
    assert [s.title for s in refs.complete("energy")][:1] == ["Energy"]
    toc = "\n".join(e["description"] for e in toc_reply(pack).embeds)
    assert "(3) Energy" in toc and "*3" not in toc
    assert "*3" not in json.dumps(toc_json([pack]))


def test_a_page_id_places_a_page_without_chapter_lines():
    root, warnings = parse_pages([_page("3 Third Part\n\n(1) Sub\n\nText.\n", "c020403")])
    assert [s.ref for s in root.walk()] == ["2", "2.4", "2.4.3", "2.4.3(1)"]
    assert (root.heading, root.children[0].heading) == ("Chapter 2", "Section 4")
    assert warnings == []


def test_a_page_continuing_its_part_is_placed_there_and_warned():
    first = _page("3 Third Part\n\n(1) Sub\n\nText.\n", "c020403")
    second = _page("(2) More of the Third Part\n\nText.\n", "c020403")
    second.file = "q.txt"
    root, warnings = parse_pages([first, second])
    assert "2.4.3(2)" in {s.ref for s in root.walk()}
    assert [(w.file, w.kind) for w in warnings] == [("q.txt", "guessed-position")]


def _every_pattern(line: str) -> Heading | None:
    """`match_heading` with its first test passing every line: every pattern is tried."""
    with mock.patch.object(parser, "_MAY_BE_HEADING", re.compile("")):
        return match_heading(line)


_STARTS = ["Chapter", "Section", "Column", "A", "Z", "(", "[", "1", "12", "３", "a", "“", " ", "."]


@example("(", "1", ") Sub")
@example("(", "", "A) Sub")
@example("(", "", "a) sub Title")
@example("A", " ", "Title")
@example("A", ".", "Title")
@example("1", ".", "Title")
@example("Chapter", " ", "3")
@example("Section", " ", "1 Title")
@given(
    st.sampled_from(_STARTS),
    st.sampled_from(["", " ", "  ", ".", ". ", ")", ") ", "\t", "1", "1 "]),
    st.text(alphabet=st.sampled_from("AaZz19 .,:()“\t-"), max_size=12),
)
def test_the_quick_heading_test_never_turns_a_heading_away(start: str, then: str, rest: str):
    """`match_heading` skips the patterns for a line no heading starts like; it must find
    every heading the patterns find."""
    line = start + then + rest
    assert match_heading(line) == _every_pattern(line)


@given(st.text(max_size=40))
def test_the_quick_heading_test_on_any_text(line: str):
    assert match_heading(line) == _every_pattern(line)


def _drop_every_marker(text: str, labels: set[str]) -> tuple[str, list[str]]:
    """`drop_markers` with its first test passing every text: the pattern reads it all."""
    with mock.patch.object(parser, "_may_have_marker", lambda text: True):
        return drop_markers(text, labels)


@example("members*1.", set())
@example("Energy3 and more", {"3"})
@given(
    st.text(alphabet=st.sampled_from('ab Z1239\uff13\u0663*).,\u201d\u2019"-\n'), max_size=30),
    st.sets(st.sampled_from(["1", "2", "3", "12"])),
)
def test_the_quick_marker_test_never_keeps_a_marker(text: str, labels: set[str]):
    assert drop_markers(text, labels) == _drop_every_marker(text, labels)


def test_the_quick_marker_test_reads_digits_beyond_ascii():
    for text in ("members\uff13 more", "members*\u0663.", "caf\u00e9 members\uff13"):
        assert drop_markers(text, {"\uff13"}) == _drop_every_marker(text, {"\uff13"})
        assert drop_markers(text, {"\uff13"})[1], text
