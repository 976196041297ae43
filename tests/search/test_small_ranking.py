"""A small pack is ranked in plain Python, a large one with numpy: both ways must give the
same candidates with the same scores, in the same order, for every kind of query."""

from __future__ import annotations

import random

import pytest

from bench.sample_library import sample_library_pack
from bench.search_bench import QUERY_SETS
from bench.search_quality import load_queries, without_thesaurus
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from bot.search import SearchEngine
from bot.search.engine import SMALL_PACK
from bot.search.normalize import normalize_query
from tests.samples import LIBRARY

# Queries that take every branch: phrases, compounds, typos, glossary names, thesaurus words,
# repeated words, stop words only, and nothing known.
EXTRA = [
    "",
    "the of and",
    "xyzzy plugh",
    "defence defence defence",
    "u.s.-japan alliance",
    "peace-keeping operations",
    "nuclaer weapns",
    "free and open indo-pacific",
    "FOIP",
    "national security strategy NSS",
    "hackers attacking power grids",
    "japan japan us forces",
]


def _queries(pack: Pack) -> list[str]:
    texts = [q["query"] for path in QUERY_SETS.values() for q in load_queries(path)]
    texts += EXTRA
    rng = random.Random(7)
    paragraphs = [p.text.split() for p in pack.paragraphs.values()]
    for _ in range(150):
        # Words of the pack's own text: a run of one to four, the longest misspelt at times
        # (as the benchmark's generated typo queries), or a random pair.
        words = rng.choice(paragraphs)
        at = rng.randrange(max(1, len(words) - 4))
        run = words[at : at + rng.randint(1, 4)]
        longest = max(range(len(run)), key=lambda i: len(run[i]))
        word = run[longest]
        if len(word) > 5 and rng.random() < 0.5:
            cut = rng.randrange(1, len(word) - 1)
            run[longest] = word[:cut] + word[cut + 1 :]
        texts.append(" ".join(run))
        texts.append(" ".join(rng.choice(rng.choice(paragraphs)) for _ in range(2)))
    return texts


def _packs() -> list[tuple[str, Pack]]:
    page = load_pack()
    found = [("page", page), ("page, no thesaurus", without_thesaurus(page))]
    found.append(("sample pages", sample_library_pack()))
    for edition in sorted(p for p in LIBRARY.iterdir() if p.is_dir()):
        found.append((f"sample library {edition.name}", load_pack(edition / "chapter3")))
    return found


@pytest.mark.parametrize(("name", "pack"), _packs(), ids=lambda v: v if isinstance(v, str) else "")
def test_plain_python_ranking_equals_numpy_ranking(name: str, pack: Pack) -> None:
    assert len(pack.paragraphs) <= SMALL_PACK, name
    engine = SearchEngine.build(pack)
    compared = 0
    for text in _queries(pack):
        plan = engine.planner.plan(normalize_query(text))
        small = engine._rank(plan, small=True)
        large = engine._rank(plan, small=False)
        assert [d for d, _ in small] == [d for d, _ in large], text
        # The same float64 sums in the same order: equal, not merely close.
        assert [s for _, s in small] == pytest.approx([s for _, s in large], rel=1e-12), text
        compared += bool(small)
    assert compared > 100


def test_a_small_pack_is_ranked_in_plain_python_by_default() -> None:
    """The default path for the shipped page is the plain Python one, and it answers."""
    engine = SearchEngine.build(load_pack())
    plan = engine.planner.plan("japan's security")
    assert engine._rank(plan) == engine._rank(plan, small=True)
    assert engine._small._lists, "the plain Python path was not taken"
