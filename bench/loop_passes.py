"""Whose code makes a loop stall: `python -m bench.loop_passes [bluebook|quote] [burst] [bursts]`.

A stall is one long pass of the event loop: every callback that was ready ran before the
loop could wake the stall ticker. With BENCH_LOOP_PASSES set, the bot process under test
(bench/e2e_bench.py's child) times each callback of each pass and, for the longest pass of a
burst, adds up the time by owner: the code the callback resumes (the innermost coroutine
a task step continues in, or the function a plain callback calls) classed as ours (bot/,
cogs/), discord.py, aiohttp, asyncio (the transports reading sockets), or other. This is
bench instrumentation only: it wraps asyncio's Handle._run in the bench child, never in
the bot.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

LOOP_PASSES_ENV = "BENCH_LOOP_PASSES"
Json = dict[str, Any]

_OWNERS = (
    ("/bot/", "ours"),
    ("/cogs/", "ours"),
    ("/discord/", "discord.py"),
    ("/aiohttp/", "aiohttp"),
    ("/asyncio/", "asyncio"),
    ("/bench/", "bench"),
)


def _owner_of_file(filename: str) -> str:
    for part, owner in _OWNERS:
        if part in filename:
            return owner
    return "other"


def _resumed_code(callback: Any) -> tuple[str, str]:
    """(file, name) of the code a loop callback runs first."""
    target = getattr(callback, "__self__", None)
    if isinstance(target, asyncio.Task):
        coro: Any = target.get_coro()
        # Follow the awaits down to the coroutine the step resumes in.
        while getattr(coro, "cr_await", None) is not None and hasattr(coro.cr_await, "cr_code"):
            coro = coro.cr_await
        code = getattr(coro, "cr_code", None)
        if code is not None:
            return code.co_filename, code.co_qualname
    func = getattr(callback, "__func__", callback)
    code = getattr(func, "__code__", None)
    if code is not None:
        return code.co_filename, code.co_qualname
    owner = target if target is not None else callback
    module = getattr(type(owner), "__module__", "") or ""
    return module.replace(".", "/") + "/", type(owner).__qualname__


class LoopPasses:
    """Times each callback of each loop pass; keeps the longest pass, split by owner."""

    def __init__(self) -> None:
        self.worst: Json = {"ms": 0.0}
        self._pass: list[tuple[float, str, str]] = []
        self._pass_started = 0.0
        self._saved: tuple[Any, Any] | None = None

    def install(self) -> None:
        handle_run = asyncio.events.Handle._run
        run_once = asyncio.base_events.BaseEventLoop._run_once  # type: ignore[attr-defined]
        passes = self

        def timed_run(handle: asyncio.Handle) -> None:
            begun = time.perf_counter()
            try:
                handle_run(handle)
            finally:
                spent = time.perf_counter() - begun
                callback = handle._callback  # type: ignore[attr-defined]
                if callback is not None:
                    where, name = _resumed_code(callback)
                    passes._pass.append((spent, _owner_of_file(where), name))

        def timed_run_once(loop: Any) -> None:
            passes._pass = []
            run_once(loop)
            passes._end_pass()

        self._saved = (handle_run, run_once)
        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign]
        asyncio.base_events.BaseEventLoop._run_once = timed_run_once  # type: ignore[attr-defined]

    def uninstall(self) -> None:
        if self._saved is not None:
            asyncio.events.Handle._run = self._saved[0]  # type: ignore[method-assign]
            asyncio.base_events.BaseEventLoop._run_once = self._saved[1]  # type: ignore[attr-defined]
            self._saved = None

    def _end_pass(self) -> None:
        total = sum(spent for spent, _, _ in self._pass)
        if total * 1000 <= self.worst["ms"]:
            return
        by_owner: dict[str, float] = defaultdict(float)
        by_code: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
        for spent, owner, name in self._pass:
            by_owner[owner] += spent * 1000
            entry = by_code[(owner, name)]
            entry[0] += spent * 1000
            entry[1] += 1
        top = sorted(by_code.items(), key=lambda kv: -kv[1][0])[:8]
        self.worst = {
            "ms": total * 1000,
            "callbacks": len(self._pass),
            "by_owner_ms": dict(sorted(by_owner.items(), key=lambda kv: -kv[1])),
            "top": [
                {"owner": o, "code": n, "ms": round(ms, 2), "calls": int(c)}
                for (o, n), (ms, c) in top
            ],
        }

    def report(self) -> Json:
        return self.worst


def enabled() -> bool:
    return bool(os.environ.get(LOOP_PASSES_ENV))


async def _run(kind: str, count: int, bursts: int, workdir: Path) -> list[Json]:
    from bench.e2e_bench import bot_on, burst, closed_loop, command_for, search_queries, standin

    found = []
    async with standin() as server, bot_on(server, workdir, kind) as child:
        dispatch = command_for(kind, search_queries())(server)
        await closed_loop(dispatch, concurrency=10, total=100)
        for _ in range(bursts):
            result = await burst(server, child, dispatch, count)
            found.append(result["stall"])
            await asyncio.sleep(0.5)
    return found


def main(argv: list[str]) -> None:
    import json

    kind = argv[0] if argv else "bluebook"
    count = int(argv[1]) if len(argv) > 1 else 1000
    bursts = int(argv[2]) if len(argv) > 2 else 3
    os.environ[LOOP_PASSES_ENV] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        for stall in asyncio.run(_run(kind, count, bursts, Path(tmp))):
            print(json.dumps(stall, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
