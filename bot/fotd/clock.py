"""Injectable clock, so scheduling code and its tests never read the wall clock directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


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
