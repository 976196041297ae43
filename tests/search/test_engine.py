import pytest

from bot.pack.loader import load_pack
from bot.pack.model import Glossary, GlossaryTerm
from bot.search import SearchEngine
from bot.search.engine import CANDIDATES, SMALL_PACK
from bot.search.excerpt import EXCERPT_MAX_CHARS
from bot.search.sentences import split_sentences
from tests.search.conftest import make_pack


def top(engine: SearchEngine, query: str) -> str:
    results = engine.search(query).results
    assert results, f"no result for {query!r}"
    return results[0].ref


def bold(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [result.excerpt[s:e] for s, e in result.spans]


def test_gcap_gives_the_gcap_sentence(engine: SearchEngine) -> None:
    result = engine.search("GCAP").results[0]
    assert result.ref == "3.1.1(1)¶4"
    assert result.excerpt.startswith("Regarding the Global Combat Air Programme (GCAP)")
    assert "GCAP" in bold(result)


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("terittorial integrety", "3.1.1(3)¶1"),
        ("NSS", "3.1.1(1)¶3"),
        ("National Security Strategy", "3.1.1(1)¶3"),
        ("grey zone", "3.1.1(1)¶2"),
        ("gray zone", "3.1.1(1)¶2"),
        ("defence equipment", "3.1.1(1)¶4"),
        ("how many times did Japan escort US forces", "3.1.1(2)¶2"),
        ("disinfomation", "3.1.1(1)¶2"),
        ("conterstrike capabilites", "3.1.1(1)¶3"),
    ],
)
def test_must_pass_examples(engine: SearchEngine, query: str, ref: str) -> None:
    assert top(engine, query) == ref


def test_un_never_matches_us_text(engine: SearchEngine) -> None:
    results = engine.search("UN").results
    assert [r.ref for r in results] == ["3.1.1(2)¶2"]
    assert all(word.casefold() == "un" for r in results for word in bold(r))
    assert engine.search("USA").results[0].ref in {"3.1.1(2)¶2", "3.1.1(2)¶3"}


def test_short_words_are_not_corrected() -> None:
    pack = make_pack("Section 1 Allies\n\nThe US agreed.\n\nThe UK agreed.")
    engine = SearchEngine.build(pack)
    assert [r.ref for r in engine.search("UK").results] == ["3.1¶2"]
    assert engine.search("UN").results == ()
    assert engine.search("UN").suggestions == () or "US" not in engine.search("UN").suggestions


def test_exact_phrase_ranks_above_scattered_words() -> None:
    pack = make_pack(
        "Section 1 Budget\n\n"
        "Fiscal policy is fiscal, and policy review of fiscal policy, fiscal review policy.\n\n"
        "A fiscal policy review was held."
    )
    engine = SearchEngine.build(pack)
    assert top(engine, "fiscal policy review") == "3.1¶2"


def test_correct_spelling_is_not_replaced_by_a_near_word() -> None:
    pack = make_pack("Section 1 Sea\n\nThe maritime domain.\n\nThe maritima domain.")
    engine = SearchEngine.build(pack)
    assert [r.ref for r in engine.search("maritime").results] == ["3.1¶1"]


def test_acronyms_expand_in_both_directions() -> None:
    glossary = Glossary((GlossaryTerm("ODA", "Official Development Assistance"),))
    pack = make_pack(
        "Section 1 Aid\n\nJapan provides Official Development Assistance widely.\n\n"
        "ODA budgets grew.\n\nDevelopment of assistance programmes.",
        glossary,
    )
    engine = SearchEngine.build(pack)
    assert {r.ref for r in engine.search("ODA").results[:2]} == {"3.1¶1", "3.1¶2"}
    assert {r.ref for r in engine.search("official development assistance").results[:2]} == {
        "3.1¶1",
        "3.1¶2",
    }


def test_results_are_verbatim_and_well_formed(engine: SearchEngine, pack) -> None:  # type: ignore[no-untyped-def]
    for query in ["security", "Japan", "defense equipment technology", "cooperation"]:
        response = engine.search(query, limit=10)
        assert response.results
        scores = [r.score for r in response.results]
        assert scores == sorted(scores, reverse=True)
        for r in response.results:
            assert r.paragraph == pack.paragraphs[r.ref].text
            assert r.excerpt in r.paragraph
            assert r.title == pack.sections[r.section_ref].title
            assert all(0 <= s < e <= len(r.excerpt) for s, e in r.spans)
            assert set(r.to_dict()) >= {"ref", "title", "excerpt", "spans", "paragraph", "score"}


def test_excerpt_is_whole_sentences_and_short(engine: SearchEngine) -> None:
    for query in ["GCAP", "escorted 137 times", "MOFA", "calm manner", "Ukraine"]:
        r = engine.search(query).results[0]
        bounds = split_sentences(r.paragraph)
        start = r.paragraph.index(r.excerpt)
        assert start in {s for s, _ in bounds}
        assert start + len(r.excerpt) in {e for _, e in bounds}
        longest = max(e - s for s, e in bounds)
        assert len(r.excerpt) <= max(EXCERPT_MAX_CHARS, longest)


def test_nothing_found_gives_suggestions(engine: SearchEngine) -> None:
    response = engine.search("Teritorial Integrety Section")
    assert response.results
    response = engine.search("qqqq zzzzz")
    assert response.results == ()
    assert isinstance(response.suggestions, tuple)
    near = engine.search("Territorial Integrityy Xq")
    assert near.results
    missing = engine.search("Secruity Envirnoment Surounding Jpan zz")
    assert missing.results or missing.suggestions


def test_suggestions_name_glossary_terms_and_titles(engine: SearchEngine) -> None:
    assert "Territorial Integrity" in engine.suggest("territorial integrty")
    assert any("Peacekeeping" in s for s in engine.suggest("peacekeepin operatons"))


def test_limit_is_respected(engine: SearchEngine) -> None:
    assert len(engine.search("Japan", limit=2).results) == 2
    assert len(engine.search("Japan", limit=0).results) == 1


def test_an_exact_phrase_is_found_beyond_the_best_bm25_matches() -> None:
    """More paragraphs than the engine's candidates repeat the phrase's words in short
    sentences; the one paragraph holding the phrase itself is long, so BM25 alone ranks it
    below all of them. It still comes first, with its typo corrected too."""
    assert CANDIDATES < 150 and SMALL_PACK < 151
    strong = [f"Policy review number {n}: a fiscal review, a policy review." for n in range(150)]
    filler = " ".join(f"Item {n} of the plan concerns ports and roads." for n in range(40))
    held = f"{filler} A fiscal policy review was held. {filler}"
    pack = make_pack("Section 1 Budget\n\n" + "\n\n".join([*strong, held]))
    engine = SearchEngine.build(pack)
    assert top(engine, "fiscal policy review") == "3.1¶151"
    assert top(engine, "fiscal polcy review") == "3.1¶151"


def test_a_result_keeps_every_field_it_is_made_with_and_is_equal_by_what_it_shows() -> None:
    """SearchResult writes its fields itself: none is left out, what it makes when first read
    starts empty, and two results showing the same are equal and hash alike (as a frozen
    dataclass would). Compiled, its fields are read-only."""
    import inspect

    import bot.search
    from bot.search.result import SearchResult

    names = list(inspect.signature(SearchResult).parameters)[:-1]
    assert names == ["ref", "section_ref", "title", "paragraph", "score", "source", "doc", "marks"]
    assert list(inspect.signature(SearchResult).parameters)[-1] == "rounded"
    engine = SearchEngine.build(load_pack())
    marks = engine.planner.plan("gcap").marks()
    values = ["3.1¶2", "3.1", "Title", "Text.", 1.5, engine, 2, marks]
    made = SearchResult(*values)  # type: ignore[arg-type]
    assert [getattr(made, name) for name in names] == values
    assert made._made_excerpt is None and made._made_reach is None
    same = SearchResult("3.1¶2", "3.1", "Title", "Text.", 1.5)
    assert made == same and hash(made) == hash(same)
    assert made != SearchResult("3.1¶2", "3.1", "Title", "Text.", 2.5)
    moved = made.quoted_as("r", "s", "t")
    assert (moved.ref, moved.section_ref, moved.title, moved.paragraph) == ("r", "s", "t", "Text.")
    assert (moved.source, moved.doc, moved.marks) == (engine, 2, marks)
    if bot.search.COMPILED_IN_USE:
        with pytest.raises(AttributeError):
            made.ref = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        made.score = 2.0  # type: ignore[misc]


def test_a_score_made_unrounded_reads_as_the_engine_rounded_it() -> None:
    """The engine makes its results with the ranking's score (`rounded=False`); a result reads
    it rounded to four places, and is equal to one made with that rounded score."""
    from bot.search.result import SearchResult

    raw = 1.23456789
    made = SearchResult("3.1¶2", "3.1", "Title", "Text.", raw, rounded=False)
    same = SearchResult("3.1¶2", "3.1", "Title", "Text.", round(raw, 4))
    assert made == same and hash(made) == hash(same)
    assert made.score == 1.2346 and made.quoted_as("r", "s", "t").score == 1.2346
    assert SearchResult("3.1¶2", "3.1", "Title", "Text.", raw).score == raw
    engine = SearchEngine.build(load_pack())
    for result in engine.search("security environment", limit=10).results:
        assert result.score == round(result.score, 4)


def test_a_result_holds_no_closures_and_no_instance_dict() -> None:
    """A result of the engine's kept answers is one object for the collector: its excerpt is
    made from the engine, the paragraph and the plan's marks it holds, not from closures
    over them."""
    import gc

    engine = SearchEngine.build(load_pack())
    result = engine.search("GCAP").results[0]
    assert not hasattr(result, "__dict__")
    held = gc.get_referents(result)
    assert not any(callable(r) and not isinstance(r, SearchEngine | type) for r in held)
    assert result.excerpt and result.spans and result.reach.words >= 1
