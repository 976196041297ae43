"""Injectable clock, so scheduling code and its tests never read the wall clock directly.

The wall clock can jump: a bad NTP answer, an operator typo, a VM restored from a snapshot.
Acted on, a jump forward of three days posts the day three days ahead now and then nothing
for three days. `SteadyClock` (what the bot runs on) follows the wall clock while it moves
with elapsed time and, when it jumps, keeps counting elapsed time from before the jump
until the wall clock comes back or has kept its new reading for `ACCEPT_AFTER`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

log = logging.getLogger(__name__)

# A wall clock that moves this much more or less than elapsed time has jumped.
JUMP_TOLERANCE = timedelta(minutes=2)
# A jump that lasts this long is a correction (the clock was wrong before), not a glitch.
ACCEPT_AFTER = timedelta(hours=1)


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class WallClock:
    """The operating system's clock as it is, jumps included."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def elapsed_seconds() -> float:
    """Seconds since boot, suspend included (CLOCK_BOOTTIME): never steps with the wall."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.monotonic()


class SteadyClock:
    """The wall clock, with its jumps ignored until they prove to be a correction."""

    def __init__(
        self,
        wall: Clock,
        elapsed: Callable[[], float] = elapsed_seconds,
        *,
        tolerance: timedelta = JUMP_TOLERANCE,
        accept_after: timedelta = ACCEPT_AFTER,
    ) -> None:
        self._wall, self._elapsed = wall, elapsed
        self._tolerance, self._accept_after = tolerance, accept_after
        self._anchor_wall = wall.now()
        self._anchor_elapsed = elapsed()
        self._jumped_at: float | None = None  # elapsed seconds when the current jump began

    def now(self) -> datetime:
        wall, elapsed = self._wall.now(), self._elapsed()
        expected = self._anchor_wall + timedelta(seconds=elapsed - self._anchor_elapsed)
        skew = wall - expected
        if abs(skew) <= self._tolerance:
            if self._jumped_at is not None:
                log.warning("clock.jump_ended; the wall clock agrees with elapsed time again")
                self._jumped_at = None
            self._anchor_wall, self._anchor_elapsed = wall, elapsed  # follows slow drift
            return wall
        if self._jumped_at is None:
            self._jumped_at = elapsed
            log.warning(
                "clock.jump skew_s=%d; keeping elapsed time until the wall clock comes back"
                " or keeps its reading for %d s",
                skew.total_seconds(),
                self._accept_after.total_seconds(),
            )
        if elapsed - self._jumped_at >= self._accept_after.total_seconds():
            log.warning("clock.jump_accepted skew_s=%d", skew.total_seconds())
            self._jumped_at = None
            self._anchor_wall, self._anchor_elapsed = wall, elapsed
            return wall
        return expected


class SystemClock(SteadyClock):
    """The real clock the bot runs on: the wall clock without its jumps (see SteadyClock)."""

    def __init__(self) -> None:
        super().__init__(WallClock())


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = _as_utc(instant)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def _as_utc(instant: datetime) -> datetime:
    # A naive datetime would be silently read as local time somewhere downstream.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("FakeClock needs an aware datetime")
    return instant.astimezone(UTC)
