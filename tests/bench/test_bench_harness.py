"""Smoke test of the benchmark harness at tiny sizes: structure only, never timings."""

from __future__ import annotations

from pathlib import Path

from bench import report
from bench.pong import pong_intents
from bot.app import intents_for


def test_the_floor_bot_has_the_same_intents_as_ours() -> None:
    assert pong_intents() == intents_for(True)


async def test_quick_run_measures_every_section_and_renders_the_table(tmp_path: Path) -> None:
    results = await report.run_all(report.QUICK)

    assert set(report.SECTIONS) <= set(results)
    e2e = results["e2e"]
    for bot in ("ours", "pong"):
        assert set(e2e[bot]["levels"]) == {"1", "5"}
        assert e2e[bot]["burst"]["count"] == report.QUICK.e2e.burst
        assert "max_ms" in e2e[bot]["burst"]["stall"]
    for start in ("pong", "shipped", "corpus"):
        assert {"answerable_s", "idle_rss_kb", "on_ready_s"} <= set(e2e["startup"][start]["median"])
    soak = results["soak"]
    assert soak["operations"] > 0
    assert soak["answered_twice"] == 0
    assert soak["db_events"] == soak["expected_events"]
    faults = results["faults"]
    assert len(faults["phases"]) == 10
    assert faults["written_plus_dropped_equals_queued"]
    assert faults["answered_twice"] == 0

    markdown = report.render(results, command="test", wall_s=1.0)
    assert markdown.startswith("# Bluebook Bot benchmark")
    assert "| figure | ours | baseline | ratio | target | ok |" in markdown
    for title in (
        "Search",
        "Usage log",
        "End to end",
        "Burst",
        "Start-up",
        "Soak",
        "Faults",
        "Library",
    ):
        assert f"| **{title}" in markdown
    md, js = report.write_results(results, markdown, tmp_path)
    assert md.read_text(encoding="utf-8") == markdown
    assert js.exists() and (tmp_path / "latest.json").exists()
