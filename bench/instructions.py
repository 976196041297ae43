"""Instructions per new query, stage by stage: `python -m bench.instructions [stage ...]`.

CPU time on this machine moves by up to 1.7 times from one minute to the next; a count of
instructions does not. Each stage runs in a child process under valgrind's callgrind, which
counts only inside `itertools.starmap` (`--toggle-collect=starmap_next`): the benchmark calls
the stage through it once per query, after a round that warms the caches a running bot has
warm. A query is new as in `bench.search_stages`: the engine's kept answers and typo
corrections are cleared before it. Stages: plan, rank, results, excerpt, whole (the whole
query, with the first result's excerpt), on the shipped page's labelled, dev and blind
queries; and two steps of a /search answer on the end-to-end benchmark's queries (the
two- and three-word queries `bench.e2e_bench` sends): served (what the cog asks of the
library, `ServedLibrary.search`, with the shown result's excerpt) and reply (the reply
built from that answer, `library_search_reply`, and the callback's body that answers with
it, `message_callback`). Needs valgrind (Debian's package); prints thousands of instructions per
query.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from itertools import starmap
from pathlib import Path
from typing import Any

STAGES = ("plan", "rank", "results", "excerpt", "whole", "served", "reply")
# The end-to-end queries the served and reply stages take (after the labelled ones).
E2E_QUERIES = 400


def _workload(stage: str) -> tuple[Callable[[Any], object], list[Any]]:
    if stage in ("served", "reply"):
        return _path_workload(stage)
    from bench.search_bench import QUERY_SETS, _page_queries
    from bot.pack.loader import load_pack
    from bot.search import SearchEngine
    from bot.search.normalize import normalize_query

    page = load_pack()
    engine = SearchEngine.build(page)
    texts = [q[0] for path in QUERY_SETS.values() for q in _page_queries(path, page)]
    if stage == "whole":

        def whole(text: str) -> None:
            engine.clear_cache()
            results = engine.search(text, limit=5).results
            if results:
                _ = results[0].excerpt

        return whole, texts
    normalized = [normalize_query(t) for t in texts]

    def plan(query: str) -> object:
        engine.typos.forget()
        return engine.planner.plan(query)

    if stage == "plan":
        return plan, normalized
    plans = [engine.planner.plan(q) for q in normalized]
    if stage == "rank":
        return (lambda p: engine._rank(p)[:5]), plans
    ranked = [(engine._rank(p)[:5], p) for p in plans]
    if stage == "results":

        def results(pair: tuple[list[tuple[int, float]], Any]) -> object:
            marks = pair[1].marks()
            return [engine._result(d, s, marks) for d, s in pair[0]]

        return results, ranked
    firsts = [(r[0][0], p.marks()) for r, p in ranked if r]
    return (lambda pair: engine._excerpt(*pair)), firsts


def _path_workload(stage: str) -> tuple[Callable[[Any], object], list[Any]]:
    """A /search answer's steps after the interaction arrives, as cogs/search.py runs them."""
    from bench.e2e_bench import search_queries
    from bot.interactions.callback import message_callback
    from bot.replies.search import library_search_reply
    from bot.served import ServedLibrary

    library = ServedLibrary.load(None)
    key = library.newest_key
    engine = library.packs[key].engine
    packs = {k: p.pack for k, p in library.packs.items()}
    queries = search_queries()
    # Past the labelled queries: the two- and three-word ones that make up a run.
    texts = queries[len(queries) - E2E_QUERIES :]

    def served(text: str) -> object:
        engine.clear_cache()
        response = library.search(text, pack_key=key, limit=5)
        if response.results:
            _ = response.results[0].result.excerpt
        return response

    if stage == "served":
        return served, texts
    responses = [served(t) for t in texts]

    def reply(response: Any) -> object:
        made = library_search_reply(packs, response, owner=123_456_789_012_345_678, token=None)
        return message_callback(made)

    return reply, responses


def _run_counted(stage: str) -> None:
    """In the child, under callgrind: warm, then run the stage once per input, counted."""
    step, inputs = _workload(stage)
    for each in inputs:
        step(each)
    list(starmap(step, [(each,) for each in inputs]))
    print(len(inputs))


def count(stage: str) -> float | None:
    """Thousands of instructions per input of `stage`, or None without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--toggle-collect=starmap_next",
                f"--callgrind-out-file={Path(folder) / 'callgrind.out'}",
                sys.executable,
                "-m",
                "bench.instructions",
                "--counted",
                stage,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    collected = re.search(r"Collected : (\d+)", done.stderr)
    if collected is None or int(collected.group(1)) == 0:
        raise RuntimeError("callgrind counted nothing: is Python built with its symbols?")
    return int(collected.group(1)) / int(done.stdout.split()[-1]) / 1000


def main(argv: list[str]) -> None:
    if argv[:1] == ["--counted"]:
        _run_counted(argv[1])
        return
    stages = argv or list(STAGES)
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        sys.exit(f"unknown stage {unknown[0]!r}: choose from {', '.join(STAGES)}")
    print("| stage | thousand instructions per query |\n|---|---|")
    for stage in stages:
        figure = count(stage)
        if figure is None:
            sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
        print(f"| {stage} | {figure:.1f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
