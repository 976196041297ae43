"""bench/loop_passes.py names the code that held the loop in its longest pass."""

from __future__ import annotations

import asyncio
import time

from bench.loop_passes import LoopPasses


def test_the_longest_pass_names_the_code_that_held_the_loop() -> None:
    async def quick() -> None:
        for _ in range(20):
            await asyncio.sleep(0)

    async def holds_the_loop() -> None:
        await asyncio.sleep(0)
        time.sleep(0.05)  # a stall: nothing else can run meanwhile

    async def main() -> None:
        await asyncio.gather(quick(), holds_the_loop(), quick())

    passes = LoopPasses()
    real = asyncio.events.Handle._run
    passes.install()
    try:
        asyncio.run(main())
    finally:
        passes.uninstall()
    assert asyncio.events.Handle._run is real
    worst = passes.report()
    assert worst["top"][0]["code"].endswith("holds_the_loop")
    top = worst["top"][0]
    assert round(worst["by_owner_ms"][top["owner"]], 2) >= top["ms"] > 0
