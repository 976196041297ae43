"""The library benchmark at tiny sizes: the generated library is valid and its editions
differ a little; structure only, never timings."""

from __future__ import annotations

from pathlib import Path

from bench.library_bench import QUICK_LIBRARY, run_library_benchmark, write_library
from bot.pack.compare import compare
from bot.pack.library import check_library


def test_the_generated_library_loads_and_its_editions_differ_a_little(tmp_path: Path) -> None:
    shape = write_library(tmp_path, QUICK_LIBRARY)
    library, problems = check_library(tmp_path)
    assert library is not None and not [p for p in problems if not p.warning]
    assert len(library) == QUICK_LIBRARY.editions == shape["editions"]
    keys = list(library.packs)
    new, old = library.packs[keys[0]], library.packs[keys[-1]]
    statuses = [compare(keys[-1], old, keys[0], new, s.ref) for s in new.sections.values()]
    kinds = {c.status for c in statuses if c is not None}
    assert "unchanged" in kinds and "changed" in kinds


def test_quick_run_reports_every_figure() -> None:
    results = run_library_benchmark(QUICK_LIBRARY)
    assert {"library", "cold", "warm", "measured"} <= set(results)
    for start in ("cold", "warm"):
        assert results[start]["process_start_to_answer_s"] > 0
        assert results[start]["rss_kb"] > 0
    measured = results["measured"]
    assert measured["compare"]["sections"] > 0
    assert 0 <= measured["quality"]["hit_at_1"] <= 1
