"""A page one edition lacks: added or removed when that edition's table of contents (kept
by `content fetch`) does not list it; else "not held", with a fetch of the page only when
the edition is known or likely to have it (tests/samples/chapter5.py)."""

from __future__ import annotations

from pathlib import Path

from bot.fetch.contents import known_pages
from bot.pack.compare import ADDED, NOT_HELD, REMOVED, changes_between, compare
from bot.pack.library import Library, load_library
from bot.replies.compare import changes_pages, compare_pages
from tests.samples.chapter5 import dropped_library, keep_contents

OLD, NEW = "2040-5", "2041-5"


def _library(tmp_path: Path) -> tuple[Path, Library]:
    root = dropped_library(tmp_path / "lib", tmp_path / "pages")
    return root, load_library(root)


def _compare(library: Library, ref: str):
    known = known_pages(library, OLD, NEW)
    return compare(OLD, library.packs[OLD], NEW, library.packs[NEW], ref, known)


def _changes(library: Library):
    known = known_pages(library, OLD, NEW)
    return changes_between(OLD, library.packs[OLD], NEW, library.packs[NEW], known)


def test_without_a_table_of_contents_a_missing_page_is_not_held_and_no_page_is_fetched(
    tmp_path,
):
    _, library = _library(tmp_path)
    for ref, lacking in (("5.1.2", 2041), ("5.2.1", 2040)):
        found = _compare(library, ref)
        assert found.status == NOT_HELD and found.paragraphs == ()
        [missing] = found.not_held
        assert missing.edition == lacking and not missing.likely
        [page] = compare_pages(found, library.packs[OLD], library.packs[NEW])
        assert "--pages" not in page
        assert f"{lacking} may not have that page" in page
        assert f"content fetch --edition {lacking} --chapter 5 --out LIBRARY" in page


def test_a_page_the_contents_do_not_list_is_a_section_removed_or_added(tmp_path):
    root, library = _library(tmp_path)
    keep_contents(root, 2041, ["c050101", "c050201"])
    removed = _compare(library, "5.1.2")
    assert removed.status == REMOVED and removed.not_held == ()
    assert [p.status for p in removed.paragraphs] == [REMOVED]
    changes = _changes(library)
    # The list names the sections with text of their own: the treaties' "(1) Overview".
    assert ("5.1.2(1)", REMOVED) in [(s.ref, s.comparison.status) for s in changes.sections]
    # 2040's contents are still unknown: its lack of c050201 is "not held".
    assert [(n.page, n.edition, n.likely) for n in changes.not_held] == [("c050201", 2040, False)]
    keep_contents(root, 2040, ["c050101", "c050102"])
    added = _compare(library, "5.2.1")
    assert added.status == ADDED and [p.status for p in added.paragraphs] == [ADDED]
    changes = _changes(library)
    assert changes.not_held == ()
    statuses = {s.ref: s.comparison.status for s in changes.sections}
    assert statuses["5.1.2(1)"] == REMOVED and statuses["5.2.1"] == ADDED
    [page] = changes_pages(changes, library.packs[OLD], library.packs[NEW])
    assert "not in the" not in page and "content fetch" not in page


def test_a_page_the_contents_list_but_the_library_lacks_is_fetched_by_its_id(tmp_path):
    root, library = _library(tmp_path)
    keep_contents(root, 2041, ["c050101", "c050102", "c050201"])
    found = _compare(library, "5.1.2")
    assert found.status == NOT_HELD and found.not_held[0].likely
    [page] = compare_pages(found, library.packs[OLD], library.packs[NEW])
    assert "content fetch --edition 2041 --pages c050102 --out LIBRARY" in page
