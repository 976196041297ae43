"""Comparing a section between the 2030 and 2031 test editions."""

from __future__ import annotations

import dataclasses

from bot.pack.compare import changes_between, compare, word_diff
from bot.pack.library import load_library
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from bot.pack.parser import parse_chapter

from .conftest import EDITIONS


def _compare(ref: str):
    library = load_library(EDITIONS)
    return compare("2030-3", library.packs["2030-3"], "2031-3", library.packs["2031-3"], ref)


def _ops(pieces, op):
    return [p.text.strip() for p in pieces if p.op == op]


def test_a_changed_figure_is_marked_word_by_word():
    found = _compare("3.1.1(2)")
    assert found.status == "changed"
    changed = [p for p in found.paragraphs if p.status == "changed"]
    assert len(changed) == 1
    assert "137" in _ops(changed[0].diff, "removed")
    assert "164" in _ops(changed[0].diff, "added")
    assert "".join(p.text for p in changed[0].diff if p.op != "added") == changed[0].before.text
    assert "".join(p.text for p in changed[0].diff if p.op != "removed") == changed[0].after.text


def test_an_added_sentence_and_a_removed_paragraph():
    added = [p for p in _compare("3.1.1(1)").paragraphs if p.status == "changed"]
    assert _ops(added[0].diff, "added") == [
        "Japan will review the progress of the Strategy every year."
    ]
    removed = [p for p in _compare("3.1.1(2)").paragraphs if p.status == "removed"]
    assert [p.before.ref for p in removed] == ["3.1.1(2)¶3"] and removed[0].after is None


def test_an_unchanged_section_says_unchanged():
    found = _compare("3.1.1(3)")
    assert found.status == "unchanged"
    assert {p.status for p in found.paragraphs} == {"same"}


def test_sections_are_matched_by_title_when_numbering_moves():
    library = load_library(EDITIONS)
    old, new = library.packs["2030-3"], library.packs["2031-3"]
    moved = new.sections["3.1.1(3)"]
    new.sections = {("3.1.1(4)" if k == "3.1.1(3)" else k): v for k, v in new.sections.items()}
    moved.ref = "3.1.1(4)"
    found = compare("2030-3", old, "2031-3", new, "3.1.1(3)")
    assert found is not None and found.after is moved and found.status == "unchanged"


def test_a_section_in_one_edition_only_is_added_or_removed():
    library = load_library(EDITIONS)
    old, new = library.packs["2030-3"], library.packs["2031-3"]
    section = new.sections.pop("3.1.1(3)")
    section.title = "Something else entirely"
    found = compare("2030-3", old, "2031-3", new, "3.1.1(3)")
    assert found is not None and found.status == "removed"
    found = compare("2031-3", new, "2030-3", old, "3.1.1(3)")
    assert found is not None and found.status == "added"


def test_json_shape():
    data = _compare("3.1.1(2)").to_dict("2030", "2031")
    assert set(data) == {"ref", "from", "to", "status", "paragraphs", "headings", "not_held"}
    assert set(data["paragraphs"][0]) == {
        "from_ref",
        "to_ref",
        "also_from",
        "also_to",
        "status",
        "from_text",
        "to_text",
        "diff",
    }


def test_word_diff_keeps_every_character():
    before, after = "a total of 137 times.", "a total of 164 times, at least."
    pieces = word_diff(before, after)
    assert "".join(p.text for p in pieces if p.op != "added") == before
    assert "".join(p.text for p in pieces if p.op != "removed") == after
    assert dataclasses.asdict(pieces[0])["op"] == "same"


def test_a_paragraph_split_in_three_is_one_change_with_no_word_changed():
    from bot.pack.compare import align
    from bot.pack.model import Paragraph

    sentences = [
        "Japan held talks with its partners on the rules for trade in 2030.",
        "The talks covered tariffs, services and the movement of data across borders.",
        "A second round is planned for the spring of the following year in Tokyo.",
    ]
    whole = [Paragraph("3.1¶1", "3.1", 1, " ".join(sentences), 1)]
    parts = [Paragraph(f"3.1¶{i}", "3.1", i, s, i) for i, s in enumerate(sentences, 1)]
    [split] = align(whole, parts)
    assert split.status == "changed" and split.afters == tuple(parts)
    assert all(p.op == "same" for p in split.diff)
    [merged] = align(parts, whole)
    assert merged.befores == tuple(parts) and merged.after is whole[0]


# An older edition's page (invented text) in the older heading shapes, "1.Title" among them.
_OLDER = """Diplomatic Bluebook 2030

Chapter 3

Invented Chapter Title

Section 1 Invented Section

1.Invented Security Initiatives

The ministry held sixty meetings on security initiatives with partners.

2. Invented Alliance Arrangements

(1) Overview

The alliance arrangements were reviewed twice with partners in the region.

(2) Exercises

Joint exercises were held 98 times with the allied forces.

3. Invented Outreach

Outreach continued in many countries across the world.
"""
_INSERTED = """2. Invented New Cyber Part

(1) Overview

The cyber part is new this year and covers network defence.

"""


def _packs(later: str) -> tuple[Pack, Pack]:
    manifest = load_pack().manifest
    return (
        Pack(manifest=manifest, root=parse_chapter(_OLDER)),
        Pack(manifest=manifest, root=parse_chapter(later)),
    )


def test_a_section_inserted_before_others_is_added_and_theirs_only_renumbered():
    """Each old section answers one new one, its "Overview" too: the inserted part's
    "Overview" is new, the old one moved on with its parent."""
    later = (
        _OLDER.replace("1.Invented", "1. Invented")
        .replace("3. Invented Outreach", "4. Invented Outreach")
        .replace("2. Invented Alliance", _INSERTED + "3. Invented Alliance")
        .replace("98 times", "137 times")
    )
    before, after = _packs(later)
    listed = changes_between("2030", before, "2031", after)
    assert [(s.ref, s.comparison.status, s.renamed) for s in listed.sections] == [
        ("3.1.2(1)", "added", None),
        ("3.1.3(2)", "changed", None),
    ]
    for ref, status, old in [
        ("3.1.2", "added", None),
        ("3.1.2(1)", "added", None),
        ("3.1.3", "changed", "3.1.2"),
        ("3.1.3(1)", "unchanged", "3.1.2(1)"),
        ("3.1.3(2)", "changed", "3.1.2(2)"),
        ("3.1.4", "unchanged", "3.1.3"),
    ]:
        found = compare("2030", before, "2031", after, ref)
        assert found is not None and found.status == status, ref
        assert (found.before.ref if found.before else None) == old, ref


def test_a_heading_renamed_at_the_same_number_is_still_renamed():
    later = _OLDER.replace("Invented Alliance Arrangements", "Invented Partnership Frameworks")
    before, after = _packs(later)
    [renamed] = changes_between("2030", before, "2031", after).sections
    assert renamed.ref == "3.1.2" and renamed.comparison.status == "changed"
    assert renamed.renamed is not None and renamed.renamed.before.endswith("Arrangements")


def _parts(body: str) -> str:
    """A page of invented parts under one section, in the publisher's shapes."""
    return (
        "Diplomatic Bluebook 2030\n\nChapter 3\n\nInvented Chapter Title\n\n"
        f"Section 1 Invented Section\n\n{body}"
    )


_ALPHA_BETA = """1. Alpha Relations

(1) Overview

Alpha text about trade and security matters in the region.

{alpha}2. Beta Relations

(1) Overview

Beta text about culture and people exchanges.

{beta}"""
_COLUMN = """Column: The Invented Sakura Exchange Programme

The sakura programme brought two hundred students to Japan this year.

"""
_TRADE = """(2) Trade

Trade between the two countries grew by a tenth.

"""


def _changes(old: str, new: str) -> list[tuple[str, str]]:
    manifest = load_pack().manifest
    before = Pack(manifest=manifest, root=parse_chapter(_parts(old)))
    after = Pack(manifest=manifest, root=parse_chapter(_parts(new)))
    listed = changes_between("2030", before, "2031", after).sections
    return [(s.ref, s.comparison.status) for s in listed]


def test_a_column_or_subsection_moved_to_another_part_is_no_change():
    assert (
        _changes(
            _ALPHA_BETA.format(alpha=_COLUMN, beta=""), _ALPHA_BETA.format(alpha="", beta=_COLUMN)
        )
        == []
    )
    assert (
        _changes(
            _ALPHA_BETA.format(alpha=_TRADE, beta=""), _ALPHA_BETA.format(alpha="", beta=_TRADE)
        )
        == []
    )


def test_one_old_section_answers_one_new_one_when_two_titles_match_it():
    """ "Trade" matches "Trade Policy" and "Trade Statistics" alike: one is its successor."""
    later = (
        _TRADE.replace("(2) Trade", "(2) Space")
        + _TRADE.replace("(2) Trade", "(3) Trade Policy")
        + _TRADE.replace("(2) Trade", "(4) Trade Statistics")
    )
    found = _changes(
        _ALPHA_BETA.format(alpha=_TRADE, beta=""), _ALPHA_BETA.format(alpha=later, beta="")
    )
    assert sorted(found) == [
        ("3.1.1(2)", "added"),
        ("3.1.1(3)", "changed"),
        ("3.1.1(4)", "added"),
    ]
