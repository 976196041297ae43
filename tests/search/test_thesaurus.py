"""The thesaurus: plain words find the document's terms, and count less than words typed."""

from bot.pack.model import Glossary, ThesaurusEntry
from bot.search import SearchEngine
from tests.search.conftest import make_pack

BODY = (
    "Section 1 Threats\n\n"
    "The spread of disinformation is a constant occurrence.\n\n"
    "Fake reports about the weather were published.\n\n"
    "Cyberattacks on critical infrastructure continue."
)
FAKE_NEWS = ThesaurusEntry(("fake news", "propaganda"), means=("disinformation",))
HACKING = ThesaurusEntry(("hacking",), means=("cyberattacks",))


def engine_with(*entries: ThesaurusEntry) -> SearchEngine:
    return SearchEngine.build(make_pack(BODY, Glossary(thesaurus=entries)))


def refs(engine: SearchEngine, query: str) -> list[str]:
    return [r.ref for r in engine.search(query).results]


def test_everyday_words_find_the_document_term() -> None:
    engine = engine_with(FAKE_NEWS, HACKING)
    assert refs(engine, "fake news")[0] == "3.1¶1"
    assert refs(engine, "propaganda") == ["3.1¶1"]
    assert refs(engine, "hacking") == ["3.1¶3"]
    result = engine.search("propaganda").results[0]
    assert [result.excerpt[s:e] for s, e in result.spans] == ["disinformation"]


def test_without_the_thesaurus_they_do_not() -> None:
    engine = engine_with()
    assert refs(engine, "propaganda") == []
    assert refs(engine, "hacking") == []


def test_a_misspelt_everyday_word_is_corrected_to_it() -> None:
    assert refs(engine_with(HACKING), "hackng") == ["3.1¶3"]


def test_the_words_typed_count_more_than_their_expansion() -> None:
    engine = engine_with(ThesaurusEntry(("reports",), means=("disinformation",)))
    ranked = engine.search("reports").results
    assert [r.ref for r in ranked] == ["3.1¶2", "3.1¶1"]
    assert ranked[0].score > ranked[1].score


def test_a_paragraph_with_the_word_and_its_meaning_does_not_score_twice() -> None:
    body = "Section 1 A\n\nDisinformation and propaganda.\n\nDisinformation and rumours."
    entry = ThesaurusEntry(("propaganda",), means=("disinformation",))
    engine = SearchEngine.build(make_pack(body, Glossary(thesaurus=(entry,))))
    first, second = engine.search("propaganda rumours").results
    assert first.ref == "3.1¶2"  # both concepts, against the one concept said twice
    assert second.ref == "3.1¶1"


def test_words_that_mean_one_of_themselves_find_that_word_alone() -> None:
    """A thesaurus entry "nuclear weapons" means "nuclear": a paragraph with only "nuclear" answers it, and one
    with only "weapons" does not beat it."""
    body = "Section 1 A\n\nNuclear disarmament matters.\n\nWeapons were exported."
    entry = ThesaurusEntry(("nuclear weapons",), means=("nuclear",))
    engine = SearchEngine.build(make_pack(body, Glossary(thesaurus=(entry,))))
    assert refs(engine, "nuclear weapons")[0] == "3.1¶1"


def test_a_broader_term_counts_less_than_the_same_thing() -> None:
    body = "Section 1 A\n\nMalware was found.\n\nCyberattacks were found."
    entries = (
        ThesaurusEntry(("ransomware",), means=("malware",)),
        ThesaurusEntry(("ransomware attacks",), broader=("cyberattacks",)),
    )
    engine = SearchEngine.build(make_pack(body, Glossary(thesaurus=entries)))
    assert refs(engine, "ransomware") == ["3.1¶1"]
    assert refs(engine, "ransomware attacks") == ["3.1¶2"]


def test_shipped_thesaurus_finds_the_issue_examples(engine: SearchEngine) -> None:
    examples = {
        "fake news": "3.1.1(1)¶2",
        "hacking": "3.1.1(1)¶2",
        "arms exports loosened": "3.1.1(1)¶4",
        "strike enemy bases": "3.1.1(1)¶3",
        "escorting American ships": "3.1.1(2)¶2",
        "fighter jet": "3.1.1(1)¶4",
    }
    found = {q: (engine.search(q).results or [None])[0] for q in examples}
    assert {q: r.ref if r else None for q, r in found.items()} == examples


def test_a_library_can_pass_one_thesaurus_for_every_pack() -> None:
    pack = make_pack(BODY)
    assert refs(SearchEngine.build(pack), "hacking") == []
    assert refs(SearchEngine.build(pack, thesaurus=(HACKING,)), "hacking") == ["3.1¶3"]
