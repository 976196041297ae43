"""Time limits on calls to Discord, watched by one timer per event loop for all of them.

`asyncio.timeout` puts a timer of its own on the loop's heap for each limit and takes it off
on the way out, and the heap is kept in order by comparisons written in Python: every answer
paid that once or twice (bench/README.md has the cost). A `Limit` here is an entry in a dict
instead, and one timer per loop is set for the earliest limit open when it was set (moved
sooner only for a limit that ends sooner still). When it fires it cancels the task of each
limit that has passed, as `asyncio.timeout` would, and is set again for the earliest left;
a limit's `async with` turns that cancellation into TimeoutError the same way. Nearly all
limits are left before they pass, and a new limit almost never ends sooner than those
already open, so the timer is seldom set and fires seldom.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

_OPEN, _EXPIRING, _EXPIRED, _EXITED = range(4)


class _Watch:
    """The open limits of one event loop, and the one timer that checks them. Kept on the loop
    itself (`_watch_of`), so a loop and its watch are freed together."""

    __slots__ = ("_due", "_timer")

    def __init__(self) -> None:
        self._due: dict[Limit, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def add(self, limit: Limit, loop: asyncio.AbstractEventLoop, when: float) -> None:
        self._due[limit] = when
        timer = self._timer
        if timer is None or when < timer.when():
            if timer is not None:
                timer.cancel()
            self._timer = loop.call_at(when, self._fire, loop)

    def discard(self, limit: Limit) -> None:
        self._due.pop(limit, None)

    def _fire(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        now = loop.time()
        expired = [limit for limit, when in self._due.items() if when <= now]
        for limit in expired:
            del self._due[limit]
            limit.expire()
        if self._due:
            self._timer = loop.call_at(min(self._due.values()), self._fire, loop)


# The attribute of an event loop its watch is kept in (asyncio's loops take attributes).
_ATTRIBUTE = "_bluebook_limits"


def _watch_of(loop: asyncio.AbstractEventLoop) -> _Watch:
    watch: _Watch | None = getattr(loop, _ATTRIBUTE, None)
    if watch is None:
        watch = _Watch()
        setattr(loop, _ATTRIBUTE, watch)
    return watch


class Limit:
    """`async with Limit(after_s)`: the body is cancelled once `after_s` seconds have passed
    (None: never), and the limit raises TimeoutError in its place, as `asyncio.timeout(after_s)`
    does; `expired()` tells that limit's TimeoutError from any other. One use per Limit."""

    __slots__ = ("_after_s", "_cancelling", "_state", "_task", "_watch")

    def __init__(self, after_s: float | None) -> None:
        self._after_s = after_s
        self._state = _OPEN
        self._task: asyncio.Task[object] | None = None
        self._watch: _Watch | None = None
        self._cancelling = 0

    def expired(self) -> bool:
        return self._state == _EXPIRING or self._state == _EXPIRED

    async def __aenter__(self) -> Limit:
        if self._state != _OPEN or self._task is not None:
            raise RuntimeError("a Limit is entered once")
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("Limit must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        if self._after_s is not None:
            loop = asyncio.get_running_loop()
            self._watch = _watch_of(loop)
            self._watch.add(self, loop, loop.time() + self._after_s)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._close(kind):
            raise TimeoutError from exc

    def _close(self, kind: type[BaseException] | None) -> bool:
        """Leave the limit; True if its own cancellation ended the body (then a TimeoutError
        is raised in the body's place)."""
        if self._watch is not None:
            self._watch.discard(self)
        if self._state != _EXPIRING:
            self._state = _EXITED
            return False
        self._state = _EXPIRED
        assert self._task is not None
        # Only if no other cancellation is pending was this one ours alone.
        return self._task.uncancel() <= self._cancelling and kind is asyncio.CancelledError

    def expire(self) -> None:
        """Cancel the body now (the watch calls this once the limit has passed)."""
        if self._state == _OPEN and self._task is not None:
            self._state = _EXPIRING
            self._task.cancel()
