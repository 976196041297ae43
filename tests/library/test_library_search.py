"""Search over two editions: the default first, each paragraph once."""

from __future__ import annotations

import itertools

from bot.search.library import EDITION_MARGIN
from bot.served import ServedLibrary
from tests.samples import LIBRARY

from .conftest import EDITIONS


def _content() -> ServedLibrary:
    return ServedLibrary.load(EDITIONS)


def test_another_edition_ranks_above_the_default_only_by_the_margin_and_no_paragraph_twice():
    content = _content()
    for query in ("security", "territorial integrity", "escorted", "cooperation", "GCAP"):
        response = content.search(query, pack_key=content.newest_key, limit=10)
        results = response.results
        for above, below in itertools.pairwise(results):
            if above.pack_key != content.newest_key and below.pack_key == content.newest_key:
                assert above.result.score > below.result.score * (1 + EDITION_MARGIN), query
        texts = [r.result.paragraph for r in results]
        assert len(texts) == len(set(texts)), query
        # A reply escapes an excerpt by what its paragraph holds (markdown `escaper`).
        for r in results:
            start = r.result.chosen.start
            assert r.result.paragraph[start : start + len(r.result.excerpt)] == r.result.excerpt


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


# -- ranking across editions, on the sample library (tests/samples) ----------------------------


def _sample() -> ServedLibrary:
    return ServedLibrary.load(LIBRARY)


def test_a_sentence_only_an_older_edition_holds_comes_first_when_it_is_the_strong_match():
    content = _sample()
    assert content.newest_key == "2026-3"
    # Only 2024 says the reclamation "is under way"; 2026 shares "reclamation" or "port".
    for query in ("reclamation under way", "port terminal under way"):
        results = content.search(query, pack_key="2026-3", limit=5).results
        first = results[0]
        assert (first.pack_key, first.result.ref) == ("2024-3", "3.2.2(2)¶1"), query
        assert "is under way" in first.result.paragraph
        weaker = [r for r in results if r.pack_key == "2026-3"]
        assert weaker and all(r.result.score < first.result.score for r in weaker), query


def test_a_near_tie_goes_to_the_edition_searched_first(monkeypatch):
    content = _sample()
    # 3.1.1(1)¶2: 2024 "held 7 joint exercises with about 20", 2026 "held 11 joint exercises":
    # a query naming both figures scores the two versions about alike, 2026 a little higher.
    query = "held 11 or 20 joint exercises"
    results = content.search(query, pack_key="2024-3", limit=5).results
    by_pack = {r.pack_key: r for r in results if r.result.ref == "3.1.1(1)¶2"}
    old, new = by_pack["2024-3"].result.score, by_pack["2026-3"].result.score
    assert old < new < old * (1 + EDITION_MARGIN)  # 2026 a little better: a near-tie
    assert results[0].pack_key == "2024-3"
    # The margin is what decides it: without one, the higher score would come first.
    monkeypatch.setattr("bot.search.library.EDITION_MARGIN", 0.0)
    assert _sample().search(query, pack_key="2024-3", limit=5).results[0].pack_key == "2026-3"


def test_a_paragraph_unchanged_but_for_quote_style_is_listed_once_with_also_in():
    content = _sample()
    # 3.1.1(1)¶3: "seamless" in 2024, “seamless” with a dash and a no-break space later.
    results = content.search("seamless response", pack_key="2026-3", limit=5).results
    seamless = [r for r in results if "seamless" in r.result.paragraph]
    assert [(r.pack_key, r.also_in) for r in seamless] == [("2026-3", ("2025-3", "2024-3"))]
