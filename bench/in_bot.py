"""Our steps of a /search inside a running bot: `python -m bench.in_bot [interactions]`.

The end-to-end benchmark measures the bot process's CPU per /search against the quote floor;
this says which of our steps that CPU goes to, in the running bot. The bot runs as there (its
own process, over loopback to the local Discord) with the library search
(`ServedLibrary.search`), the reply (`library_search_reply`, which reads the shown result's
excerpt) and the callback's body (`message_callback`) wrapped to add up the CPU time of the bot's thread in each, and
the garbage collector's time counted through `gc.callbacks`. New queries are sent one at a
time (the end-to-end benchmark's), then the same steps run back to back in the same process
on as many other new queries: the difference between the two is what a running bot's state
(its caches cold after discord.py's work between our steps) adds. A collection that runs
inside a step counts in that step and in the collector's row both, so the rows do not add up
to a total.

Prints microseconds per interaction.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "BENCH_IN_BOT"
STEPS = ("search", "reply", "callback")


class _Split:
    """CPU time of this thread in each wrapped step, and in the collector."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys((*STEPS, "gc"), 0.0)
        self.searches = 0
        self._gc_started = 0.0

    def reset(self) -> None:
        for step in self.seconds:
            self.seconds[step] = 0.0
        self.searches = 0

    def on_gc(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self.seconds["gc"] += time.thread_time() - self._gc_started

    def timed(self, step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        seconds = self.seconds

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[step] += time.thread_time() - started

        return wrapped

    def report(self) -> dict[str, float]:
        n = max(self.searches, 1)
        figures = {f"{step}_us": s / n * 1e6 for step, s in self.seconds.items()}
        figures["searches"] = self.searches
        return figures


_SPLIT: _Split | None = None


def install() -> None:
    """In the bot's process, before it is built: wrap the steps (only when ENV is set)."""
    global _SPLIT
    if os.environ.get(ENV) != "1" or _SPLIT is not None:
        return
    from bot.interactions import sending
    from bot.replies import search as replies
    from bot.served import ServedLibrary

    split = _SPLIT = _Split()
    search = split.timed("search", ServedLibrary.search)

    def counted(*args: Any, **kwargs: Any) -> Any:
        split.searches += 1
        return search(*args, **kwargs)

    ServedLibrary.search = counted  # type: ignore[method-assign]
    # Before the cog is loaded, so it imports the wrapped one (discord.py loads an extension
    # as a new module).
    replies.library_search_reply = split.timed("reply", replies.library_search_reply)
    sending.message_callback = split.timed("callback", sending.message_callback)
    gc.callbacks.append(split.on_gc)


def command(request: dict[str, Any], services: Any) -> dict[str, Any]:
    """The child's answer to an `in_bot` command: `reset`, `report`, or `tight` (the same steps
    back to back on `queries`)."""
    if _SPLIT is None:
        return {"error": f"{ENV}=1 was not set for the bot"}
    action = request.get("action")
    if action == "reset":
        _SPLIT.reset()
        return {}
    if action == "report":
        return _SPLIT.report()
    if action == "tight":
        return _tight(request["queries"], services)
    return {"error": f"unknown action {action!r}"}


def _tight(queries: list[str], services: Any) -> dict[str, Any]:
    from bot.interactions import sending
    from bot.replies import search as replies

    split = _SPLIT
    assert split is not None
    split.reset()
    library = services.library.current
    key = library.newest_key
    packs = {k: p.pack for k, p in library.packs.items()}
    for query in queries:
        response = library.search(query, pack_key=key, limit=5)
        reply = replies.library_search_reply(packs, response, owner=1, token=None)
        sending.message_callback(reply)
    report = split.report()
    split.reset()
    return report


async def measure(interactions: int) -> dict[str, Any]:
    from bench.e2e_bench import (
        bot_on,
        closed_loop,
        command_for,
        search_queries,
        standin,
    )

    queries = search_queries()
    # The in-bot run asks the first queries; the back-to-back run others, also new.
    asked, tight = queries[: interactions + 200], queries[-interactions:]
    os.environ[ENV] = "1"
    try:
        with tempfile.TemporaryDirectory(prefix="bb-in-bot-") as work:
            async with standin() as server, bot_on(server, Path(work), "bluebook") as child:
                dispatch = command_for("bluebook", asked)(server)
                await closed_loop(dispatch, concurrency=10, total=200)
                await child.request("in_bot", action="reset")
                before = await child.cpu_seconds()
                await closed_loop(dispatch, concurrency=1, total=interactions)
                process_us = (await child.cpu_seconds() - before) / interactions * 1e6
                in_bot = await child.request("in_bot", action="report")
                back_to_back = await child.request("in_bot", action="tight", queries=tight)
    finally:
        os.environ.pop(ENV, None)
    return {"process_cpu_us": process_us, "in_bot": in_bot, "back_to_back": back_to_back}


def main(argv: list[str]) -> None:
    interactions = int(argv[0]) if argv else 1500
    figures = asyncio.run(measure(interactions))
    print(
        f"bot process CPU per /search (new queries, 1 concurrent): {figures['process_cpu_us']:.0f} us"
    )
    print("| step | in the bot, us per /search | back to back, us |\n|---|---|---|")
    for step in (*STEPS, "gc"):
        key = f"{step}_us"
        print(f"| {step} | {figures['in_bot'][key]:.1f} | {figures['back_to_back'][key]:.1f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
