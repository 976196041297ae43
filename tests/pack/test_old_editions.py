"""Older editions' heading shapes, their look-alike paragraphs, footnotes and captions;
cross-references and inline lists inside long paragraphs; a batch with one broken page.

All sample text here is written for these tests in the shape of the publisher's pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.loader import load_pack
from bot.pack.model import FIGURE, FOOTNOTE, LETTER, NUMBER, PAREN_NUMBER
from bot.pack.parser import KEPT_AS_TEXT, PageText, parse_chapter, parse_pages, split_footnotes

HEAD = (
    "Diplomatic Bluebook 2017\n\nChapter 3\n\nSample Policy Chapter\n\nSection 1 Sample Section\n\n"
)


def _tree(body: str):
    root = parse_chapter(HEAD + body)
    return {s.ref: s for s in root.walk()}


@pytest.mark.parametrize(
    ("line", "level", "ref", "title"),
    [
        ("1.Regional Security", NUMBER, "3.1.1", "Regional Security"),
        ("1. Regional Security", NUMBER, "3.1.1", "Regional Security"),
        ("1.Regional Security\n\n(1)Maritime Order", PAREN_NUMBER, "3.1.1(1)", "Maritime Order"),
    ],
)
def test_each_old_number_shape_is_a_heading(line, level, ref, title):
    sections = _tree(f"{line}\n\nSome text of the part.\n")
    assert sections[ref].level == level and sections[ref].title == title
    assert sections[ref].paragraphs[0].text == "Some text of the part."


@pytest.mark.parametrize("line", ["A. Coast Guard Cooperation", "A.Coast Guard Cooperation"])
def test_each_old_letter_shape_is_a_heading(line):
    sections = _tree(f"1.Regional Security\n\n(1)Maritime Order\n\n{line}\n\nText.\n")
    node = sections["3.1.1(1).A"]
    assert node.level == LETTER and node.title == "Coast Guard Cooperation"
    assert node.paragraphs[0].text == "Text."


def test_later_headings_keep_their_references_in_an_old_page():
    sections = _tree(
        "1.Regional Security\n\nIntro.\n\n(1)Maritime Order\n\nA. First Topic\n\nText one.\n\n"
        "B. Second Topic\n\nText two.\n\n(2)Air Space\n\nText three.\n\n2.Global Issues\n\n"
        "Text four.\n"
    )
    assert set(sections) >= {"3.1.1(1).A", "3.1.1(1).B", "3.1.1(2)", "3.1.2"}
    assert sections["3.1.2"].paragraphs[0].text == "Text four."


def test_number_look_alikes_stay_paragraphs():
    text = "2.5 million people were displaced by the floods in the region that year."
    sections = _tree(f"1.Regional Security\n\n{text}\n\n2.Global Issues\n\nMore.\n")
    assert [p.text for p in sections["3.1.1"].paragraphs] == [text]
    assert sections["3.1.2"].title == "Global Issues"


def test_letter_look_alikes_stay_paragraphs():
    said = "A. Smith said the talks would continue next year."
    initials = "U.S.-Japan Relations Remain the Cornerstone"
    sections = _tree(f"1.Regional Security\n\n(1)Maritime Order\n\n{said}\n\n{initials}\n")
    assert [p.text for p in sections["3.1.1(1)"].paragraphs] == [said, initials]
    assert not any(s.level == LETTER for s in sections.values())


def test_footnote_digit_glued_to_a_title_is_taken_off():
    sections = _tree(
        "1.Nuclear Issues\n\n(1)Peaceful Uses of Nuclear Energy3\n\n"
        "Japan supports the safe use of nuclear power.\n\n"
        "• 3 For more details, see the agency's annual report.\n"
    )
    node = sections["3.1.1(1)"]
    assert node.title == "Peaceful Uses of Nuclear Energy"
    assert [p.text for p in node.paragraphs] == ["Japan supports the safe use of nuclear power."]
    assert [(n.kind, n.label, n.text) for n in node.notes] == [
        (FOOTNOTE, "3", "For more details, see the agency's annual report.")
    ]


def test_star_footnotes_and_captions_are_notes_not_paragraphs():
    sections = _tree(
        "1.Regional Security\n\nThe Minister met her counterpart in the capital*4.\n\n"
        "*4 The meeting was the first in five years.\n\n"
        "Photo: The Foreign Minister at the meeting (May 3, Tokyo)\n\n"
        "Figure 3-1-1 Defense spending of the region\n\nThe talks covered trade as well.\n"
    )
    node = sections["3.1.1"]
    # The marker points at the footnote; it is not a word of the text.
    assert [p.text for p in node.paragraphs] == [
        "The Minister met her counterpart in the capital.",
        "The talks covered trade as well.",
    ]
    assert [n.kind for n in node.notes] == [FOOTNOTE, FIGURE, FIGURE]
    assert node.notes[0].label == "4"


def test_a_digit_marker_glued_to_a_word_comes_off_the_text_only_with_its_footnote():
    sections = _tree(
        "1.Nuclear Issues\n\nJapan supports the safe use of nuclear power3. It counts in km2.\n\n"
        "• 3 For more details, see the agency's annual report.\n"
    )
    node = sections["3.1.1"]
    assert [p.text for p in node.paragraphs] == [
        "Japan supports the safe use of nuclear power. It counts in km2."
    ]
    assert [(n.kind, n.label) for n in node.notes] == [(FOOTNOTE, "3")]


def test_a_bullet_list_item_with_a_number_stays_text_without_a_marker():
    sections = _tree("1.Regional Security\n\n• 3 countries joined the statement.\n")
    assert [p.text for p in sections["3.1.1"].paragraphs] == ["• 3 countries joined the statement."]


def test_an_old_heading_that_does_not_fit_is_warned():
    page = PageText.from_text(
        HEAD + "2.Global Issues\n\nText.\n\n1.Regional Security\n\nMore.\n", "old.txt"
    )
    _, warnings = parse_pages([page])
    kept = [w for w in warnings if w.kind == KEPT_AS_TEXT]
    assert kept and kept[0].line == 13 and "1.Regional Security" in kept[0].message


# -- import: cross-references, inline lists, a broken page in a batch ------------------------

SENTENCE = (
    "Japan continued to work with its partners on maritime security throughout the year, "
    "holding consultations with coastal states and supporting the training of their coast "
    "guards under its capacity-building programmes."
)
LONG = " ".join([SENTENCE] * 5)
CROSS_REF = f"{LONG} (see Chapter 3, Section 1, 4 (3) C.) The work will continue. {LONG}"
INLINE_LIST = f"{LONG} It set three priorities: (1) Asia, (2) Europe and (3) Africa. {LONG}"


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("Diplomatic Bluebook 2030\n\nChapter 3\n\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("paragraph", [CROSS_REF, INLINE_LIST], ids=["cross-ref", "inline-list"])
def test_a_long_paragraph_with_a_cross_reference_or_list_imports(capsys, tmp_path, paragraph):
    page = _write(tmp_path / "in", "c030104.txt", f"4 Maritime Security\n\n{paragraph}\n")
    code, _, err = _run(capsys, "content", "import", page, "--out", tmp_path / "lib")
    assert code == 0, err
    pack = load_pack(tmp_path / "lib" / "2030" / "chapter3")
    assert pack.sections["3.1.4"].paragraphs[0].text == paragraph


def test_a_batch_with_one_broken_page_imports_the_others_and_names_it(capsys, tmp_path):
    good = _write(tmp_path / "in", "c030101.txt", "1 First Part\n\nText of part one.\n")
    also = _write(tmp_path / "in", "c030102.txt", "2 Second Part\n\nText of part two.\n")
    broken = tmp_path / "in" / "c030103.txt"
    broken.write_text(" ".join(["Diplomatic Bluebook 2030 Chapter 3", LONG, LONG]) + "\n")
    code, _, err = _run(capsys, "content", "import", good, broken, also, "--out", tmp_path / "lib")
    assert code == 1
    assert f"{broken}:1: error:" in err and "run together" in err
    assert "1 page(s) not imported" in err
    pack = load_pack(tmp_path / "lib" / "2030" / "chapter3")
    assert {"3.1.1", "3.1.2"} <= set(pack.sections) and "3.1.3" not in pack.sections
    # --strict: a page that fails is worse than a warning: nothing is written.
    code, _, err = _run(
        capsys, "content", "import", good, broken, "--out", tmp_path / "strict", "--strict"
    )
    assert code == 1 and "nothing written" in err
    assert not (tmp_path / "strict").exists()


def test_a_page_without_section_lines_named_for_another_part_is_refused(capsys, tmp_path):
    # Older pages have no Chapter or Section line of their own: their part heading says
    # which page they are. Part 1's text saved as c030102 would replace part 2.
    out = tmp_path / "lib"
    first = _write(tmp_path / "in", "c030101.txt", "1.First Part\n\nText of part one.\n")
    second = _write(tmp_path / "in", "c030102.txt", "2.Second Part\n\nText of part two.\n")
    code, _, err = _run(capsys, "content", "import", first, second, "--out", out)
    assert code == 0, err
    again = _write(tmp_path / "again", "c030102.txt", "1.First Part\n\nText of part one.\n")
    code, _, err = _run(capsys, "content", "import", again, "--out", out)
    assert code == 1
    assert err.startswith(f"{again}:5: error: the file name says page c030102 ")
    assert "its headings say chapter 3, part 1; not imported" in err
    pack = load_pack(out / "2030" / "chapter3")
    assert pack.sections["3.1.2"].paragraphs[0].text == "Text of part two."


def test_text_with_no_line_structure_is_still_refused(capsys, tmp_path):
    joined = tmp_path / "c030101.txt"
    joined.write_text(
        "Diplomatic Bluebook 2030 Chapter 3 Section 1 Sample Section 1 First Part "
        + LONG
        + "(1) Topic One "
        + LONG
    )
    code, _, err = _run(capsys, "content", "import", joined, "--out", tmp_path / "lib")
    assert code == 1 and "run together" in err


@pytest.mark.parametrize(
    ("labels", "kept"),
    [(["1", "2", "3"], ["1", "2", "3"]), (["3", "1", "2"], ["1", "2"]), (["2", "3"], []), ([], [])],
)
def test_the_footnote_tail_counts_from_one_to_the_end(labels, kept):
    lines = [(1, "1 Part"), (2, "Some text of the part.")]
    lines += [(3 + i, f"{label} a note about the text.") for i, label in enumerate(labels)]
    start, notes = split_footnotes(lines)
    assert [label for _, label, _ in notes] == kept
    assert start == len(lines) - len(kept)
