"""Comparing a section renumbered by one inserted before it (tests/samples/renumbered.py:
2050's 7.1.1(2) is 2051's 7.1.1(3), and 2051's 7.1.1(2) is new): a reference naming its
edition is looked up there, and the renumbering is said, in the pack, the CLI and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.compare import changes_between, compare
from bot.pack.library import Library, load_library
from bot.served import ServedLibrary
from tests.samples.renumbered import renumbered_library


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("renumbered")
    return renumbered_library(scratch / "lib", scratch / "pages")


@pytest.fixture(scope="module")
def library(root) -> Library:
    return load_library(root)


def _compare(library: Library, ref: str, edition: int | None = None):
    old, new = library.packs["2050-7"], library.packs["2051-7"]
    return compare("2050-7", old, "2051-7", new, ref, edition=edition)


def test_a_reference_naming_the_earlier_edition_is_its_section_there(library):
    found = _compare(library, "7.1.1(2)", edition=2050)
    assert found is not None
    assert (found.before.title, found.after.title) == ("Invented Reef Patrols",) * 2
    assert (found.ref, found.was, found.status) == ("7.1.1(3)", "7.1.1(2)", "changed")
    # The same number unqualified is the later edition's: the new section.
    plain = _compare(library, "7.1.1(2)")
    assert plain is not None and (plain.status, plain.was) == ("added", None)
    later = _compare(library, "7.1.1(2)", edition=2051)
    assert later is not None and later.after is plain.after and later.status == "added"
    assert _compare(library, "7.1.1(2)", edition=2049) is None


def test_the_reference_named_picks_the_packs_and_an_edition_outside_is_said(library):
    packs = library.compared_packs("2050:7.1.1(2)", "2050-7", "2051-7")
    assert (packs.before, packs.after, packs.chapter, packs.outside) == (
        "2050-7",
        "2051-7",
        7,
        None,
    )
    assert library.compared_packs("7.1.1(2)@2049", "2050-7", "2051-7").outside == 2049


def test_sections_renumbered_with_text_unchanged_are_listed_as_renumbered(library):
    changes = changes_between("2050-7", library.packs["2050-7"], "2051-7", library.packs["2051-7"])
    assert [(s.ref, s.was) for s in changes.renumbered] == [
        ("7.1.1(3)", "7.1.1(2)"),
        ("7.1.1(3).B", "7.1.1(2).B"),
    ]
    assert changes.unchanged == 0
    data = changes.to_dict("2050", "2051")
    assert [s["was"] for s in data["renumbered_sections"]] == ["7.1.1(2)", "7.1.1(2).B"]


def _run(capsys, root, *argv):
    code = main(["--content", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("typed", ["2050:7.1.1(2)", "7.1.1(2)@2050", "7.1.1(3)"])
def test_the_cli_compares_the_section_and_says_it_was_renumbered(capsys, root, typed):
    code, out, _ = _run(capsys, root, "compare", typed)
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == [
        "7.1.1(3): 2050 → 2051",
        "renumbered from 7.1.1(2) in 2050; now 7.1.1(3) in 2051",
    ]
    assert "[-310-]{+365+}" in out and "seed bank" not in out


def test_the_cli_refuses_an_edition_not_held_in_one_line(capsys, root):
    """2049 is outside the two compared and not held at all: that it is not held is what to
    say (an edition held but outside the two: tests/library/test_compare_sample.py)."""
    code, out, err = _run(capsys, root, "compare", "2049:7.1.1(2)", "--from", "2050")
    assert code == 1 and out == ""
    assert err.strip() == "error: no edition 2049 in the library; it holds 2051, 2050"


def test_a_number_the_edition_named_lacks_says_whose_it_is_and_the_closest(capsys, root):
    """2050 has no 7.1.1(3): it is 2051's number for 2050's 7.1.1(2), and the closest
    sections are named in 2050, ready to compare again."""
    code, out, err = _run(capsys, root, "compare", "2050:7.1.1(3)")
    assert code == 1 and out == ""
    assert err.strip() == (
        "error: no section '7.1.1(3)' in Diplomatic Bluebook 2050; '7.1.1(3)' is 2051's; "
        "in 2050 it was '7.1.1(2)'; closest: 2050:7.1.1 Invented Reef Work, "
        "2050:7.1.1(2) Invented Reef Patrols, 2050:7.1.1(2).A Invented Harbour Checks"
    )
    _, _, err = _run(capsys, root, "compare", "7.1.9")
    assert err.startswith("error: no section '7.1.9' in Diplomatic Bluebook 2050 or ")
    assert "; closest: 7.1 Invented Reefs" in err


def test_the_cli_overview_and_json_name_the_renumbered_sections(capsys, root):
    _, out, _ = _run(capsys, root, "compare")
    assert "2 renumbered with text unchanged, 0 unchanged" in out
    assert "7.1.1(3).B   (was 7.1.1(2).B) Invented Satellite Watch — renumbered" in out
    _, raw, _ = _run(capsys, root, "compare", "--json")
    assert [s["ref"] for s in json.loads(raw)["renumbered_sections"]] == ["7.1.1(3)", "7.1.1(3).B"]
    _, raw, _ = _run(capsys, root, "compare", "2050:7.1.1(2)", "--json")
    data = json.loads(raw)
    assert data["ref"] == "7.1.1(3)" and data["paragraphs"][0]["from_ref"] == "7.1.1(2)¶1"


def test_a_renumbered_section_whose_part_changed_is_not_said_unchanged(capsys, root):
    """7.1.1(3)'s own paragraph reads the same but its part A changed, so its own view says
    "changed": the list says its own text is unchanged and its subsections changed."""
    _, out, _ = _run(capsys, root, "compare")
    assert (
        "7.1.1(3)     (was 7.1.1(2)) Invented Reef Patrols — renumbered, own text unchanged "
        "(subsections changed)"
    ) in out
    assert "Invented Satellite Watch — renumbered, text unchanged" in out
    _, raw, _ = _run(capsys, root, "compare", "--json")
    rows = json.loads(raw)["renumbered_sections"]
    assert [s["subsections_changed"] for s in rows] == [True, False]


def test_the_served_library_reads_a_qualified_reference_as_compare_buttons_carry_it(root):
    served = ServedLibrary.load(root)
    found = served.compare("2050-7", "2051-7", "2050:7.1.1(2)")
    assert found is not None and (found.ref, found.was) == ("7.1.1(3)", "7.1.1(2)")
    assert served.compare("2050-7", "2051-7", "7.1.1(2)@2049") is None


def test_a_section_only_the_earlier_edition_holds_pages_on_by_its_reference_there(
    root, monkeypatch
):
    import bot.replies.compare as replies
    from bot.pack.compare import REMOVED, Comparison, ParagraphChange
    from bot.replies.custom_ids import COMPARE

    served = ServedLibrary.load(root)
    old, new = served.packs["2050-7"].pack, served.packs["2051-7"].pack
    gone = old.sections["7.1.1(2)"]  # 2051 gives 7.1.1(2) to another section
    paragraphs = tuple(ParagraphChange(REMOVED, p, None) for p in gone.all_paragraphs())
    removed = Comparison(gone.ref, "2050-7", "2051-7", gone, None, paragraphs)
    monkeypatch.setattr(replies, "PAGE_CHARS", 80)
    reply = replies.compare_reply(removed, old, new, owner=1)
    ids = [b.state.custom_id() for row in reply.buttons for b in row]
    assert ids and all(COMPARE.fullmatch(i)["ref"] == "2050:7.1.1(2)" for i in ids)
