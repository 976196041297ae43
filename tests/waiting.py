"""Waiting in tests for something the bot does in the background."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

# Only a guard against a hang, never a timing assertion.
HANG_GUARD_S = 15.0


async def until(condition: Callable[[], object], what: str, timeout: float = HANG_GUARD_S) -> None:
    """Poll until `condition()` holds; fail naming `what` if it never does."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
