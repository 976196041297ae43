"""End-to-end figures through the local Discord, with the bot in its own process.

The stand-in (REST and gateway on 127.0.0.1) and the load driver run in the benchmark's
process; the bot under test runs in a child process (`python -m bench.e2e_bench serve`)
with its own event loop and connects to the stand-in over loopback, exactly as it would to
Discord. So the bot's latency, loop stalls and memory are its own, not shared with the
server's. The floors are `bench.pong.PongBot` (pong, quote) run the same way, at the same time:
the three bots take turns at each level, so a slow phase of the machine weighs on all alike.

The child takes one JSON line per command on stdin and answers on stdout with lines that
start with `BENCH ` (`rss`, `stall_start`, `stall_stop`, `usage`, `heap_mark`, `heap_report`,
`malloc_trim`, `cpu`, `in_bot`, `quit`; the heap commands are bench/heap_trace.py's, `in_bot`
bench/in_bot.py's).

Interaction latency is measured on the stand-in: from just before INTERACTION_CREATE is
queued on the gateway to the arrival of the bot's callback POST (its RecordedRequest time).
OpenAPI validation is off in the stand-in during load: it costs server time per request,
which would inflate ours and the floor alike; the limit checks stay on. The tests run with
validation on.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import json
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.ext import commands as ext_commands

from bench import heap_trace

if TYPE_CHECKING:
    from bench.loop_passes import LoopPasses

    # The stand-in is imported only by the parent, so the bot process's memory is the bot's.
    from localdiscord import InteractionHandle, LocalDiscord

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "BENCH "
TICK_S = 0.001
CALLBACK_ROUTE = "/interactions/{interaction_id}/{token}/callback"
ANSWER_DEADLINE_S = 3.0
STALL_WARN_MS = 50.0
# The floors run bench/pong.py: "pong" answers /ping with text, "quote" answers /quote with a
# fixed embed and buttons shaped like a /search answer.
FLOOR_KINDS = ("pong", "quote")
PROFILE_ENV = "BENCH_PROFILE"  # set to a path prefix: the bot process writes cProfile stats there
# discord.py's default; what `bluebook-bot run` uses against Discord.
PRODUCTION_GUILD_READY_TIMEOUT = 2.0
BENCH_GUILD_READY_TIMEOUT = 0.1

Json = dict[str, Any]


# -- figures -------------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> Json:
    """p50, p99 (nearest rank), max and count of `values` (ms)."""
    if not values:
        return {"n": 0, "p50": None, "p99": None, "max": None}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, max(0, round(len(ordered) * 0.99) - 1))]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p99": p99,
        "max": ordered[-1],
    }


def status_kb(pid: int | str = "self") -> Json:
    """VmRSS and VmHWM of a process, in KiB."""
    found: Json = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


# -- the child process (the bot under test) ------------------------------------------------------


def _emit(payload: Json) -> None:
    sys.stdout.write(PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


class StallTicker:
    """A task sleeping TICK_S in a loop; records how late each wake-up was, and the longest
    garbage-collector pause meanwhile (gc.callbacks), one known cause of a late wake-up."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self.worst_s = 0.0
        self.ticks = 0
        self.over = 0
        self.gc_worst_s = 0.0
        self._gc_started = 0.0
        self._passes: LoopPasses | None = None

    def start(self) -> None:
        self.worst_s, self.ticks, self.over, self.gc_worst_s = 0.0, 0, 0, 0.0
        gc.callbacks.append(self._on_gc)
        from bench import loop_passes

        # Only on request (bench/loop_passes.py): timing every callback costs the loop.
        self._passes = loop_passes.LoopPasses() if loop_passes.enabled() else None
        if self._passes is not None:
            self._passes.install()
        self._task = asyncio.create_task(self._run(), name="bench-stall-ticker")

    async def stop(self) -> Json:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)
        passes: Json = {}
        if self._passes is not None:
            self._passes.uninstall()
            passes = {"longest_loop_pass": self._passes.report()}
            self._passes = None
        return {
            **passes,
            "max_ms": self.worst_s * 1000,
            "ticks": self.ticks,
            f"over_{STALL_WARN_MS:.0f}ms": self.over,
            "gc_max_ms": self.gc_worst_s * 1000,
        }

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_worst_s = max(self.gc_worst_s, time.perf_counter() - self._gc_started)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(TICK_S)
            late = loop.time() - start - TICK_S
            self.ticks += 1
            self.worst_s = max(self.worst_s, late)
            if late * 1000 > STALL_WARN_MS:
                self.over += 1


async def _stdin_lines() -> AsyncIterator[Json]:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip():
            yield json.loads(line)


def _point_discord_at(config: Json) -> None:
    # What localdiscord.discord_urls does; done by hand so this process never imports
    # the stand-in.
    discord.http.Route.BASE = config["api_url"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config["gateway_url"])


async def _usage_report(services: Any) -> Json:
    if services is None:
        return {}
    usage = services.usage
    report: Json = {"flushed": True}
    try:
        await asyncio.wait_for(usage.flush(), timeout=20)
    except (TimeoutError, RuntimeError) as exc:
        report["flushed"] = False
        report["flush_error"] = type(exc).__name__
    stats = usage.stats
    report["stats"] = {
        "queued": stats.queued,
        "written": stats.written,
        "dropped": stats.dropped,
        "dropped_queue_full": stats.dropped_queue_full,
        "dropped_write_failed": stats.dropped_write_failed,
        "pending": usage.pending,
    }
    try:
        rows = await services.db.fetchall("SELECT kind, COUNT(*) FROM usage_events GROUP BY kind")
        report["db_by_kind"] = {str(r[0]): int(r[1]) for r in rows}
    except Exception as exc:  # a deleted or locked database is a figure, not a crash
        report["db_error"] = type(exc).__name__
    return report


async def _serve_client(
    bot: ext_commands.Bot | ext_commands.AutoShardedBot,
    config: Json,
    marks: Json,
    services: Any,
    stop: Callable[[], Awaitable[None]],
) -> None:
    original_setup_hook = bot.setup_hook

    async def timed_setup_hook() -> None:
        await original_setup_hook()
        marks["setup_hook"] = time.monotonic()

    bot.setup_hook = timed_setup_hook  # type: ignore[method-assign]

    async def on_ready() -> None:
        marks.setdefault("on_ready", time.monotonic())
        _emit({"event": "ready", "marks": marks, "pid": os.getpid()})

    bot.add_listener(on_ready, "on_ready")
    task = asyncio.create_task(bot.start(config["token"]), name="discord-client")
    ticker = StallTicker()
    heap = heap_trace.HeapTrace()
    commands = _stdin_lines()
    try:
        async for command in commands:
            name = command.get("cmd")
            reply: Json = {"reply": name}
            if task.done():
                reply["error"] = f"client stopped: {task.exception()!r}"
            elif name == "rss":
                reply.update(status_kb())
            elif name == "stall_start":
                ticker.start()
            elif name == "stall_stop":
                reply.update(await ticker.stop())
            elif name == "usage":
                reply.update(await _usage_report(services))
            elif name == "heap_mark":
                reply.update(heap.take_mark())
            elif name == "heap_report":
                reply.update(heap.report())
            elif name == "malloc_trim":
                # What waits for a full collection, then what malloc keeps free.
                reply["before"] = heap_trace.figures()
                gc.collect()
                reply["after_collect"] = heap_trace.figures()
                reply["trimmed"] = heap_trace.malloc_trim()
                reply["after"] = heap_trace.figures()
            elif name == "cpu":
                # The process's CPU time, every thread, to the nanosecond: /proc's counts
                # are in ticks of 10 ms, a tenth of a 300-interaction run's CPU.
                reply["cpu_s"] = time.process_time()
            elif name == "in_bot":
                from bench import in_bot

                reply.update(in_bot.command(command, services))
            elif name == "quit":
                break
            _emit(reply)
    finally:
        await stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=15)


async def _serve(config: Json) -> None:
    marks: Json = {"main": time.monotonic()}
    _point_discord_at(config)
    timeout = config.get("guild_ready_timeout", BENCH_GUILD_READY_TIMEOUT)
    if config["kind"] in FLOOR_KINDS:
        from bench.pong import PongBot

        marks["main"] = time.monotonic()
        pong = PongBot(guild_id=config["guild_id"], guild_ready_timeout=timeout)
        await _serve_client(pong, config, marks, None, pong.close)
        _emit({"event": "closed"})
        return
    # Imported here, not at the top: the floor's process must not carry the bot's modules.
    from bench import in_bot
    from bot.app import BotOptions
    from bot.process import build_bot, shutdown
    from bot.served import ServedLibrary
    from bot.services import open_services

    in_bot.install()  # only when asked (bench/in_bot.py)
    # Start-up phases are timed from here; imports count in imports_s.
    marks["main"] = time.monotonic()
    directory = Path(config["content"]) if config.get("content") else None
    library = ServedLibrary.load(directory)
    marks["content"] = time.monotonic()
    async with open_services(
        db_path=Path(config["db"]), content_dir=directory, library=library
    ) as services:
        # The phase keeps its name in the results ("runtime_s"): figures stay comparable.
        marks["runtime"] = time.monotonic()
        options = BotOptions(
            dev_guild=config["guild_id"],
            skip_identify_delay=True,
            guild_ready_timeout=timeout,
            owner_ids=set(config.get("owner_ids", [])),
            fotd_interval=3600,
            freeze_heap=True,  # as the real process does (bot/process.py options_from)
        )
        bot = build_bot(services, options)
        await _serve_client(bot, config, marks, services, lambda: shutdown(bot))
    # The services are closed: the usage queue has been flushed (or dropped and counted).
    stats = services.usage.stats
    _emit(
        {
            "event": "closed",
            "usage": {
                "queued": stats.queued,
                "written": stats.written,
                "dropped": stats.dropped,
                "dropped_queue_full": stats.dropped_queue_full,
                "dropped_write_failed": stats.dropped_write_failed,
            },
        }
    )


def child_main(config_json: str) -> None:
    from bot.logging_setup import setup_logging

    setup_logging("WARNING", "text")
    config = json.loads(config_json)
    profile_to = os.environ.get(PROFILE_ENV)
    if not profile_to:
        asyncio.run(_serve(config))
        return
    import cProfile

    # CPU time of the bot's main thread, not wall time: on a shared machine a wall-clock
    # profile also counts the time the process waited for a CPU (or for the GIL).
    with cProfile.Profile(time.thread_time) as profiler:
        asyncio.run(_serve(config))
    profiler.dump_stats(f"{profile_to}.{config['kind']}.prof")


# -- the parent side ---------------------------------------------------------------------------


class ChildDied(RuntimeError):
    """The bot process ended early; the message carries the end of its stderr."""


class BotProcess:
    """A bot under test in its own process, connected to a stand-in in this one."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: Path, kind: str) -> None:
        self.proc = proc
        self.stderr_path = stderr_path
        self.kind = kind
        self.spawned = time.monotonic()
        self.messages: asyncio.Queue[Json | None] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())
        self.ready: Json | None = None
        self.closed_report: Json = {}

    @classmethod
    async def spawn(
        cls,
        server: LocalDiscord,
        workdir: Path,
        *,
        kind: str,
        db: Path | None = None,
        content: Path | None = None,
        guild_ready_timeout: float = BENCH_GUILD_READY_TIMEOUT,
        prefix: tuple[str, ...] = (),
    ) -> BotProcess:
        """`prefix`: a command the bot's Python runs under (valgrind, for bench.bot_instructions)."""
        config = {
            "kind": kind,
            "api_url": server.api_url,
            "gateway_url": server.gateway_url,
            "token": server.token,
            "guild_id": server.guild.id,
            "owner_ids": [server.world.owner.id, server.admin.id],
            "db": str(db or workdir / f"{kind}.db"),
            "content": str(content) if content else None,
            "guild_ready_timeout": guild_ready_timeout,
        }
        stderr_path = workdir / f"{kind}-{time.monotonic_ns()}.stderr"
        with stderr_path.open("wb") as stderr:
            proc = await asyncio.create_subprocess_exec(
                *prefix,
                sys.executable,
                "-m",
                "bench.e2e_bench",
                "serve",
                json.dumps(config),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
                cwd=ROOT,
            )
        return cls(proc, stderr_path, kind)

    @property
    def pid(self) -> int:
        return self.proc.pid

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            text = line.decode("utf-8", "replace")
            if text.startswith(PREFIX):
                await self.messages.put(json.loads(text[len(PREFIX) :]))
        await self.messages.put(None)

    def stderr_tail(self, lines: int = 30) -> str:
        try:
            text = self.stderr_path.read_text("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def next_message(self, timeout: float = 60.0) -> Json:
        try:
            message = await asyncio.wait_for(self.messages.get(), timeout)
        except TimeoutError:
            tail = self.stderr_tail()
            raise ChildDied(f"{self.kind} bot: no answer in {timeout}s\n{tail}") from None
        if message is None:
            raise ChildDied(f"{self.kind} bot process ended\n{self.stderr_tail()}")
        return message

    async def wait_ready(self, timeout: float = 60.0) -> Json:
        if self.ready is None:
            message = await self.next_message(timeout)
            if message.get("event") != "ready":
                raise ChildDied(f"expected ready from the {self.kind} bot, got {message}")
            self.ready = message
        return self.ready

    async def request(self, cmd: str, timeout: float = 60.0, **fields: Any) -> Json:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps({"cmd": cmd, **fields}) + "\n").encode())
        await self.proc.stdin.drain()
        reply = await self.next_message(timeout)
        if reply.get("error"):
            raise ChildDied(f"{self.kind} bot: {reply['error']}\n{self.stderr_tail()}")
        return reply

    async def cpu_seconds(self) -> float:
        """The CPU time the bot process has used so far (it answers with its own clock)."""
        return float((await self.request("cpu"))["cpu_s"])

    def rss_kb(self) -> int:
        return int(status_kb(self.pid)["VmRSS"])

    async def quit(self, timeout: float = 60.0) -> Json:
        """Ask for a graceful stop; returns the child's final "closed" report."""
        closed: Json = {}
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b'{"cmd": "quit"}\n')
            await self.proc.stdin.drain()
            while True:
                message = await self.next_message(timeout)
                if message.get("event") == "closed":
                    closed = message
                    break
        finally:
            with contextlib.suppress(ProcessLookupError):
                if self.proc.returncode is None:
                    try:
                        await asyncio.wait_for(self.proc.wait(), timeout=10)
                    except TimeoutError:
                        self.proc.kill()
                        await self.proc.wait()
            self._reader.cancel()
        return closed

    async def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
        self._reader.cancel()


@contextlib.asynccontextmanager
async def standin(members: int = 0) -> AsyncIterator[LocalDiscord]:
    """A started local Discord for load: OpenAPI validation off, limit checks on."""
    from localdiscord import LocalDiscord, Scenario

    server = LocalDiscord(Scenario(validate_openapi=False, reject_over_limits=True))
    for i in range(members):
        server.add_member(server.guild, f"user{i}")
    await server.listen()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def bot_on(
    server: LocalDiscord, workdir: Path, kind: str, **spawn: Any
) -> AsyncIterator[BotProcess]:
    """A bot process connected to `server` and READY; stopped (gracefully) on exit."""
    child = await BotProcess.spawn(server, workdir, kind=kind, **spawn)
    try:
        await child.wait_ready()
        yield child
    except BaseException:
        await child.kill()
        raise
    else:
        child.closed_report = await child.quit()


def first_callbacks(server: LocalDiscord) -> dict[int, float]:
    """Interaction id -> arrival time (monotonic) of the first callback POST for it."""
    found: dict[int, float] = {}
    for request in server.requests:
        if request.route == CALLBACK_ROUTE:
            interaction_id = int(request.path.split("/")[2])
            found.setdefault(interaction_id, request.time)
    return found


ALREADY_ACKNOWLEDGED = 40060


@dataclass
class CallbackTry:
    """One callback request: when it arrived and was answered (None: still held), its status
    and error code."""

    at: float
    answered_at: float | None
    status: int | None
    code: int | None


def callback_tries(server: LocalDiscord) -> dict[int, list[CallbackTry]]:
    """Each interaction's callback requests, in the order they arrived."""
    tries: dict[int, list[CallbackTry]] = {}
    for request in server.requests:
        if request.route == CALLBACK_ROUTE:
            interaction = int(request.path.split("/")[2])
            tries.setdefault(interaction, []).append(
                CallbackTry(request.time, request.answered_at, request.status, request.code)
            )
    return tries


def answered_ok(t: CallbackTry) -> bool:
    return t.status is not None and 200 <= t.status < 300


def second_answers(tries: list[CallbackTry]) -> tuple[int, int]:
    """(second answers, retries that found the answer there) among one interaction's tries.

    A 2xx after a 2xx, or a 400, answers twice, except a 40060 to a retry sent while an
    earlier try's outcome was unknown to the bot (answered with a 5xx, or not answered yet:
    held, or given up by the bot) and none had come back 2xx: that try had applied the
    answer, which Discord then kept as the only one."""
    twice = found = 0
    for n, t in enumerate(tries):
        earlier = tries[:n]
        if answered_ok(t):
            twice += any(answered_ok(e) for e in earlier)
        elif t.status == 400:
            known = [e for e in earlier if e.answered_at is not None and e.answered_at <= t.at]
            unsure = len(known) < len(earlier) or any((e.status or 0) >= 500 for e in known)
            if t.code == ALREADY_ACKNOWLEDGED and unsure and not any(map(answered_ok, known)):
                found += 1
            else:
                twice += 1
    return twice, found


def answer_counts(server: LocalDiscord) -> dict[str, Any]:
    """Callbacks Discord took per interaction, refusals for answering twice (a 400 that is not
    a retry finding the answer, `second_answers`), and retries that found the answer."""
    ok: dict[int, int] = defaultdict(int)
    refused = found = 0
    for interaction, tries in callback_tries(server).items():
        _, found_here = second_answers(tries)
        # A retry that found the answer stands for the try that applied it, whose 2xx (if
        # any) the bot never saw.
        ok[interaction] += max(sum(map(answered_ok, tries)), min(found_here, 1))
        refused += sum(t.status == 400 for t in tries) - found_here
        found += found_here
    return {"ok": ok, "refused_400": refused, "retry_found_answered": found}


# Distinct /search queries: more than any run dispatches, so the engine's answer cache (which
# keeps the last 512 answers) never answers one, and the figures time the search itself.
DISTINCT_QUERIES = 8000


def search_queries(seed: int = 7) -> list[str]:
    """The labelled quality set (acronyms, typos, phrases, paraphrases, spelling variants),
    then two- and three-word queries drawn from the chapter's own words, all distinct."""
    import re

    from bench.search_bench import quality_queries
    from bot.pack.loader import load_pack

    rng = random.Random(seed)
    queries = [text for text, _, _ in quality_queries()]
    rng.shuffle(queries)
    text = " ".join(p.text for p in load_pack().paragraphs.values())
    vocabulary = sorted(set(re.findall(r"[A-Za-z][A-Za-z-]{3,}", text)))
    seen = set(queries)
    while len(queries) < DISTINCT_QUERIES:
        query = " ".join(rng.sample(vocabulary, rng.choice((2, 3))))
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return queries


Dispatch = Callable[[int], Awaitable["InteractionHandle"]]


async def closed_loop(
    dispatch: Dispatch, *, concurrency: int, total: int, timeout: float = 30.0
) -> list[tuple[int, float]]:
    """`concurrency` users, each sending the next interaction once the last was answered."""
    sent: list[tuple[int, float]] = []
    counter = itertools.count()

    async def user() -> None:
        while (i := next(counter)) < total:
            started = time.monotonic()
            handle = await dispatch(i)
            sent.append((handle.id, started))
            await handle.response(timeout)

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return sent


def latencies_ms(server: LocalDiscord, sent: Sequence[tuple[int, float]]) -> list[float]:
    arrived = first_callbacks(server)
    return [(arrived[i] - t0) * 1000 for i, t0 in sent if i in arrived]


def command_for(kind: str, queries: Sequence[str]) -> Callable[[LocalDiscord], Dispatch]:
    """A dispatcher of the bot's command. Each `/search` it sends asks the next query of
    `queries`, across every run it is used for: the warm-up, the levels and the bursts never
    repeat one, so the bot's answer cache never answers them (a run's own index `i` restarts
    at 0 and would ask the last run's queries again)."""

    def make(server: LocalDiscord) -> Dispatch:
        asked = itertools.count()

        async def dispatch(i: int) -> InteractionHandle:
            if kind == "pong":
                return await server.slash("ping")
            if kind == "quote":
                return await server.slash("quote")
            return await server.slash("search", {"query": queries[next(asked) % len(queries)]})

        return dispatch

    return make


@dataclass
class E2ESizes:
    """How much load each figure gets (the smoke test uses tiny ones)."""

    concurrency: tuple[int, ...] = (1, 50, 500)
    per_level: tuple[int, ...] = (600, 1000, 2000)
    warmup: int = 100
    burst: int = 1000
    bursts: int = 3  # the stall and the 3 s figure are the worst of these
    # Each level's interactions are split over this many turns of every bot (even: forward
    # and back). Short turns let a slow phase of the machine fall on all bots alike.
    turns: int = 8
    startup_runs: int = 3
    corpus_mb: float = 5.0
    idle_s: float = 3.0


# The bots measured side by side, in the order each level runs them: the floors and ours
# alternate (pong, quote, ours, then ours, quote, pong, and again: `E2ESizes.turns`), each
# turn with an equal share of the level's interactions, so a slow phase of the machine
# weighs on all three alike.
E2E_KINDS = ("pong", "quote", "bluebook")


def _level_figures(
    server: LocalDiscord, runs: list[tuple[list[tuple[int, float]], float, float]]
) -> Json:
    """One bot's figures at one level from its runs: (sent, seconds, CPU seconds) each."""
    sent = [s for run in runs for s in run[0]]
    elapsed = sum(run[1] for run in runs)
    used = sum(run[2] for run in runs)
    figures = percentiles(latencies_ms(server, sent))
    figures["throughput_per_s"] = len(sent) / elapsed if elapsed else None
    # CPU the bot process spent per interaction: the cost behind the latency.
    figures["bot_cpu_us_per_interaction"] = used / len(sent) * 1e6 if sent else None
    return figures


async def latency_and_burst(
    kinds: Sequence[str], workdir: Path, sizes: E2ESizes
) -> dict[str, Json]:
    """Latency and CPU at each concurrency, then bursts with the stall ticker on, for each
    bot of `kinds` (each in its own process, on its own stand-in), run interleaved: at
    each level every bot runs `sizes.turns` times, in the order of `kinds` and then back,
    and the bursts take turns too. Keyed by kind."""
    queries = search_queries()
    async with contextlib.AsyncExitStack() as stack:
        bots: dict[str, tuple[LocalDiscord, BotProcess, Dispatch]] = {}
        for kind in kinds:
            server = await stack.enter_async_context(standin())
            child = await stack.enter_async_context(bot_on(server, workdir, kind))
            bots[kind] = (server, child, command_for(kind, queries)(server))
        for _, _, dispatch in bots.values():
            await closed_loop(dispatch, concurrency=10, total=sizes.warmup)
        result: dict[str, Json] = {kind: {"levels": {}} for kind in kinds}
        turns = max(2, sizes.turns - sizes.turns % 2)
        order = [*kinds, *reversed(kinds)] * (turns // 2)
        for concurrency, total in zip(sizes.concurrency, sizes.per_level, strict=True):
            runs: dict[str, list[tuple[list[tuple[int, float]], float, float]]] = {
                kind: [] for kind in kinds
            }
            for turn, kind in enumerate(order):
                _, child, dispatch = bots[kind]
                nth = turn // len(kinds)  # this bot's nth turn at this level
                share = total // turns + (1 if nth < total % turns else 0)
                cpu_before = await child.cpu_seconds()
                started = time.monotonic()
                sent = await closed_loop(dispatch, concurrency=concurrency, total=share)
                elapsed = time.monotonic() - started
                runs[kind].append((sent, elapsed, await child.cpu_seconds() - cpu_before))
            for kind in kinds:
                result[kind]["levels"][str(concurrency)] = _level_figures(bots[kind][0], runs[kind])
        bursts: dict[str, list[Json]] = {kind: [] for kind in kinds}
        for _ in range(sizes.bursts):
            for kind in kinds:
                server, child, dispatch = bots[kind]
                bursts[kind].append(await burst(server, child, dispatch, sizes.burst))
                await asyncio.sleep(0.5)  # let the last answers' echoes settle between bursts
        for kind in kinds:
            result[kind]["burst"] = worst_of(bursts[kind])
            result[kind]["rss_after_load_kb"] = bots[kind][1].rss_kb()
    return result


async def burst(server: LocalDiscord, child: BotProcess, dispatch: Dispatch, count: int) -> Json:
    """`count` interactions dispatched at once; each one's answer time from its dispatch."""
    await child.request("stall_start")
    await asyncio.sleep(0.05)
    sent: list[tuple[int, float]] = []
    handles = []
    for i in range(count):
        started = time.monotonic()
        handle = await dispatch(i)
        sent.append((handle.id, started))
        handles.append(handle)
    dispatched_in = time.monotonic() - sent[0][1]
    results = await asyncio.gather(
        *(h.response(timeout=30.0) for h in handles), return_exceptions=True
    )
    await asyncio.sleep(0.05)
    stall = await child.request("stall_stop")
    answered = latencies_ms(server, sent)
    within = sum(1 for ms in answered if ms <= ANSWER_DEADLINE_S * 1000)
    return {
        "count": count,
        "answered": len(answered),
        "unanswered": sum(1 for r in results if isinstance(r, BaseException)),
        "within_3s": within,
        "fraction_within_3s": within / count if count else None,
        "dispatch_s": dispatched_in,
        "answer_ms": percentiles(answered),
        "answer_times_ms": answered,
        "stall": stall,
    }


def worst_of(runs: list[Json]) -> Json:
    """Several bursts as one figure: the worst stall and 3 s fraction, all answer times."""
    worst = max(runs, key=lambda r: r["stall"]["max_ms"])
    return {
        **worst,
        "bursts": len(runs),
        "fraction_within_3s": min(r["fraction_within_3s"] for r in runs),
        "unanswered": sum(r["unanswered"] for r in runs),
        "answer_ms": percentiles([ms for r in runs for ms in r["answer_times_ms"]]),
        "stall_runs_ms": [r["stall"]["max_ms"] for r in runs],
        "answer_times_ms": None,
    }


async def startup_once(workdir: Path, *, kind: str, content: Path | None, idle_s: float) -> Json:
    """Start a fresh bot process with the production guild_ready_timeout; time every phase.

    "answerable" is the arrival of the answer to a /search (or /ping) dispatched as soon as
    the bot IDENTIFYs: the bot serves interactions from READY on; on_ready comes
    guild_ready_timeout later (discord.py waits that long for more GUILD_CREATEs).
    """
    async with standin() as server:
        child = await BotProcess.spawn(
            server,
            workdir,
            kind=kind,
            content=content,
            guild_ready_timeout=PRODUCTION_GUILD_READY_TIMEOUT,
        )
        try:
            await server.wait_for_gateway("identify", timeout=60)
            identified = time.monotonic()
            name, options = ("ping", None) if kind == "pong" else ("search", {"query": "GCAP"})
            dispatched = time.monotonic()
            handle = await server.slash(name, options)
            await handle.response(timeout=30)
            answered = first_callbacks(server)[handle.id]
            ready = await child.wait_ready()
            marks = ready["marks"]
            await asyncio.sleep(idle_s)
            rss = status_kb(child.pid)
        except BaseException:
            await child.kill()
            raise
        child.closed_report = await child.quit()
    main = marks["main"]
    phases = {
        "imports_s": main - child.spawned,
        "setup_hook_done_s": marks["setup_hook"] - main,
        "identify_s": identified - main,
        "answerable_s": answered - main,
        "first_answer_ms": (answered - dispatched) * 1000,
        "on_ready_s": marks["on_ready"] - main,
        "spawn_to_answerable_s": answered - child.spawned,
        "idle_rss_kb": rss["VmRSS"],
        "peak_rss_kb": rss["VmHWM"],
    }
    if "content" in marks:
        phases["content_s"] = marks["content"] - main
        phases["runtime_s"] = marks["runtime"] - marks["content"]
    return phases


def write_corpus_pack(directory: Path, size_mb: float) -> Path:
    """A content pack dir: the shipped manifest, facts and glossary, a synthetic chapter."""
    from bench.corpus import synthetic_chapter
    from bot.pack.loader import shipped_content_dir

    directory.mkdir(parents=True, exist_ok=True)
    for source in Path(shipped_content_dir()).iterdir():
        if source.suffix in (".yaml", ".txt"):
            shutil.copy(source, directory / source.name)
    (directory / "chapter.txt").write_text(synthetic_chapter(size_mb=size_mb), encoding="utf-8")
    return directory


def _median_run(runs: list[Json]) -> Json:
    """Per key, the median over runs."""
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


async def startup_suite(workdir: Path, sizes: E2ESizes) -> Json:
    pack = write_corpus_pack(workdir / "corpus-pack", sizes.corpus_mb)
    result: Json = {}
    for name, kind, content in (
        ("pong", "pong", None),
        ("shipped", "bluebook", None),
        ("corpus", "bluebook", pack),
    ):
        runs = []
        for _ in range(sizes.startup_runs):
            runs.append(
                await startup_once(workdir, kind=kind, content=content, idle_s=sizes.idle_s)
            )
        result[name] = {"median": _median_run(runs), "runs": runs}
    result["corpus_mb"] = (pack / "chapter.txt").stat().st_size / 1e6
    return result


async def run_e2e_benchmark(sizes: E2ESizes | None = None, workdir: Path | None = None) -> Json:
    """Start-up, idle RSS, latency at each concurrency and the burst; ours and the floor."""
    sizes = sizes or E2ESizes()
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bb-e2e-")))
        report: Json = {"startup": await startup_suite(workdir, sizes)}
        measured = await latency_and_burst(E2E_KINDS, workdir, sizes)
        report["pong"], report["quote"] = measured["pong"], measured["quote"]
        report["ours"] = measured["bluebook"]
        report["sizes"] = {
            "concurrency": list(sizes.concurrency),
            "per_level": list(sizes.per_level),
            "turns": sizes.turns,
            "burst": sizes.burst,
        }
    return report


def main(argv: list[str]) -> None:
    if len(argv) >= 2 and argv[0] == "serve":
        child_main(argv[1])
        return
    print(json.dumps(asyncio.run(run_e2e_benchmark()), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
