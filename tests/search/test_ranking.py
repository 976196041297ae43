"""Ranking among similar paragraphs: distinct concepts, nearness, titles, suggestions."""

from bot.pack.model import Glossary, GlossaryTerm
from bot.search import SearchEngine
from bot.search.normalize import tokenize
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


def test_two_words_typed_apart_read_as_the_compound_the_text_writes_as_one(engine) -> None:
    """ "peace keeping" reads as "peace-keeping" when the pack writes "peacekeeping": the
    paragraph with the compound is found, and ranked as for the hyphenated query. On the
    shipped page that is the PKO paragraph, first (it was third, below paragraphs that
    only have "Peace" in their section title)."""
    pack = make_pack(
        "Section 1 Peace and Security\n\n"
        "Japan contributed engineers to UN Peacekeeping operations in South Sudan.\n\n"
        "Keeping records of every meeting is required.\n\n"
        "Lasting peace in the region needs dialogue.\n\n"
        "The cyber strategy was reviewed."
    )
    small = SearchEngine.build(pack)
    assert "3.1¶1" in refs(small, "peace keeping")
    for query in ("peace keeping", "un peace keeping operations"):
        hyphenated = query.replace("peace keeping", "peace-keeping")
        assert small.search(query).results == small.search(hyphenated).results
    # Only words one space apart are joined: not across a comma; never stop words.
    for apart in ("peace, keeping", "peace and keeping", "in the"):
        tokens = tokenize(apart)
        assert small.planner._compounds(apart, tokens) == tokens
    assert refs(small, "cyber strategy") == ["3.1¶4"]  # "cyberstrategy" is no word here
    assert refs(engine, "peace keeping")[0] == "3.1.1(2)¶2"
    assert "Peacekeeping" in engine.pack.paragraphs["3.1.1(2)¶2"].text
