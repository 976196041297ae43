"""The pack index, built in bulk (bot/search/build.py), against the definition of each of
its parts worked out paragraph by paragraph with `tokenize`: positions, phrase strings,
lengths, postings with title weights, and word frequencies."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

from bot.pack.loader import load_pack
from bot.pack.model import Glossary, Pack
from bot.search import build
from bot.search.analysis import Analyzer
from bot.search.build import PackIndex, ParagraphWords, index_pack
from bot.search.engine import SearchEngine
from bot.search.index import PATH_WEIGHT, TITLE_WEIGHT, Bm25Index, Postings
from bot.search.normalize import fold_with_map, normalize, tokenize
from tests.search.conftest import make_pack

BODY = """Section 1 Peace-keeping and the In-depth Review

1 Defense of the U.S.-Japan Alliance

(1) The Defence Ministry’s “grey-zone” review

Japan’s defense posture, in-depth: the U.S. and Japan held talks on peace-keeping.

The Ministry\u00a0of  Defense said\u2014again\u2014that it is “on track”; café terri\u200btorial.

(2) Figures

In 2024, 1,234 flights; by-laws and by-elections were in-depth matters for the U.N.

Section 2 Empty

1 Nothing here

(1) A paragraph of stop words

It was the one of these.
"""


def _reference(pack: Pack, built: PackIndex) -> dict[str, object]:
    """Each part of the index as its docstrings define it, one paragraph at a time."""
    analyzer = built.analyzer
    bm25 = built.bm25
    positions, phrases, lengths = [], [], []
    postings: dict[tuple[str, int], tuple[float, float]] = {}
    frequencies: dict[str, int] = {}
    for doc, paragraph in enumerate(pack.paragraphs.values()):
        folded = fold_with_map(paragraph.text)
        words, plain, surface = [], [], set()
        counts: dict[str, float] = {}
        for token in tokenize(folded.text):
            word = analyzer.fold(token.text)
            if not token.joined:
                plain.append(word)
                if analyzer.is_stopword(word):
                    continue
            stem = analyzer.stem(word)
            words.append((*folded.original_span(token.start, token.end), stem))
            counts[stem] = counts.get(stem, 0) + 1
            surface.add(word)
        titles: dict[str, float] = {}
        section, weight = pack.sections[paragraph.section_ref], TITLE_WEIGHT
        while section.parent is not None:
            for token in tokenize(normalize(section.title)):
                word = analyzer.fold(token.text)
                if not analyzer.is_stopword(word):
                    stem = analyzer.stem(word)
                    titles[stem] = titles.get(stem, 0.0) + weight
                    surface.add(word)
            section, weight = section.parent, PATH_WEIGHT
        for stem in counts.keys() | titles.keys():
            postings[(stem, doc)] = (counts.get(stem, 0), titles.get(stem, 0.0))
        for word in surface:
            frequencies[word] = frequencies.get(word, 0) + 1
        positions.append(words)
        phrases.append(" " + " ".join(plain) + " ")
        lengths.append(len(words))
    # The BM25 weights of those postings, by the index's own formula.
    terms = {stem: bm25.term_id(stem) for stem, _ in postings}
    assert None not in terms.values() and len(bm25) == len(terms)
    rows = sorted((terms[stem], doc, *counted) for (stem, doc), counted in postings.items())
    columns = [np.array(column) for column in zip(*rows, strict=True)]
    weights = Bm25Index(dict(bm25._term_ids), Postings(*columns), lengths)
    return {
        "positions": positions,
        "phrases": phrases,
        "lengths": lengths,
        "postings": _postings(weights),
        "frequencies": frequencies,
    }


def _postings(bm25: Bm25Index) -> dict[str, tuple[list[int], list[float]]]:
    found = {}
    for tid in range(len(bm25)):
        docs, weights = bm25.postings(tid)
        found[bm25.term(tid)] = (docs.tolist(), weights.tolist())
    return found


def _parts(built: PackIndex) -> dict[str, object]:
    n = built.bm25.doc_count
    term = built.bm25.term
    return {
        "positions": [[(s, e, term(t)) for s, e, t in built.positions.of(d)] for d in range(n)],
        "phrases": built.phrases,
        "lengths": [len(built.positions.of(d)) for d in range(n)],
        "postings": _postings(built.bm25),
        "frequencies": built.frequencies,
    }


SPELLINGS = Glossary(spellings=(("defence", "defense"), ("grey-zone", "gray-zone")))


@pytest.mark.parametrize(
    "pack",
    [make_pack(BODY), make_pack(BODY, SPELLINGS), load_pack()],
    ids=["sample", "spellings", "shipped"],
)
def test_every_part_of_the_index_is_what_its_definition_says(pack: Pack) -> None:
    built = index_pack(pack)
    assert _parts(built) == _reference(pack, built)


def test_a_pack_without_paragraphs_indexes_to_nothing() -> None:
    built = index_pack(make_pack("Section 1 Only titles\n\n1 Still a title"))
    assert built.bm25.doc_count == 0 and len(built.bm25) == 0
    assert built.phrases == [] and built.frequencies == {}


def test_stems_made_in_one_call_are_the_stems_made_one_by_one() -> None:
    words = ["defenses", "defences", "defense", "run", "running", "grey", "gray", "the", "us"]
    words += load_pack().paragraphs["3.1.1(1)¶4"].text.lower().split()
    one_call = Analyzer(SPELLINGS.spellings)
    one_call.stem_many(words)
    assert {w: one_call._stems[w] for w in words} == {
        w: Analyzer(SPELLINGS.spellings).stem(w) for w in words
    }


def test_indexes_built_from_one_reading_of_the_words_are_those_built_alone() -> None:
    """A library's start-up indexes the newest pack and, again, its paragraphs with what
    only older editions hold: one ParagraphWords reads each distinct paragraph once."""
    first = make_pack(BODY, SPELLINGS)
    edited = BODY.replace("1,234 flights", "1,240 flights").replace("It was", "It is")
    second = make_pack(edited + "\n(3) More\n\nA paragraph only this one holds.\n", SPELLINGS)
    words = ParagraphWords(SPELLINGS.spellings)
    shared = [index_pack(first, words), index_pack(second, words)]
    texts = {p.text for pack in (first, second) for p in pack.paragraphs.values()}
    assert set(words._paragraphs) == texts
    assert [_parts(built) for built in shared] == [
        _parts(index_pack(first)),
        _parts(index_pack(second)),
    ]
    # Another glossary's spellings fold words differently: its index is not built from these.
    assert _parts(index_pack(second, ParagraphWords())) == _parts(index_pack(second))


def test_the_build_frees_its_words_before_it_gives_memory_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """index_pack's own ParagraphWords (8 bytes a word of every paragraph) is gone when the
    build asks glibc to return free memory, and nothing the index holds keeps it alive."""
    made: list[weakref.ref[ParagraphWords]] = []
    alive_at_give_back: list[bool] = []

    class Recorded(ParagraphWords):
        def __init__(self, spellings: tuple[tuple[str, ...], ...] = ()) -> None:
            super().__init__(spellings)
            made.append(weakref.ref(self))

    def give_back() -> bool:
        alive_at_give_back.extend(ref() is not None for ref in made)
        return False

    monkeypatch.setattr(build, "ParagraphWords", Recorded)
    monkeypatch.setattr(build, "give_back", give_back)
    built = index_pack(make_pack(BODY))
    assert built.bm25.doc_count > 0
    assert alive_at_give_back == [False]


def test_an_index_built_from_shared_words_does_not_keep_them() -> None:
    words = ParagraphWords(SPELLINGS.spellings)
    pack = make_pack(BODY, SPELLINGS)
    engine = SearchEngine(pack, index_pack(pack, words))
    ref = weakref.ref(words)
    del words
    assert ref() is None
    assert engine.search("peace-keeping").results


def test_postings_keys_do_not_overflow_int32() -> None:
    """(term, paragraph) is one key, term * paragraphs + paragraph: past 2**31 on a big pack."""
    terms, docs = np.array([70_000, 70_000], np.int32), np.array([40_000, 40_000], np.int32)
    none = np.zeros(0, np.int32)
    postings = Postings.count(50_000, terms, docs, none, none, np.zeros(0))
    assert postings.terms.tolist() == [70_000] and postings.docs.tolist() == [40_000]
    assert postings.counts.tolist() == [2.0] and postings.titles.tolist() == [0.0]
