"""Smoke test of the benchmark harness at tiny sizes: structure only, never timings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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

    # The contract: a flat list of every target, each with its figure, value, target and ok.
    targets = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))["targets"]
    assert all(set(t) == {"figure", "value", "target", "ok"} for t in targets)
    assert all(isinstance(t["ok"], bool) for t in targets)
    figures = " | ".join(t["figure"] for t in targets)
    for needle in (
        "search latency p99",
        "hit@1, quality set",
        "events written per second",
        "against the quote floor, 1 concurrent",
        "against the quote floor, 5 concurrent",
        "answered within 3 s",
        "longest loop stall",
        "to answerable, shipped content",
        "idle RSS after ready",
        "RSS growth",
        "answers again after",
        "delivered interactions never answered",
    ):
        assert needle in figures, needle
    # Every row of the table with a target is in the list, then the search benchmark's own
    # targets (its table marks them True/False), and nothing else.
    rows_with_target = [
        line for line in markdown.splitlines() if line.endswith(("| yes |", "| **NO** |"))
    ]
    search_rows = [
        line for line in markdown.splitlines() if line.endswith(("| True |", "| False |"))
    ]
    assert search_rows and "hit@1, blind set, page" in figures
    assert len(rows_with_target) + len(search_rows) == len(targets)


def test_a_section_can_add_its_own_target() -> None:
    results: dict = {"machine": report.machine(), "wall_s": {}}
    report.add_target(results, "library: editions loaded", 3, ">= 2", True)
    report.add_target(results, "library: lookup p99 (ms)", 9.0, "<= 5", False)
    markdown = report.render(results, command="test", wall_s=0.0)
    assert [t["figure"] for t in results["targets"]] == [
        "library: editions loaded",
        "library: lookup p99 (ms)",
    ]
    assert "Missed: library: lookup p99 (ms)." in markdown


def test_path_costs_measures_every_step() -> None:
    from bench.path_costs import measure

    costs = measure(rounds=20)
    assert set(costs) == {
        "search_us",
        "search_reply_us",
        "callback_body_us",
        "message_kwargs_us",
        "exchange_us",
        "usage_row_us",
        "kept_objects_per_answer",
    }
    assert all(value >= 0 for value in costs.values())
    # A kept answer is its results and the plan's marks: a handful of objects each, not
    # closures and not the whole plan (19 objects with it, 12 without).
    assert 0 < costs["kept_objects_per_answer"] < 16


def test_instruction_counts_have_a_workload_for_every_stage() -> None:
    from bench.instructions import STAGES, _workload

    for stage in STAGES:
        step, inputs = _workload(stage)
        assert inputs, stage
        step(inputs[0])


def test_instruction_counts_refuse_an_unknown_stage() -> None:
    from bench.instructions import main

    with pytest.raises(SystemExit, match="unknown stage 'planning'"):
        main(["planning"])


async def test_in_bot_split_times_each_step_inside_a_running_bot() -> None:
    """bench.in_bot runs a bot process with our steps wrapped: every step is timed there and
    back to back, for each /search sent (structure only, never timings)."""
    from bench.in_bot import STEPS, measure

    figures = await measure(30)
    assert figures["process_cpu_us"] > 0
    for run in ("in_bot", "back_to_back"):
        assert figures[run]["searches"] == 30, run
        for step in STEPS:
            # Each step ran (a /search always searches, replies and is sent).
            assert figures[run][f"{step}_us"] > 0, (run, step)


@pytest.mark.skipif(shutil.which("callgrind_control") is None, reason="needs valgrind")
async def test_bot_instructions_counts_each_bot_under_callgrind() -> None:
    """bench.bot_instructions runs each bot under callgrind and counts only the interactions
    sent while counting is on (structure only: the figures are the benchmark's)."""
    from bench.bot_instructions import measure

    figures = await measure(20, 5, warmup=10)
    # A bot's start-up alone is far more than this; an interaction is millions (discord.py).
    assert 100 < figures["quote"] < 100_000
    assert 100 < figures["bluebook"] < 100_000


async def test_paired_cpu_times_each_bot_in_alternating_turns() -> None:
    """bench.paired_cpu runs every bot at once and times each over its own turns (structure
    only, never timings)."""
    from bench.e2e_bench import ROOT
    from bench.paired_cpu import Bot, measure, report

    bots = [Bot.parse("quote"), Bot.parse(str(ROOT))]
    figures = await measure(bots, concurrency=2, per_turn=6, turns=2)
    assert [len(figures[bot.label]) for bot in bots] == [2, 2]
    assert all(cpu > 0 for turns in figures.values() for cpu in turns)
    table = report(bots, figures)
    assert table.count("\n") == len(bots) + 1
    assert "| quote | " in table and f"| {ROOT} | " in table


def test_paired_cpu_reads_each_bot_and_refuses_a_folder_that_is_not_a_tree(tmp_path: Path) -> None:
    from bench.e2e_bench import ROOT
    from bench.paired_cpu import Bot

    interpreted = Bot.parse(f"{ROOT}+i")
    assert (interpreted.kind, interpreted.root, interpreted.interpreted) == ("bluebook", ROOT, True)
    assert Bot.parse("quote").kind == "quote"
    with pytest.raises(SystemExit, match="not a tree of this project"):
        Bot.parse(str(tmp_path))
