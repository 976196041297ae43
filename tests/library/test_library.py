"""Loading a library of editions and chapters, and qualified references."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from bot.pack.library import (
    QualifiedRef,
    check_library,
    load_library,
    pack_dir_for,
    pack_key,
    parse_key,
    split_edition,
)
from bot.pack.loader import ContentError
from bot.served import ServedLibrary

from .conftest import EDITIONS

ROOT = Path(__file__).resolve().parents[2]


def test_a_library_holds_each_edition_newest_first():
    library = load_library(EDITIONS)
    assert list(library.packs) == ["2031-3", "2030-3"]
    assert library.newest_key == "2031-3"
    assert library.editions() == [2031, 2030]
    assert library.key_for(2030) == "2030-3"
    assert library.key_for(1999) is None


def test_a_plain_pack_is_a_library_of_one():
    library = load_library(ROOT / "content")
    assert list(library.packs) == ["2025-3"]


def test_pack_dir_for_and_keys_agree_with_the_layout(tmp_path):
    assert pack_dir_for(tmp_path, 2024, 3) == tmp_path / "2024" / "chapter3"
    assert pack_key(2024, 3) == "2024-3"
    assert parse_key("2024-3") == (2024, 3)
    assert parse_key("3.1.1") is None


def test_every_problem_of_every_pack_is_reported_with_its_file(library_dir):
    (library_dir / "2030/chapter3/facts.yaml").write_text("facts: [unclosed\n", encoding="utf-8")
    glossary = library_dir / "2031/chapter3/glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "  - term: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(library_dir)
    files = {p.file for p in caught.value.problems}
    assert str(library_dir / "2030/chapter3/facts.yaml") in files
    assert str(library_dir / "2031/chapter3/glossary.yaml") in files
    assert all(p.line >= 1 for p in caught.value.problems)


def test_a_pack_filed_under_the_wrong_edition_is_refused(library_dir):
    (library_dir / "2031").rename(library_dir / "2029")
    library, problems = check_library(library_dir)
    assert any("manifest says edition 2031" in p.message for p in problems)
    assert library is not None and list(library.packs) == ["2030-3"]


def test_an_empty_directory_is_not_a_library(tmp_path):
    library, problems = check_library(tmp_path)
    assert library is None and "holds no pack" in problems[0].message


@pytest.mark.parametrize(
    "typed",
    [
        "2030:3.1.1(2)",
        "3.1.1(2)@2030",
        "3.1.1(2) (2030)",
        "3.1.1(2) [2030]",
        "2030 3.1.1(2)",
        "2030: §3.1.1(2)",
    ],
)
def test_qualified_forms_name_the_edition(typed):
    qualified = split_edition(typed)
    assert qualified.edition == 2030
    assert "3.1.1(2)" in qualified.ref


@pytest.mark.parametrize("typed", ["3.1.1(2)", "territorial integrity", "3.1.1(3) p1", "12:30"])
def test_unqualified_references_keep_the_default(typed):
    assert split_edition(typed).edition is None


@pytest.mark.parametrize("typed", ["GCAP@2024@2025", "2024:2025:GCAP", "2024:GCAP@2025"])
def test_two_editions_named_are_none(typed):
    assert split_edition(typed, words=True) == QualifiedRef(None, typed)
    assert split_edition(typed).edition is None


def test_content_locates_a_qualified_reference_in_its_edition():
    content = ServedLibrary.load(EDITIONS)
    old = content.locate("2030:3.1.1(2)¶3")
    assert old.served is not None and old.served.pack_key == "2030-3"
    assert old.found.paragraph is not None and "deepening cooperation" in old.found.paragraph.text
    new = content.locate("3.1.1(2)¶3")  # removed in 2031, the default
    assert new.served is not None and new.served.pack_key == "2031-3" and not new.found.ok
    missing = content.locate("3.1.1(2)@2019")
    assert missing.served is None and missing.asked_year == 2019


def test_start_up_drops_the_words_shared_by_its_indexes_before_giving_memory_back(monkeypatch):
    """The paragraphs' words read once for the newest pack's two indexes (8 bytes a word of
    every paragraph) are freed by the end of the load, before glibc is asked for them."""
    from bot import served
    from bot.search.build import ParagraphWords

    made = []
    alive_at_give_back = []

    class Recorded(ParagraphWords):
        def __init__(self, spellings=()):
            super().__init__(spellings)
            made.append(weakref.ref(self))

    def give_back():
        alive_at_give_back.extend(ref() is not None for ref in made)
        return False

    monkeypatch.setattr(served, "ParagraphWords", Recorded)
    monkeypatch.setattr(served, "give_back", give_back)
    library = ServedLibrary.load(EDITIONS)
    assert library.search("defense", pack_key=library.newest_key).results
    assert alive_at_give_back == [False]
