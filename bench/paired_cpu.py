"""CPU per interaction of bots built from different trees, in alternating turns:
`python -m bench.paired_cpu [--concurrency N] [--per-turn K] [--turns T] BOT [BOT ...]`.

A change to the interaction path moves the bot's CPU per /search by some microseconds, where
the machine moves it by tens from one minute to the next. So each BOT runs at once, as in the
end-to-end benchmark (its own process, over loopback to its own local Discord), and they take
short turns of K new /search (or /quote) each, T times, in the order given and then back; a
turn's figure is the bot process's CPU time over it. Each is printed with its mean, median and
spread over the turns, and its mean ratio to the first BOT turn by turn, with that ratio's
standard error. BOT is `quote` (the floor) or a tree of this project (a git worktree, say),
with `+i` to run it with BLUEBOOK_INTERPRETED=1. Prints microseconds per interaction.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import e2e_bench
from bench.e2e_bench import bot_on, closed_loop, command_for, search_queries, standin

WARMUP = 300


@dataclass(frozen=True)
class Bot:
    """One BOT argument: its kind, its tree, and whether it runs interpreted."""

    label: str
    kind: str
    root: Path
    interpreted: bool

    @classmethod
    def parse(cls, text: str) -> Bot:
        if text == "quote":
            return cls(text, "quote", e2e_bench.ROOT, False)
        interpreted = text.endswith("+i")
        root = Path(text[:-2] if interpreted else text).resolve()
        if not (root / "bot" / "__init__.py").is_file():
            raise SystemExit(f"paired_cpu: {root} is not a tree of this project")
        return cls(text, "bluebook", root, interpreted)


async def measure(
    bots: Sequence[Bot], *, concurrency: int, per_turn: int, turns: int
) -> dict[str, list[float]]:
    """Each bot's CPU per interaction (µs) in each of its turns, keyed by label."""
    queries = search_queries()
    share = len(queries) // len(bots)
    async with contextlib.AsyncExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        running: dict[str, tuple[Any, Any]] = {}
        for i, bot in enumerate(bots):
            server = await stack.enter_async_context(standin())
            folder = work / str(i)
            folder.mkdir()
            with _started_as(bot):
                child = await stack.enter_async_context(bot_on(server, folder, bot.kind))
            # Each bot its own slice of the queries, far longer than the engine keeps answers
            # for (512): a query comes round again only long after it has left them.
            dispatch = command_for(bot.kind, queries[i * share : (i + 1) * share])(server)
            running[bot.label] = (child, dispatch)
        for _, dispatch in running.values():
            await closed_loop(dispatch, concurrency=10, total=WARMUP)
        figures: dict[str, list[float]] = {bot.label: [] for bot in bots}
        for turn in range(turns):
            for bot in bots if turn % 2 == 0 else list(reversed(bots)):
                child, dispatch = running[bot.label]
                before = await child.cpu_seconds()
                await closed_loop(dispatch, concurrency=concurrency, total=per_turn)
                figures[bot.label].append((await child.cpu_seconds() - before) / per_turn * 1e6)
    return figures


@contextlib.contextmanager
def _started_as(bot: Bot) -> Iterator[None]:
    """While a bot process starts: its tree, and BLUEBOOK_INTERPRETED as asked."""
    root, interpreted = e2e_bench.ROOT, os.environ.pop("BLUEBOOK_INTERPRETED", None)
    e2e_bench.ROOT = bot.root
    if bot.interpreted:
        os.environ["BLUEBOOK_INTERPRETED"] = "1"
    try:
        yield
    finally:
        e2e_bench.ROOT = root
        os.environ.pop("BLUEBOOK_INTERPRETED", None)
        if interpreted is not None:
            os.environ["BLUEBOOK_INTERPRETED"] = interpreted


def report(bots: Sequence[Bot], figures: dict[str, list[float]]) -> str:
    first = figures[bots[0].label]
    lines = [
        "| bot | mean | median | spread (sd) | mean ratio to the first, turn by turn |",
        "|---|---|---|---|---|",
    ]
    for bot in bots:
        values = figures[bot.label]
        ratios = [a / b for a, b in zip(values, first, strict=True)]
        error = statistics.stdev(ratios) / len(ratios) ** 0.5 if len(ratios) > 1 else 0.0
        lines.append(
            f"| {bot.label} | {statistics.mean(values):.1f} | {statistics.median(values):.1f} | "
            f"{statistics.stdev(values) if len(values) > 1 else 0.0:.1f} | "
            f"{statistics.mean(ratios):.3f} ± {error:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.paired_cpu", description=__doc__)
    parser.add_argument("bots", nargs="+", metavar="BOT")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--per-turn", type=int, default=500)
    parser.add_argument("--turns", type=int, default=24)
    args = parser.parse_args(argv)
    bots = [Bot.parse(text) for text in args.bots]
    if len({bot.label for bot in bots}) != len(bots):
        raise SystemExit("paired_cpu: name each BOT once")
    figures = asyncio.run(
        measure(bots, concurrency=args.concurrency, per_turn=args.per_turn, turns=args.turns)
    )
    print(f"CPU per interaction (us), {args.concurrency} concurrent, {args.turns} turns each")
    print(report(bots, figures))


if __name__ == "__main__":
    main(sys.argv[1:])
