"""Search over two editions: the default first, each paragraph once."""

from __future__ import annotations

from bot.served import ServedLibrary

from .conftest import EDITIONS


def _content() -> ServedLibrary:
    return ServedLibrary.load(EDITIONS)


def test_the_newest_edition_comes_first_and_no_paragraph_twice():
    content = _content()
    for query in ("security", "territorial integrity", "escorted", "cooperation", "GCAP"):
        response = content.search(query, pack_key=content.newest_key, limit=10)
        keys = [r.pack_key for r in response.results]
        assert keys == sorted(keys, reverse=True), query  # 2031 before 2030
        texts = [r.result.paragraph for r in response.results]
        assert len(texts) == len(set(texts)), query


def test_an_unchanged_paragraph_notes_the_other_edition():
    content = _content()
    top = content.search("territorial integrity", pack_key="2031-3", limit=1).results[0]
    assert top.pack_key == "2031-3" and top.result.ref == "3.1.1(3)¶1"
    assert top.also_in == ("2030-3",)


def test_a_changed_paragraph_is_two_results_one_per_version():
    content = _content()
    found = content.search("escorted troops", pack_key="2031-3", limit=5).results
    versions = [(r.pack_key, r.result.ref) for r in found if r.result.ref == "3.1.1(2)¶2"]
    assert versions == [("2031-3", "3.1.1(2)¶2"), ("2030-3", "3.1.1(2)¶2")]
    assert all(r.also_in == () for r in found if r.result.ref == "3.1.1(2)¶2")


def test_a_match_only_in_another_edition_says_so():
    content = _content()
    # 2031 says 164 times; only 2030 says 137.
    response = content.search("137", pack_key="2031-3", limit=3)
    assert response.only_elsewhere
    assert [(r.pack_key, r.result.ref) for r in response.results] == [("2030-3", "3.1.1(2)¶2")]
    assert "137" in response.results[0].result.excerpt


def test_the_edition_option_searches_that_edition_first():
    content = _content()
    response = content.search("escorted troops", pack_key="2030-3", limit=1)
    assert response.results[0].pack_key == "2030-3"
    assert "137" in response.results[0].result.paragraph
