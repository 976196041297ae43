"""`Limit`: `asyncio.timeout`'s behaviour, with one timer per loop for every open limit."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from bot.interactions import limits
from bot.interactions.limits import Limit


async def test_a_body_past_its_limit_is_cancelled_and_raises_timeout_error() -> None:
    limit = Limit(0.01)
    with pytest.raises(TimeoutError):
        async with limit:
            await asyncio.sleep(1)
    assert limit.expired()


async def test_a_body_within_its_limit_ends_normally() -> None:
    limit = Limit(1)
    async with limit:
        await asyncio.sleep(0)
    assert not limit.expired()


async def test_no_limit_never_expires() -> None:
    limit = Limit(None)
    async with limit:
        await asyncio.sleep(0.05)
    assert not limit.expired()


async def test_it_never_ends_before_its_limit() -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(TimeoutError):
        async with Limit(0.05):
            await asyncio.sleep(1)
    assert loop.time() - started >= 0.05


async def test_a_limit_sooner_than_those_open_is_kept_too() -> None:
    """The one timer is set for the earliest limit: a new, sooner one moves it."""
    async with Limit(30):
        with pytest.raises(TimeoutError):
            async with Limit(0.01):
                await asyncio.sleep(1)  # without the move, this would end first


async def test_an_inner_limit_expiring_leaves_the_outer_one_running() -> None:
    outer = Limit(1)
    async with outer:
        with pytest.raises(TimeoutError):
            async with Limit(0.01):
                await asyncio.sleep(1)
        await asyncio.sleep(0)
    assert not outer.expired()


async def test_an_outside_cancellation_passes_through_as_cancellation() -> None:
    started = asyncio.Event()
    limit = Limit(1)

    async def body() -> None:
        async with limit:
            started.set()
            await asyncio.sleep(1)

    task = asyncio.create_task(body())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not limit.expired()


async def test_a_cancellation_turned_into_another_error_is_still_marked_expired() -> None:
    limit = Limit(0.01)
    with pytest.raises(TimeoutError, match="of its own"):
        async with limit:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                raise TimeoutError("of its own") from None
    assert limit.expired()


async def test_the_task_is_not_left_cancelling() -> None:
    with pytest.raises(TimeoutError):
        async with Limit(0.01):
            await asyncio.sleep(1)
    task = asyncio.current_task()
    assert task is not None and task.cancelling() == 0
    await asyncio.sleep(0)  # a later await is not cancelled


async def test_many_open_limits_share_one_timer_that_stops_when_none_is_open() -> None:
    loop = asyncio.get_running_loop()
    watch = limits._watch_of(loop)
    timers: set[object] = set()

    async def one(after_s: float) -> None:
        async with Limit(after_s):
            timers.add(watch._timer)
            await asyncio.sleep(0)

    await asyncio.gather(*(one(5 + i / 1000) for i in range(100)))
    [timer] = timers
    assert isinstance(timer, asyncio.TimerHandle)
    assert watch._due == {}
    # When it fires with none open, it is not set again.
    watch._fire(loop)
    assert watch._timer is None


async def test_a_limit_is_entered_once() -> None:
    limit = Limit(1)
    async with limit:
        pass
    with pytest.raises(RuntimeError):
        async with limit:
            pass


def test_a_loop_that_used_limits_is_freed_with_its_watch() -> None:
    async def body() -> None:
        async with Limit(5):  # its timer is still set when the loop closes
            await asyncio.sleep(0)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(body())
    loop.close()
    gone = weakref.ref(loop)
    del loop
    gc.collect()
    assert gone() is None
