"""Timing one request and logging its usage event, whatever happens. No discord import."""

from __future__ import annotations

import time
from types import TracebackType

from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog


class Tracker:
    """Context manager: times the block and logs one event when it ends, also on error."""

    def __init__(
        self,
        usage: UsageLog | None,
        *,
        kind: EventKind,
        command: str | None,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int | None,
        query: str | None = None,
    ) -> None:
        self.usage = usage
        self.kind = kind
        self.command = command
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.user_id = user_id
        self.query = query
        self.top_ref: str | None = None
        self.pack: str | None = None
        self.result_count: int | None = None
        self.outcome = Outcome.OK
        self._start = time.perf_counter()

    def result(self, top_ref: str | None, count: int, pack: str | None = None) -> None:
        self.top_ref = top_ref
        if pack is not None:
            self.pack = pack
        self.result_count = count
        if count == 0:
            self.outcome = Outcome.NO_RESULT

    def __enter__(self) -> Tracker:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.usage is None:
            return
        self.usage.log(
            UsageEvent(
                kind=self.kind,
                command=self.command,
                guild_id=self.guild_id,
                channel_id=self.channel_id,
                user_id=self.user_id,
                query=self.query,
                top_ref=self.top_ref,
                result_count=self.result_count,
                latency_ms=(time.perf_counter() - self._start) * 1000,
                outcome=Outcome.ERROR if exc_type else self.outcome,
                error_class=exc_type.__name__ if exc_type else None,
                pack=self.pack,
            )
        )
