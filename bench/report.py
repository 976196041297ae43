"""`make bench`: every figure beside its baseline and its target, as Markdown and JSON.

    python3 scripts/bench.py            # the full run (a few minutes on 2 cores)
    python3 scripts/bench.py --quick    # tiny sizes: checks the harness, not the figures

Writes bench/results/bench-<time>.md and .json (and latest.md / latest.json) and prints
the Markdown. Sections: search (5 MB corpus, FTS5 and WRatio baselines), usage log,
end-to-end latency and burst through the local Discord (floor: a discord.py bot answering
"pong"), start-up and idle memory, soak, faults.

The contract: the JSON has a flat "targets" list, one {"figure", "value", "target", "ok"}
per target. A section adds a target with `Table.target(...)` (a table row with its target
and whether it is met); `add_target(results, ...)` adds one straight to a results dict, for
code that measures outside the table.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.e2e_bench import E2ESizes, Json, run_e2e_benchmark
from bench.faults_bench import FaultSizes, run_faults_benchmark
from bench.library_bench import (
    QUICK_LIBRARY,
    LibrarySizes,
    compile_sources,
    run_library_benchmark,
)
from bench.search_bench import run_search_benchmark
from bench.search_bench import table as search_table
from bench.search_bench import targets as search_targets
from bench.soak import RSS_GROWTH_LIMIT, SoakSizes, run_soak
from bench.usage_bench import run_usage_benchmark
from bot.search import COMPILED_IN_USE

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("search", "usage", "e2e", "soak", "faults", "library")
MIB = 1024.0

# Targets (issues 10 and 16).
SEARCH_P99_MS = 5.0
USAGE_EVENTS_PER_S = 20_000
USAGE_STALL_MS = 20.0
E2E_RATIO = 1.5
# Bot CPU per /search interaction against the quote floor (discord.py answering with a
# fixed embed and buttons of the same shape), at each concurrency level.
CPU_RATIO_QUOTE = 1.25
BURST_FRACTION = 1.0
BURST_STALL_MS = 50.0
STARTUP_SHIPPED_S = 1.0
STARTUP_CORPUS_S = 3.0
IDLE_RSS_MIB = 80.0
QUALITY_HIT_AT_1 = 0.95
# Targets (issue 15), on the synthetic ~20 MB library.
LIBRARY_STARTUP_S = 2.0  # cold index cache
LIBRARY_WARM_STARTUP_S = 1.0  # indexes and the parsed library read back
LIBRARY_RSS_MIB = 200.0
LIBRARY_SEARCH_P99_MS = 2.0
LIBRARY_COMPARE_MS = 20.0


@dataclass
class Sizes:
    search_mb: float
    usage_events: int
    e2e: E2ESizes
    soak: SoakSizes
    faults: FaultSizes
    library: LibrarySizes = field(default_factory=LibrarySizes)


FULL = Sizes(5.0, 100_000, E2ESizes(), SoakSizes(), FaultSizes())
QUICK = Sizes(
    0.2,
    2_000,
    E2ESizes(
        concurrency=(1, 5),
        per_level=(10, 20),
        warmup=5,
        burst=20,
        bursts=2,
        startup_runs=1,
        corpus_mb=0.2,
        idle_s=0.2,
    ),
    SoakSizes(total=120, max_seconds=30, concurrency=4, members=20, warmup=40, rss_every=40),
    FaultSizes(phase_s=0.3, workers=2, recover_timeout_s=10, members=10),
    QUICK_LIBRARY,
)


def machine() -> Json:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        # Whether the /search hot path ran compiled (bot/compiled.py).
        "search_compiled": COMPILED_IN_USE,
    }


async def run_all(sizes: Sizes, only: tuple[str, ...] = SECTIONS) -> Json:
    """Run the chosen sections; returns everything measured, with wall times."""
    results: Json = {"machine": machine(), "wall_s": {}}
    compile_sources()  # the bots started below run compiled code, as installed ones do
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("search", lambda: asyncio.to_thread(run_search_benchmark, size_mb=sizes.search_mb)),
        ("usage", lambda: run_usage_benchmark(sizes.usage_events)),
        ("e2e", lambda: run_e2e_benchmark(sizes.e2e)),
        ("soak", lambda: run_soak(sizes.soak)),
        ("faults", lambda: run_faults_benchmark(sizes.faults)),
        ("library", lambda: asyncio.to_thread(run_library_benchmark, sizes.library)),
    ]
    for name, step in steps:
        if name not in only:
            continue
        # The garbage a section leaves (the search section's 5 MB corpus and its indexes) is
        # collected here, not by a collector pass in the middle of the next section's timing.
        gc.collect()
        started = time.monotonic()
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        results[name] = await step()
        results["wall_s"][name] = time.monotonic() - started
    return results


# -- the table ---------------------------------------------------------------------------------


def _num(value: Any, digits: int = 2, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return str(value)


def _ratio(ours: Any, base: Any) -> str:
    if not isinstance(ours, int | float) or not isinstance(base, int | float) or not base:
        return "-"
    return f"{ours / base:.2f}x"


def _ok(passed: bool | None) -> str:
    return "-" if passed is None else ("yes" if passed else "**NO**")


def target_entry(figure: str, value: Any, target: str, ok: bool) -> Json:
    """One entry of latest.json's "targets" list."""
    return {"figure": figure, "value": value, "target": target, "ok": bool(ok)}


def add_target(results: Json, figure: str, value: Any, target: str, ok: bool) -> None:
    """Add a target to a results dict's flat "targets" list (see the module doc)."""
    results.setdefault("targets", []).append(target_entry(figure, value, target, ok))


class Table:
    def __init__(self) -> None:
        self.lines = [
            "| figure | ours | baseline | ratio | target | ok |",
            "|---|---|---|---|---|---|",
        ]
        self.missed: list[str] = []
        self.targets: list[Json] = []

    def target(
        self,
        figure: str,
        value: Any,
        *,
        target: str,
        ok: bool,
        baseline: Any = None,
        digits: int = 2,
        unit: str = "",
    ) -> None:
        """A row with a target: shown in the table and listed in latest.json's "targets"."""
        self.row(figure, value, baseline, target=target, passed=ok, digits=digits, unit=unit)

    def section(self, title: str) -> None:
        self.lines.append(f"| **{title}** | | | | | |")

    def row(
        self,
        figure: str,
        ours: Any,
        baseline: Any = None,
        *,
        target: str = "-",
        passed: bool | None = None,
        digits: int = 2,
        unit: str = "",
        ratio: bool = True,
    ) -> None:
        shown_ratio = _ratio(ours, baseline) if ratio else "-"
        self.lines.append(
            f"| {figure} | {_num(ours, digits, unit)} | {_num(baseline, digits, unit)} | "
            f"{shown_ratio} | {target} | {_ok(passed)} |"
        )
        if passed is not None:
            self.targets.append(target_entry(figure, ours, target, passed))
        if passed is False:
            self.missed.append(figure)


def _search_rows(t: Table, r: Json) -> None:
    ours, fts, naive = r["ours"], r["fts5"], r["naive_quality"]
    c = r["corpus"]
    t.section(
        f"Search, {c['size_mb']:.1f} MB corpus ({c['paragraphs']:,} paragraphs), "
        "in process; baseline SQLite FTS5 bm25"
    )
    for key, label in (("median_ms", "median"), ("p99_ms", "p99"), ("max_ms", "max")):
        if key == "p99_ms":
            t.row(
                f"search latency {label} (ms), {c['size_mb']:.1f} MB",
                ours[key],
                fts[key],
                target=f"<= {SEARCH_P99_MS:.0f}",
                passed=ours[key] <= SEARCH_P99_MS,
                digits=3,
            )
        else:
            t.row(f"search latency {label} (ms)", ours[key], fts[key], digits=3)
    t.row(
        "hit@1, quality set",
        r["ours_quality"]["hit_at_1"],
        r["fts5_quality"]["hit_at_1"],
        target=f">= {QUALITY_HIT_AT_1}",
        passed=r["ours_quality"]["hit_at_1"] >= QUALITY_HIT_AT_1,
        digits=3,
    )
    t.row("MRR, quality set", r["ours_quality"]["mrr"], r["fts5_quality"]["mrr"], digits=3)
    t.row(
        "hit@1, generated typos", r["ours_typos"]["hit_at_1"], r["fts5_typos"]["hit_at_1"], digits=3
    )
    t.row(
        "hit@1, quality set, vs naive WRatio",
        r["ours_quality"]["hit_at_1"],
        naive["hit_at_1"],
        digits=3,
    )
    t.row("median latency vs naive WRatio (ms)", ours["median_ms"], naive["median_ms"], digits=3)
    t.row("index build (s)", r["build_s"], r["fts5_build_s"], digits=2)
    t.row("load + build (s)", r["startup_s"], None, digits=2)
    t.row("RSS after build, bench process (MiB)", r["rss_mb"], None, digits=1)


def _usage_rows(t: Table, r: Json) -> None:
    t.section(f"Usage log writer ({r['events']:,} events)")
    t.row(
        "events written per second",
        r["events_per_s"],
        target=f">= {USAGE_EVENTS_PER_S:,}",
        passed=(r["events_per_s"] or 0) >= USAGE_EVENTS_PER_S,
    )
    t.row(
        "longest event-loop stall while writing (ms)",
        r["max_loop_stall_ms"],
        target=f"<= {USAGE_STALL_MS:.0f}",
        passed=r["max_loop_stall_ms"] <= USAGE_STALL_MS,
    )
    t.row("events dropped", r["dropped"], target="0", passed=r["dropped"] == 0)


def _e2e_rows(t: Table, r: Json) -> None:
    ours, pong = r["ours"], r["pong"]
    t.section(
        "End to end over loopback: INTERACTION_CREATE sent -> callback received (ms); "
        "bot in its own process; baseline: discord.py bot answering pong"
    )
    for level, figures in ours["levels"].items():
        floor = pong["levels"][level]
        ratio = figures["p50"] / floor["p50"] if floor["p50"] else None
        t.row(
            f"/search p50, {level} concurrent ({figures['n']:,} samples)",
            figures["p50"],
            floor["p50"],
            target=f"<= {E2E_RATIO}x floor",
            passed=ratio is not None and ratio <= E2E_RATIO,
        )
        shaped = r.get("quote", {}).get("levels", {}).get(level)
        if shaped:
            t.row(
                f"  fixed embed + buttons, no search (discord.py floor for our reply's shape),"
                f" p50, {level} concurrent",
                shaped["p50"],
                floor["p50"],
            )
            t.row(
                f"  /search p50 against that floor, {level} concurrent (our own code's share)",
                figures["p50"],
                shaped["p50"],
            )
        t.row(f"/search p99, {level} concurrent", figures["p99"], floor["p99"])
        t.row(f"/search max, {level} concurrent", figures["max"], floor["max"])
        t.row(
            f"throughput, {level} concurrent (/s)",
            figures["throughput_per_s"],
            floor["throughput_per_s"],
            digits=0,
        )
        if figures.get("bot_cpu_us_per_interaction") and floor.get("bot_cpu_us_per_interaction"):
            t.row(
                f"bot process CPU per interaction, {level} concurrent (us)",
                figures["bot_cpu_us_per_interaction"],
                floor["bot_cpu_us_per_interaction"],
                digits=0,
            )
            if shaped and shaped.get("bot_cpu_us_per_interaction"):
                t.row(
                    f"  fixed embed + buttons: CPU per interaction, {level} concurrent (us)",
                    shaped["bot_cpu_us_per_interaction"],
                    floor["bot_cpu_us_per_interaction"],
                    digits=0,
                )

        if shaped:
            ours_cpu = figures.get("bot_cpu_us_per_interaction")
            quote_cpu = shaped.get("bot_cpu_us_per_interaction")
            # Too few interactions (a quick run) can read as 0 CPU: then there is no ratio.
            cpu_ratio = ours_cpu / quote_cpu if ours_cpu and quote_cpu else None
            t.row(
                f"bot CPU per /search against the quote floor, {level} concurrent",
                cpu_ratio,
                target=f"<= {CPU_RATIO_QUOTE}x",
                passed=cpu_ratio is not None and cpu_ratio <= CPU_RATIO_QUOTE,
                digits=2,
                unit="x",
            )
            t.row(
                f"  fixed embed + buttons throughput, {level} concurrent (/s)",
                shaped["throughput_per_s"],
                floor["throughput_per_s"],
                digits=0,
            )
    burst, floor_burst = ours["burst"], pong["burst"]
    runs = burst.get("bursts", 1)
    t.section(
        f"Burst: {burst['count']:,} /search dispatched at once"
        + (f", {runs} times; the worst burst counts" if runs > 1 else "")
    )
    t.row(
        "answered within 3 s of dispatch",
        burst["fraction_within_3s"],
        floor_burst["fraction_within_3s"],
        target="100%",
        passed=burst["fraction_within_3s"] >= BURST_FRACTION,
        digits=3,
    )
    t.row("answer time p50 (ms)", burst["answer_ms"]["p50"], floor_burst["answer_ms"]["p50"])
    t.row("answer time max (ms)", burst["answer_ms"]["max"], floor_burst["answer_ms"]["max"])
    shaped_burst = r.get("quote", {}).get("burst")
    if shaped_burst:
        t.row(
            "  fixed embed + buttons: longest loop stall (ms)",
            shaped_burst["stall"]["max_ms"],
            floor_burst["stall"]["max_ms"],
            digits=1,
        )
    stalls = burst.get("stall_runs_ms") or [burst["stall"]["max_ms"]]
    t.row(
        "longest loop stall in the bot process (ms); each burst: "
        + ", ".join(f"{ms:.1f}" for ms in stalls),
        burst["stall"]["max_ms"],
        floor_burst["stall"]["max_ms"],
        target=f"<= {BURST_STALL_MS:.0f}",
        passed=burst["stall"]["max_ms"] <= BURST_STALL_MS,
        digits=1,
    )
    if "gc_max_ms" in burst["stall"] and "gc_max_ms" in floor_burst["stall"]:
        t.row(
            "  longest garbage-collector pause in the worst burst (ms)",
            burst["stall"]["gc_max_ms"],
            floor_burst["stall"]["gc_max_ms"],
            digits=1,
        )
    startup = r["startup"]
    shipped, corpus, floor_start = (
        startup["shipped"]["median"],
        startup["corpus"]["median"],
        startup["pong"]["median"],
    )
    t.section(
        "Start-up in a fresh process (median of runs): content load + index + DB open + "
        "cogs + command sync + connect + READY -> first /search answered"
    )
    t.row(
        "to answerable, shipped content (s)",
        shipped["answerable_s"],
        floor_start["answerable_s"],
        target=f"<= {STARTUP_SHIPPED_S:.0f} s",
        passed=shipped["answerable_s"] <= STARTUP_SHIPPED_S,
        digits=3,
    )
    t.row(
        f"to answerable, {startup['corpus_mb']:.1f} MB corpus (s)",
        corpus["answerable_s"],
        floor_start["answerable_s"],
        target=f"<= {STARTUP_CORPUS_S:.0f} s",
        passed=corpus["answerable_s"] <= STARTUP_CORPUS_S,
        digits=3,
    )
    t.row(
        f"  of which content load + index, {startup['corpus_mb']:.1f} MB (s)",
        corpus["content_s"],
        None,
        digits=3,
    )
    t.row("  of which content load + index, shipped (s)", shipped["content_s"], None, digits=3)
    cogs_and_sync = shipped["setup_hook_done_s"] - shipped["content_s"] - shipped["runtime_s"]
    t.row(
        "  of which cogs + command sync (s)",
        cogs_and_sync,
        floor_start["setup_hook_done_s"],
        digits=3,
    )
    t.row(
        "on_ready, shipped (s; includes discord.py's 2 s guild_ready_timeout)",
        shipped["on_ready_s"],
        floor_start["on_ready_s"],
        digits=3,
    )
    t.row(
        "process spawn -> answerable, with imports (s)",
        shipped["spawn_to_answerable_s"],
        floor_start["spawn_to_answerable_s"],
        digits=3,
    )
    t.row(
        "idle RSS after ready, shipped content (MiB)",
        shipped["idle_rss_kb"] / MIB,
        floor_start["idle_rss_kb"] / MIB,
        target=f"<= {IDLE_RSS_MIB:.0f} MiB",
        passed=shipped["idle_rss_kb"] / MIB <= IDLE_RSS_MIB,
        digits=1,
    )
    t.row(
        "idle RSS after ready, 5 MB corpus (MiB)",
        corpus["idle_rss_kb"] / MIB,
        floor_start["idle_rss_kb"] / MIB,
        digits=1,
    )
    t.row(
        "RSS after the latency runs and burst (MiB)",
        ours["rss_after_load_kb"] / MIB,
        pong["rss_after_load_kb"] / MIB,
        digits=1,
    )


def _soak_rows(t: Table, r: Json) -> None:
    t.section(
        f"Soak: {r['operations']:,} mixed operations ({r['interactions']:,} interactions, "
        f"{r['chat_messages']:,} chat messages, {r['lookups']:,} lookups) in {r['seconds']:.0f} s"
    )
    t.row("operations per second", r["ops_per_s"], digits=0)
    t.row(
        "interactions with no answer",
        r["unanswered_interactions"] + r["timeouts"],
        target="0",
        passed=r["unanswered_interactions"] + r["timeouts"] == 0,
    )
    t.row(
        "interactions answered twice (or refused 40060)",
        r["answered_twice"] + r["refused_400"],
        target="0",
        passed=r["answered_twice"] + r["refused_400"] == 0,
    )
    t.row(
        "chat lookups with no reply / two replies",
        f"{r['chat_unanswered']} / {r['chat_replied_twice']}",
        target="0 / 0",
        passed=r["chat_unanswered"] == 0 and r["chat_replied_twice"] == 0,
    )
    t.row(
        "usage events in the DB (expected: interactions + lookups)",
        r["db_events"],
        r["expected_events"],
        target="= expected",
        passed=r["db_events"] == r["expected_events"],
        digits=0,
    )
    t.row(
        "answer time p50 / p99 (ms)", f"{r['latency_ms']['p50']:.1f} / {r['latency_ms']['p99']:.1f}"
    )
    t.row(
        "RSS growth, after warm-up -> end",
        r["rss_growth"] * 100 if r["rss_growth"] is not None else None,
        target=f"<= {RSS_GROWTH_LIMIT * 100:.0f}%",
        passed=r["rss_growth_ok"],
        digits=1,
        unit="%",
    )


def _fault_rows(t: Table, r: Json) -> None:
    t.section(
        f"Faults under load ({r['interactions']:,} interactions, "
        f"{r['chat_messages']:,} chat messages, {r['seconds']:.0f} s)"
    )
    for name, phase in r["phases"].items():
        row = r["per_phase"].get(name, {})
        sent = row.get("sent", 0)
        detail = ", ".join(f"{k} {v}" for k, v in phase["detail"].items())
        within = f"{row.get('within_3s', 0)}/{sent - row.get('undelivered', 0)} in 3 s"
        t.row(
            f"{name}: answers again after (s) [{detail}; {within}; "
            f"slowest {row.get('max_s', 0):.1f} s]",
            phase["recovery_s"],
            target="answers",
            passed=phase["answers_again"],
            digits=3,
        )
    t.row(
        "interactions answered twice (or refused 40060)",
        r["answered_twice"] + r["refused_400"],
        target="0",
        passed=r["answered_twice"] + r["refused_400"] == 0,
    )
    t.row(
        "delivered interactions never answered though Discord's deadline allowed it",
        r["unanswered_deadline_allowed"],
        target="0",
        passed=r["unanswered_deadline_allowed"] == 0,
    )
    reasons = ", ".join(f"{k}: {v}" for k, v in sorted(r["unanswered_by_reason"].items()))
    t.row(
        f"delivered interactions never answered, all by reason [{reasons or 'none'}]",
        r["unanswered_delivered"],
    )
    t.row(
        "first answers found applied by a retry after a 5xx (40060, answered once)",
        r["retry_found_answered"],
    )
    usage = r["usage"]
    t.row(
        "usage: written + dropped (write failed) == queued",
        f"{usage.get('written', 0):,} + {usage.get('dropped_write_failed', 0):,} = "
        f"{usage.get('queued', 0):,}",
        target="equal",
        passed=r["written_plus_dropped_equals_queued"],
    )
    t.row(
        "usage events offered (expected: delivered interactions + lookups)",
        r["events_offered"],
        r["events_expected"],
        target="= expected",
        passed=r["events_offered"] == r["events_expected"],
        digits=0,
    )


def _library_rows(t: Table, r: Json) -> None:
    lib, m = r["library"], r["measured"]
    t.section(
        f"Library: {lib['editions']} editions of a {lib['pages']}-page chapter, "
        f"{lib['size_mb']:.1f} MB, {lib['paragraphs']:,} paragraphs; baseline: the default "
        "edition's engine alone"
    )
    for name, limit in (("cold", LIBRARY_STARTUP_S), ("warm", LIBRARY_WARM_STARTUP_S)):
        ours = r[name]["process_start_to_answer_s"]
        t.row(
            f"start-up to first answer, {name} index cache (s)",
            ours,
            target=f"<= {limit:.0f}",
            passed=ours <= limit,
        )
    rss = r["warm"]["rss_kb"] / MIB
    t.row(
        "idle RSS after the first answer (MiB)",
        rss,
        target=f"<= {LIBRARY_RSS_MIB:.0f}",
        passed=rss <= LIBRARY_RSS_MIB,
        digits=1,
    )
    p99 = m["search"]["p99_ms"]
    alone = m.get("engine_search", {})
    t.row(
        "search p99, library (ms)",
        p99,
        alone.get("p99_ms"),
        target=f"<= {LIBRARY_SEARCH_P99_MS:.0f}",
        passed=p99 <= LIBRARY_SEARCH_P99_MS,
        digits=3,
    )
    t.row("search median, library (ms)", m["search"]["median_ms"], alone.get("median_ms"), digits=3)
    t.row("search p99, library, CPU time (ms)", m["search"].get("cpu_p99_ms"), digits=3)
    t.row(
        "hit@1, quality set, library",
        m["quality"]["hit_at_1"],
        m["engine_quality"]["hit_at_1"],
        target=f">= {QUALITY_HIT_AT_1} and unchanged",
        passed=m["quality"]["hit_at_1"] >= max(QUALITY_HIT_AT_1, m["engine_quality"]["hit_at_1"]),
        digits=3,
    )
    t.row(
        "hit@1, generated typos, library",
        m["typos_hit_at_1"],
        m["engine_typos_hit_at_1"],
        target="unchanged",
        passed=m["typos_hit_at_1"] >= m["engine_typos_hit_at_1"],
        digits=3,
    )
    compare = m["compare"]
    t.row(
        f"/compare of a 10-paragraph section, max of {compare['sections']} (ms)",
        compare["max_ms"],
        target=f"<= {LIBRARY_COMPARE_MS:.0f}",
        passed=compare["max_ms"] is not None and compare["max_ms"] <= LIBRARY_COMPARE_MS,
    )
    t.row("/compare median (ms)", compare["median_ms"])


def render(results: Json, *, command: str, wall_s: float) -> str:
    """The Markdown report; also sets results["targets"], the flat list of every target."""
    m = results["machine"]
    t = Table()
    for name, rows in (
        ("search", _search_rows),
        ("usage", _usage_rows),
        ("e2e", _e2e_rows),
        ("soak", _soak_rows),
        ("faults", _fault_rows),
        ("library", _library_rows),
    ):
        if name in results:
            rows(t, results[name])
    parts = [
        "# Bluebook Bot benchmark",
        "",
        f"Machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}, {m['platform']}; "
        f"search path {'compiled' if m.get('search_compiled') else 'interpreted'}.",
        f"Command: `{command}`; wall time {wall_s:.0f} s "
        + "("
        + ", ".join(f"{k} {v:.0f} s" for k, v in results["wall_s"].items())
        + ").",
        "",
        "Set-up: the local Discord (REST + gateway on 127.0.0.1) and the load driver run in "
        "the benchmark process; each bot under test (ours, and the pong floor) runs in its "
        "own process with its own event loop and connects over loopback, so its latency, "
        "stalls and memory are its own. OpenAPI validation in the stand-in is off during "
        "load (it costs server time for both bots alike); Discord's limit checks stay on. "
        "RSS in MiB (1 MiB = 1,048,576 bytes).",
        "",
        *t.lines,
        "",
    ]
    # Targets added outside the table (add_target), and the search benchmark's own (its
    # in-process latency and the quality sets), come after the table's own.
    extra = [e for e in results.get("targets", []) if e not in t.targets]
    if "search" in results:
        extra += [e for e in search_targets(results["search"]) if e not in extra]
    results["targets"] = t.targets + extra
    missed = t.missed + [e["figure"] for e in extra if not e["ok"]]
    if missed:
        parts += ["Missed: " + "; ".join(missed) + ".", ""]
    if "search" in results:
        parts += [
            "## Search benchmark (bench/search_bench.py)",
            "",
            search_table(results["search"]),
            "",
        ]
    return "\n".join(parts)


def write_results(results: Json, markdown: str, directory: Path = RESULTS) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    md, js = directory / f"bench-{stamp}.md", directory / f"bench-{stamp}.json"
    md.write_text(markdown, encoding="utf-8")
    js.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    (directory / "latest.md").write_text(markdown, encoding="utf-8")
    (directory / "latest.json").write_text(
        json.dumps(results, indent=2, default=str), encoding="utf-8"
    )
    return md, js


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (checks the harness)")
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}"
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    args = parser.parse_args(argv)
    only = tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    results = asyncio.run(run_all(QUICK if args.quick else FULL, only))
    wall = time.monotonic() - started
    results["total_wall_s"] = wall
    command = "python3 scripts/bench.py" + ("".join(f" {a}" for a in (argv or sys.argv[1:])))
    markdown = render(results, command=command, wall_s=wall)
    md, js = write_results(results, markdown, args.out)
    print(markdown)
    print(f"written: {md} and {js}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
