"""Comparing two editions whose page ids moved: a page id one edition lacks may be a page it
holds under another id (tests.samples.chapter5.py)."""

from __future__ import annotations

from pathlib import Path

from bot.pack.compare import changes_between, compare
from bot.pack.library import Library, load_library
from tests.samples.chapter5 import shifted_library


def _library(tmp_path: Path) -> Library:
    return load_library(shifted_library(tmp_path / "lib", tmp_path / "pages"))


def test_a_section_whose_page_id_moved_pairs_with_its_old_page(tmp_path):
    library = _library(tmp_path)
    old, new = library.packs["2040-5"], library.packs["2041-5"]
    found = compare("2040-5", old, "2041-5", new, "5.1.3")
    assert found is not None and found.status == "changed" and not found.not_held
    assert found.before is old.sections["5.1.2"]
    [change] = [p for p in found.paragraphs if p.status != "same"]
    assert [(p.op, p.text.strip()) for p in change.diff if p.op != "same"] == [
        ("removed", "7"),
        ("added", "9"),
    ]
    # The subsection on the moved page follows its heading: "(1) Overview" is compared too.
    assert compare("2040-5", old, "2041-5", new, "5.1.3(1)").before is old.sections["5.1.2(1)"]
    inserted = compare("2040-5", old, "2041-5", new, "5.1.2")
    assert inserted is not None and inserted.status == "added" and not inserted.not_held


def test_the_list_has_one_addition_and_the_moved_section_changed(tmp_path):
    library = _library(tmp_path)
    listed = changes_between("2040-5", library.packs["2040-5"], "2041-5", library.packs["2041-5"])
    assert [(s.ref, s.section.title, s.comparison.status) for s in listed.sections] == [
        ("5.1.2", "Invented Undersea Cables", "added"),
        ("5.1.3(1)", "Overview", "changed"),
    ]
    assert not listed.not_held
    # The moved section says where it was; the added one has no earlier reference.
    assert [s.was for s in listed.sections] == [None, "5.1.2(1)"]
    assert listed.sections[1].to_dict()["was"] == "5.1.2(1)"
    # Backwards (2041 → 2040) the moved section is the same pair, the cables part removed.
    back = changes_between("2041-5", library.packs["2041-5"], "2040-5", library.packs["2040-5"])
    assert [(s.ref, s.comparison.status) for s in back.sections] == [
        ("5.1.2", "removed"),
        ("5.1.2(1)", "changed"),
    ]
    assert not back.not_held
