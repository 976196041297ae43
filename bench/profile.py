"""Profile a bot process under load: `python -m bench.profile [bluebook|pong|quote] [conc] [total] [out]`.

The bot runs in its own process under cProfile (see PROFILE_ENV in e2e_bench); this prints the
functions with the most time of their own, then the most time including callees.
"""

from __future__ import annotations

import asyncio
import os
import pstats
import sys
import tempfile
from pathlib import Path

from bench.e2e_bench import PROFILE_ENV, bot_on, closed_loop, command_for, search_queries, standin


async def _load(kind: str, concurrency: int, total: int, workdir: Path) -> None:
    async with standin() as server, bot_on(server, workdir, kind) as _child:
        dispatch = command_for(kind, search_queries())(server)
        await closed_loop(dispatch, concurrency=10, total=100)
        await closed_loop(dispatch, concurrency=concurrency, total=total)


def main(argv: list[str]) -> None:
    kind = argv[0] if argv else "bluebook"
    concurrency = int(argv[1]) if len(argv) > 1 else 50
    total = int(argv[2]) if len(argv) > 2 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        prefix = str(Path(tmp) / "bot")
        os.environ[PROFILE_ENV] = prefix
        asyncio.run(_load(kind, concurrency, total, Path(tmp)))
        stats = pstats.Stats(f"{prefix}.{kind}.prof")
        if len(argv) > 3:  # keep the raw profile, e.g. to compare two bots with pstats
            stats.dump_stats(argv[3])
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main(sys.argv[1:])
