"""Where a new query's time goes, stage by stage: `python -m bench.search_stages [rounds]`.

For the shipped page and the sample library (31 sample pages), every stage of a cold query
(the engine's kept answers cleared) is timed alone over the page's labelled, dev and blind
queries: normalising the query, planning it (tokens, thesaurus, typo correction, glossary),
ranking, making the results, and the excerpt of the result a reply shows. Figures are CPU
time of this thread, median and p99 in microseconds, and the same for a whole query, with
the typo corrections of words seen before forgotten (as the benchmark's cold query) and kept.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.sample_library import sample_library_pack
from bench.search_bench import QUERY_SETS, _page_queries
from bot.pack.loader import load_pack
from bot.pack.model import Pack
from bot.search import SearchEngine
from bot.search.normalize import normalize_query

ROUNDS = 20


def _timed(step: Callable[[Any], Any], inputs: list[Any], rounds: int) -> tuple[dict, list]:
    out: list[Any] = []
    times: list[float] = []
    for round_number in range(rounds + 1):  # the first round warms caches and is not counted
        for each in inputs:
            begun = time.thread_time()
            value = step(each)
            if round_number:
                times.append((time.thread_time() - begun) * 1e6)
            elif len(out) < len(inputs):
                out.append(value)
    times.sort()
    figures = {
        "median_us": statistics.median(times),
        "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))],
    }
    return figures, out


def stages(pack: Pack, texts: list[str], rounds: int = ROUNDS) -> dict[str, dict]:
    """Median and p99 (us) of each stage of a cold query, and of the whole query."""
    engine = SearchEngine.build(pack)
    found: dict[str, dict] = {}
    found["normalize"], normalized = _timed(normalize_query, texts, rounds)
    found["plan"], plans = _timed(engine.planner.plan, normalized, rounds)
    found["rank"], ranked = _timed(lambda plan: engine._rank(plan)[:5], plans, rounds)
    pairs = list(zip(ranked, plans, strict=True))

    def results(pair: tuple[list[tuple[int, float]], Any]) -> list[Any]:
        marks = pair[1].marks()
        return [engine._result(d, s, marks) for d, s in pair[0]]

    found["results"], _ = _timed(results, pairs, rounds)
    firsts = [(r[0][0], p.marks()) for r, p in pairs if r]
    found["excerpt (first result)"], _ = _timed(lambda pair: engine._excerpt(*pair), firsts, rounds)

    def whole(text: str) -> None:
        engine.clear_cache()
        results = engine.search(text, limit=5).results
        if results:
            _ = results[0].excerpt

    found["whole query"], _ = _timed(whole, texts, rounds)

    def corrections_kept(text: str) -> None:
        engine._answer.cache_clear()  # the typo corrections of words seen before are kept
        results = engine.search(text, limit=5).results
        if results:
            _ = results[0].excerpt

    found["whole query, typo corrections kept"], _ = _timed(corrections_kept, texts, rounds)
    return found


def main(argv: list[str]) -> None:
    rounds = int(argv[0]) if argv else ROUNDS
    page = load_pack()
    texts = [q[0] for path in QUERY_SETS.values() for q in _page_queries(path, page)]
    for name, pack in (("shipped page", page), ("sample library", sample_library_pack())):
        print(f"\n{name}: {len(pack.paragraphs)} paragraphs, {len(texts)} queries x {rounds}")
        print("| stage | median us | p99 us |\n|---|---|---|")
        for stage, figures in stages(pack, texts, rounds).items():
            print(f"| {stage} | {figures['median_us']:.1f} | {figures['p99_us']:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
