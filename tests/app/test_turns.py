"""TurnGate: a burst starts its work over several loop passes, in arrival order, losing none."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from bot.interactions.turns import TurnGate


class PassCounter:
    """Counts passes of the event loop: a callback that re-schedules itself each pass."""

    def __init__(self) -> None:
        self.passes = 0
        self._running = True

    def start(self) -> None:
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        if self._running:
            self.passes += 1
            asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._running = False


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def taker(gate: TurnGate, into: list[int]) -> Callable[[int], Awaitable[None]]:
    """A task body that takes its turn, then records its number."""

    async def one(i: int) -> None:
        await gate.turn()
        into.append(i)

    return one


async def burst(
    gate: TurnGate,
    count: int,
    work_s: float,
    order: list[int],
    passes: list[int],
    counter: PassCounter,
) -> None:
    async def one(i: int) -> None:
        await gate.turn()
        order.append(i)
        passes.append(counter.passes)
        busy(work_s)

    await asyncio.gather(*(one(i) for i in range(count)))


async def test_a_burst_is_spread_over_passes_in_arrival_order() -> None:
    gate = TurnGate(slice_s=0.002)
    counter = PassCounter()
    counter.start()
    order: list[int] = []
    passes: list[int] = []
    await burst(gate, 60, 0.0005, order, passes, counter)
    counter.stop()
    assert order == list(range(60))
    per_pass: dict[int, int] = {}
    for p in passes:
        per_pass[p] = per_pass.get(p, 0) + 1
    # 0.5 ms of work each against a 2 ms slice: a few a pass, never all in one.
    assert len(per_pass) >= 10
    assert max(per_pass.values()) <= 8


async def test_after_a_full_pass_thin_passes_take_more_each_time() -> None:
    """Once a queue has formed, a pass admits only those woken. When the woken ones leave
    the slice mostly unused, the next pass wakes twice as many: a queue of quick interactions
    drains in a few passes, not one pass each (each pass costs the loop a turn and each
    waiter a wake-up: about 45 µs of CPU per /search at 50 concurrent, bench/README.md)."""
    gate = TurnGate(slice_s=0.02)
    counter = PassCounter()
    counter.start()
    order: list[int] = []
    passes: list[int] = []

    async def one(i: int) -> None:
        await gate.turn()
        order.append(i)
        passes.append(counter.passes)
        busy(0.03 if i == 0 else 0.0)  # the first uses the whole slice: the rest queue

    await asyncio.gather(*(one(i) for i in range(64)))
    counter.stop()
    assert order == list(range(64))
    per_pass: dict[int, int] = {}
    for p in passes:
        per_pass[p] = per_pass.get(p, 0) + 1
    counts = list(per_pass.values())
    # 1 (the full pass), then 1, 2, 4, 8, 16, 32: seven passes, where one waiter a pass
    # would take 64.
    assert counts[:3] == [1, 1, 2]
    assert len(counts) <= 8


async def test_without_a_gate_the_same_burst_runs_in_one_pass() -> None:
    """The control: what the gate prevents (so the test above can fail)."""
    counter = PassCounter()
    counter.start()
    seen: list[int] = []

    async def one() -> None:
        await asyncio.sleep(0)
        seen.append(counter.passes)
        busy(0.0005)

    await asyncio.gather(*(one() for _ in range(60)))
    counter.stop()
    assert len(set(seen)) == 1


async def test_the_loop_runs_between_slices() -> None:
    gate = TurnGate(slice_s=0.002)
    order: list[int] = []
    seen_by_ticker: list[int] = []

    async def ticker() -> None:
        """Not gated: records how far the burst was each time it got to run."""
        while len(order) < 100:
            seen_by_ticker.append(len(order))
            await asyncio.sleep(0)

    tick = asyncio.create_task(ticker())
    await burst(gate, 100, 0.001, order, [], PassCounter())
    await tick
    # 1 ms of work each against 2 ms slices: the ticker ran between many small groups, where
    # without a gate it would see the burst only before and after (see the control above).
    during = {n for n in seen_by_ticker if 0 < n < 100}
    assert len(during) >= 20
    assert order == list(range(100))


async def test_a_single_caller_never_waits() -> None:
    gate = TurnGate()
    for _ in range(5):
        await asyncio.wait_for(gate.turn(), timeout=1)
        await asyncio.sleep(0)
    assert gate.waiting == 0


async def test_cancelled_waiters_do_not_block_the_rest() -> None:
    gate = TurnGate(slice_s=0.0)  # one at a time: everyone after the first waits
    done: list[int] = []
    one = taker(gate, done)

    tasks = [asyncio.create_task(one(i)) for i in range(10)]
    await asyncio.sleep(0)  # all have called turn(); 0 went through, the rest wait
    for i in (2, 3, 7):
        tasks[i].cancel()
    results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=2)
    assert done == [0, 1, 4, 5, 6, 8, 9]
    assert sum(isinstance(r, asyncio.CancelledError) for r in results) == 3
    assert gate.waiting == 0


async def test_a_waiter_cancelled_after_its_turn_came_hands_it_on() -> None:
    gate = TurnGate(slice_s=0.0)
    done: list[int] = []
    one = taker(gate, done)

    first = asyncio.create_task(one(0))
    second = asyncio.create_task(one(1))
    third = asyncio.create_task(one(2))
    await asyncio.sleep(0)  # 0 is through; 1 and 2 wait; the slice ends next pass
    # Scheduled after the slice's end, which hands the turn to 1: cancel 1 before it runs.
    asyncio.get_running_loop().call_soon(second.cancel)
    await asyncio.wait_for(asyncio.gather(first, third), timeout=2)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert done == [0, 2]
    assert gate.waiting == 0


async def test_late_arrivals_queue_behind_those_waiting() -> None:
    gate = TurnGate(slice_s=0.0)
    order: list[int] = []
    one = taker(gate, order)

    tasks = [asyncio.create_task(one(i)) for i in range(20)]
    for k in range(20):  # one more arrives every pass while the first twenty wait
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(one(20 + k)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)
    assert order == list(range(40))


@pytest.mark.parametrize("seed", range(20))
async def test_random_arrivals_and_cancellations_strand_nobody(seed: int) -> None:
    import random

    rng = random.Random(seed)
    gate = TurnGate(slice_s=rng.choice([0.0, 0.0005, 0.002]))
    finished: list[int] = []

    async def one(i: int) -> None:
        await gate.turn()
        finished.append(i)
        busy(rng.random() * 0.0005)

    tasks: list[asyncio.Task[None]] = []
    cancelled: set[int] = set()
    for i in range(60):
        tasks.append(asyncio.create_task(one(i)))
        if rng.random() < 0.3:
            await asyncio.sleep(0)
        if rng.random() < 0.15:
            victim = rng.randrange(len(tasks))
            if not tasks[victim].done():
                tasks[victim].cancel()
                cancelled.add(victim)
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=5)
    assert set(finished) | cancelled >= set(range(60))
    assert gate.waiting == 0
