"""Instructions per interaction in a running bot, ours against the quote floor:
`python -m bench.bot_instructions [interactions] [concurrency]`.

The end-to-end benchmark's CPU per /search against quote moves by about 0.1 from run to run,
mostly with the machine; a count of instructions does not (two runs of the same code agree
to about 0.3%). Each bot runs as there (its own process, over loopback to the local Discord),
here under valgrind's callgrind with counting off; after a warm-up it is switched on
(`callgrind_control`) for `interactions` new /search (or /quote) sent `concurrency` at a
time, then off, and the count is read from the dump. Everything the bot process does is
counted: discord.py, aiohttp, the loop, our code, the database thread. Under callgrind the
bot runs some 50 times slower, so what depends on wall time counts differently from a real
run: the turn gate admits fewer interactions per pass, and the usage log writes smaller
batches. Needs valgrind (Debian's package); prints thousands of instructions per interaction.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.e2e_bench import bot_on, closed_loop, command_for, search_queries, standin

WARMUP = 100
KINDS = ("quote", "bluebook")


async def count(
    kind: str, interactions: int, concurrency: int, work: Path, *, warmup: int = WARMUP
) -> float:
    """Thousands of instructions per interaction of bot `kind` (see the module doc)."""
    out = work / f"callgrind.{kind}"
    prefix = ("valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}")
    async with standin() as server, bot_on(server, work, kind, prefix=prefix) as child:
        dispatch = command_for(kind, search_queries())(server)
        await closed_loop(dispatch, concurrency=min(concurrency, 10), total=warmup)
        _control("-i", "on", child.pid)
        await closed_loop(dispatch, concurrency=concurrency, total=interactions)
        _control("-i", "off", child.pid)
        _control("-d", None, child.pid)
    total = 0
    for dump in work.glob(f"callgrind.{kind}*"):
        found = re.search(r"^totals:\s*(\d+)", dump.read_text(errors="replace"), re.MULTILINE)
        total += int(found.group(1)) if found else 0
    if total == 0:
        raise RuntimeError("callgrind counted nothing")
    return total / interactions / 1000


def _control(option: str, value: str | None, pid: int) -> None:
    args = ["callgrind_control", option, *([value] if value else []), str(pid)]
    subprocess.run(args, check=True, capture_output=True)


async def measure(interactions: int, concurrency: int, *, warmup: int = WARMUP) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in KINDS:
            work = Path(tmp) / kind
            work.mkdir()
            figures[kind] = await count(kind, interactions, concurrency, work, warmup=warmup)
    figures["ratio"] = figures["bluebook"] / figures["quote"]
    return figures


def main(argv: list[str]) -> None:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    interactions = int(argv[0]) if argv else 500
    concurrency = int(argv[1]) if len(argv) > 1 else 10
    figures = asyncio.run(measure(interactions, concurrency))
    print(f"| bot | thousand instructions per interaction ({concurrency} concurrent) |")
    print("|---|---|")
    print(f"| quote floor | {figures['quote']:.1f} |")
    print(f"| ours (/search, new queries) | {figures['bluebook']:.1f} |")
    print(f"| ours against quote | {figures['ratio']:.3f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
