"""Throughput and event-loop stall of the usage log writer (run by `make bench`)."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.storage.db import open_database
from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog

TICK_S = 0.001
# Small producer bursts, so the stall measured is the writer's, not the benchmark's own.
PRODUCER_BURST = 100


async def _ticker(stop: asyncio.Event, worst: list[float]) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        start = loop.time()
        await asyncio.sleep(TICK_S)
        worst[0] = max(worst[0], loop.time() - start - TICK_S)


def _event(i: int) -> UsageEvent:
    return UsageEvent(
        kind=EventKind.SLASH if i % 4 else EventKind.AUTOCOMPLETE,
        command="bluebook",
        guild_id=100_000_000_000_000_000 + i % 50,
        channel_id=200_000_000_000_000_000 + i % 500,
        user_id=300_000_000_000_000_000 + i % 5_000,
        query=f"precedence of ambassadors {i % 300}",
        top_ref=f"3.{i % 12}.{i % 7}",
        result_count=i % 6,
        latency_ms=1.0 + i % 40,
        outcome=Outcome.OK if i % 6 else Outcome.NO_RESULT,
    )


async def run_usage_benchmark(n: int = 100_000, *, path: Path | None = None) -> dict[str, Any]:
    """Write `n` events through UsageLog; report events/s and the longest loop stall."""
    with tempfile.TemporaryDirectory(prefix="bluebook-bench-") as tmp:
        db = await open_database(path or Path(tmp) / "bench.db")
        usage = UsageLog(db)
        stop = asyncio.Event()
        worst = [0.0]
        ticker = asyncio.create_task(_ticker(stop, worst))
        try:
            await asyncio.sleep(0)
            started = time.perf_counter()
            usage.start()
            sent = 0
            while sent < n:
                # Wait for room rather than overflow: the benchmark measures writing, not drops.
                if usage.maxsize - usage.pending < PRODUCER_BURST:
                    await asyncio.sleep(TICK_S)
                    continue
                for i in range(sent, min(sent + PRODUCER_BURST, n)):
                    usage.log(_event(i))
                sent = min(sent + PRODUCER_BURST, n)
                await asyncio.sleep(0)
            await usage.close()
            elapsed = time.perf_counter() - started
        finally:
            stop.set()
            await ticker
            await db.close()
    return {
        "events": n,
        "written": usage.stats.written,
        "dropped": usage.stats.dropped,
        "seconds": round(elapsed, 3),
        "events_per_s": round(usage.stats.written / elapsed) if elapsed else None,
        "max_loop_stall_ms": round(worst[0] * 1000, 2),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run_usage_benchmark()), indent=2))
