"""`deadline`: a limit on one call to Discord, which raises ReplyTimeout when it is reached,
whoever turns the cancellation into a TimeoutError, and lets every other error through."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from bot.interactions.sending import ReplyTimeout, deadline

LIMIT_S = 0.05


def _bot() -> SimpleNamespace:
    return SimpleNamespace(options=SimpleNamespace(reply_timeout_s=LIMIT_S))


async def test_a_call_within_the_limit_ends_normally() -> None:
    async with deadline(_bot()):
        await asyncio.sleep(0)


async def test_a_call_past_the_limit_raises_reply_timeout() -> None:
    with pytest.raises(ReplyTimeout) as raised:
        async with deadline(_bot()):
            await asyncio.sleep(LIMIT_S * 20)
    assert raised.value.after_s == LIMIT_S


async def test_a_cancellation_turned_into_a_timeout_error_inside_is_the_limit_too() -> None:
    """aiohttp turns a cancelled read into its own TimeoutError: still our limit."""
    with pytest.raises(ReplyTimeout):
        async with deadline(_bot()):
            try:
                await asyncio.sleep(LIMIT_S * 20)
            except asyncio.CancelledError:
                raise TimeoutError("the read was cancelled") from None


async def test_a_timeout_error_of_its_own_before_the_limit_passes_through() -> None:
    with pytest.raises(TimeoutError) as raised:
        async with deadline(_bot()):
            raise TimeoutError("another timer")
    assert not isinstance(raised.value, ReplyTimeout)


async def test_an_outside_cancellation_passes_through() -> None:
    started = asyncio.Event()

    async def call() -> None:
        async with deadline(_bot()):
            started.set()
            await asyncio.sleep(LIMIT_S * 20)

    task = asyncio.create_task(call())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
