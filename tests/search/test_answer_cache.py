"""The engine's kept answers: bounded in number, and in memory on the soak's kind of load
(every query new), which is what bounded the soak's RSS growth (bench/README.md)."""

from __future__ import annotations

import gc
import itertools
import re
import tracemalloc

import pytest

from bot.pack.model import Pack
from bot.search import SearchEngine
from bot.search.engine import ANSWER_CACHE

# What ANSWER_CACHE answers may hold at most. Each keeps its results and its query's plan
# (about 6 KB on the shipped page): 2,048 of them held about 12 MB.
ANSWER_BUDGET_BYTES = 4 * 1024 * 1024


def distinct_queries(pack: Pack, count: int) -> list[str]:
    """Word pairs of the page's own vocabulary, as the soak's /search queries are."""
    text = " ".join(p.text for p in pack.paragraphs.values())
    vocabulary = sorted(set(re.findall(r"[A-Za-z][A-Za-z-]{3,}", text)))
    pairs = itertools.combinations(vocabulary, 2)
    return [" ".join(pair) for pair in itertools.islice(pairs, 0, count * 7, 7)]


def ask(engine: SearchEngine, query: str) -> None:
    results = engine.search(query, limit=5).results
    for result in results:
        _ = result.excerpt  # as a reply and its pages read them


def test_the_answer_cache_keeps_at_most_answer_cache_answers(pack: Pack) -> None:
    engine = SearchEngine.build(pack)
    queries = distinct_queries(pack, ANSWER_CACHE + 40)
    assert len(set(queries)) == ANSWER_CACHE + 40
    for query in queries:
        ask(engine, query)
    info = engine._answer.cache_info()
    assert info.currsize == ANSWER_CACHE
    assert info.misses == ANSWER_CACHE + 40
    # The oldest were let go, the newest are answered from the cache.
    ask(engine, queries[-1])
    assert engine._answer.cache_info().hits == 1
    ask(engine, queries[0])
    assert engine._answer.cache_info().misses == ANSWER_CACHE + 41


def test_a_full_answer_cache_stays_within_its_memory_budget(pack: Pack) -> None:
    engine = SearchEngine.build(pack)
    queries = distinct_queries(pack, ANSWER_CACHE)
    ask(engine, queries[0])  # one-off costs (lazy tables) are not the cache's
    engine.clear_cache()
    gc.collect()
    tracemalloc.start()
    try:
        for query in queries:
            ask(engine, query)
        gc.collect()
        full = tracemalloc.get_traced_memory()[0]
        engine.clear_cache()
        gc.collect()
        held = full - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert engine._answer.cache_info().currsize == 0
    assert 0 < held <= ANSWER_BUDGET_BYTES, f"{ANSWER_CACHE} answers hold {held / 1e6:.1f} MB"


def test_the_planner_keeps_at_most_max_looked_up_words_and_plans_alike(
    pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words the planner keeps (spelling, stem, term) are bounded, and a plan made from
    kept words is the plan a planner that kept nothing makes."""
    from bot.search import query

    monkeypatch.setattr(query, "MAX_LOOKED_UP", 50)
    engine = SearchEngine.build(pack)
    queries = distinct_queries(pack, 120)
    for text in queries:
        engine.planner.plan(text)
    assert len(engine.planner._looked_up) == 50
    for text in queries:
        fresh = SearchEngine.build(pack).planner.plan(text)
        assert engine.planner.plan(text) == fresh, text
