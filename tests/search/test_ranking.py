"""Ranking among similar paragraphs: distinct concepts, nearness, titles, suggestions."""

from bot.pack.model import Glossary, GlossaryTerm
from bot.search import SearchEngine
from tests.search.conftest import make_pack


def refs(engine: SearchEngine, query: str) -> list[str]:
    return [r.ref for r in engine.search(query).results]


def test_more_distinct_words_beat_one_word_repeated() -> None:
    pack = make_pack(
        "Section 1 A\n\n"
        "Missile after missile, missile tests and missile launches, missile programs.\n\n"
        "A missile was tested, and a warning was issued.\n\n"
        + "\n\n".join(f"A warning number {n} was issued." for n in range(3))
    )
    engine = SearchEngine.build(pack)
    assert refs(engine, "missile warning")[0] == "3.1¶2"


def test_words_close_together_beat_the_same_words_apart() -> None:
    pack = make_pack(
        "Section 1 A\n\n"
        "Forces of nature shaped the coast, said the U.S. press.\n\n"
        "Japan escorted the U.S. Forces, a matter raised often by its own press."
    )
    engine = SearchEngine.build(pack)
    assert refs(engine, "forces us")[0] == "3.1¶2"


def test_a_section_title_counts_for_its_paragraphs() -> None:
    pack = make_pack(
        "Section 1 Overview\n\nThe programme grew in scope and budget.\n\n"
        "Section 2 Disarmament\n\nThe programme grew in scope and budget."
    )
    engine = SearchEngine.build(pack)
    assert refs(engine, "disarmament programme")[0] == "3.2¶1"


def test_nothing_close_gives_no_unrelated_acronym() -> None:
    glossary = Glossary((GlossaryTerm("US", "U.S.", ("USA", "United States")),))
    pack = make_pack("Section 1 Territorial Integrity\n\nThe U.S. agreed.", glossary)
    engine = SearchEngine.build(pack)
    response = engine.search("quantum computing")
    assert response.results == ()
    assert response.suggestions == ()
    assert engine.suggest("territorail integrity") == ("Territorial Integrity",)


def test_suggestions_offer_the_document_term_for_an_everyday_word(engine: SearchEngine) -> None:
    response = engine.search("manipulat")
    assert response.results == ()
    assert response.suggestions == ("information manipulation",)
    assert "USA" not in engine.search("quantum computing").suggestions


def test_an_answer_is_kept_for_the_same_query_until_cleared(engine: SearchEngine) -> None:
    first = engine.search("fake news").results
    again = engine.search("  Fake   NEWS ").results
    assert again == first and again[0] is first[0]
    engine.clear_cache()
    fresh = engine.search("fake news").results
    assert fresh == first and fresh[0] is not first[0]
