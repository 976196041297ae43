"""Interactions take turns on the event loop, so a burst cannot freeze the bot.

Without this, a burst of interactions read from the gateway in one go all start in the same
pass of the event loop, and each runs its search and builds its reply before the loop can do
anything else: heartbeats, timers and the usage writer wait until the last one is done (over
a second for a burst of 1,000). With a `TurnGate`, interactions start their work only while
the current pass has used less than a small time slice; the rest wait, in arrival order, for
the next pass. Throughput stays close to ungated: several interactions still share a pass.
"""

from __future__ import annotations

import asyncio
from collections import deque

# How long one pass of the event loop may spend starting interactions before the rest wait
# for the next pass. Short against the 50 ms stall budget; long against one interaction
# (about 0.5 ms), so a pass still does several. Measured with bench/e2e_bench.py's load and
# burst: 2 ms cost about 10-15% throughput at 50 concurrent; 5 ms let the longest stall
# reach 65 ms in one burst of four.
SLICE_S = 0.003


class TurnGate:
    """`await gate.turn()` returns when the caller may start its work (see the module doc)."""

    def __init__(self, slice_s: float = SLICE_S) -> None:
        self._slice_s = slice_s
        self._slice_start: float | None = None  # first admission of the open slice
        self._admitted = 0
        self._end_pending = False
        self._waiting: deque[asyncio.Future[None]] = deque()
        # Woken callers that found the slice used up go back to the front, in their order.
        self._requeued = 0
        # Callers whose turn has come but who have not run yet: newcomers wait behind them.
        self._woken = 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def turn(self) -> None:
        loop = asyncio.get_running_loop()
        woken = False
        while not self._admit(loop, woken=woken):
            ticket: asyncio.Future[None] = loop.create_future()
            if woken:
                self._waiting.insert(self._requeued, ticket)
                self._requeued += 1
            else:
                self._waiting.append(ticket)
            try:
                await ticket
            except asyncio.CancelledError:
                if ticket.done() and not ticket.cancelled():
                    self._woken -= 1
                    self._wake(1)  # our turn came but we were cancelled: hand it on
                raise
            self._woken -= 1
            woken = True

    def _admit(self, loop: asyncio.AbstractEventLoop, *, woken: bool) -> bool:
        if not woken and (self._waiting or self._woken):
            self._end_slice_soon(loop)  # those already waiting go first; make sure they wake
            return False
        now = loop.time()
        if self._slice_start is None:
            self._slice_start, self._admitted = now, 0
            self._end_slice_soon(loop)
        elif now - self._slice_start >= self._slice_s:
            return False
        self._admitted += 1
        return True

    def _end_slice_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        # Runs in the loop's next pass: callbacks scheduled now wait for this pass to end.
        if not self._end_pending:
            self._end_pending = True
            loop.call_soon(self._end_slice, loop)

    def _end_slice(self, loop: asyncio.AbstractEventLoop) -> None:
        # Wake as many as the slice took, so the next pass is about as full; twice as many if
        # it used less than half its time. While some wait, newcomers queue behind them, so a
        # pass admits only those woken: without this the count would never grow back after a
        # thin pass, and every interaction under steady load would wait a pass of its own.
        count = max(1, self._admitted)
        if self._slice_start is not None and loop.time() - self._slice_start < self._slice_s / 2:
            count *= 2
        self._end_pending = False
        self._slice_start, self._admitted, self._requeued = None, 0, 0
        self._wake(count)

    def _wake(self, count: int) -> None:
        while count and self._waiting:
            ticket = self._waiting.popleft()
            if not ticket.done():
                ticket.set_result(None)
                self._woken += 1
                count -= 1
