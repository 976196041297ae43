"""One exchange with a user, timed from arrival to the end of our answer's send. No discord.

The interaction path (bot/exchange.py) opens an `Exchange` for every interaction and chat
message it admits, lets the callback say what it found, and closes it once the answer has
been sent, or has failed to send, or timed out: the usage event then carries the whole time
and the real outcome.
"""

from __future__ import annotations

import time

from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog


class Exchange:
    """What one interaction (or one chat message's lookups) asked, found and how it ended.

    An interaction logs one event. A chat message logs one event per lookup it answered
    (`lookup()`), none when it triggered nothing.
    """

    __slots__ = (
        "_closed",
        "channel_id",
        "command",
        "error_class",
        "guild_id",
        "kind",
        "lookups",
        "outcome",
        "pack",
        "query",
        "result_count",
        "started",
        "top_ref",
        "usage",
        "user_id",
    )

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
        started: float | None = None,
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
        self.error_class: str | None = None
        self.started = time.perf_counter() if started is None else started
        self.lookups: list[tuple[str, str | None, int, str | None]] | None = None
        self._closed = False

    def result(self, top_ref: str | None, count: int, pack: str | None = None) -> None:
        """What the answer shows: its top reference, how many results, and the pack quoted."""
        self.top_ref = top_ref
        if pack is not None:
            self.pack = pack
        self.result_count = count
        if count == 0 and self.outcome is Outcome.OK:
            self.outcome = Outcome.NO_RESULT

    def lookup(self, query: str, top_ref: str | None, count: int, pack: str | None = None) -> None:
        """One lookup of a chat message (each is its own usage event), in the pack it read."""
        if self.lookups is None:
            self.lookups = []
        self.lookups.append((query, top_ref, count, pack))

    def failed(self, outcome: Outcome, error: BaseException | str) -> None:
        """The exchange ended badly: the send failed or timed out, or our code raised."""
        self.outcome = outcome
        self.error_class = error if isinstance(error, str) else type(error).__name__

    def close(self, *, now: float | None = None) -> None:
        """Log the usage event(s); later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self.usage is None:
            return
        latency_ms = ((time.perf_counter() if now is None else now) - self.started) * 1000
        if self.lookups is None:
            if self.kind is EventKind.KEYWORD:
                return  # chat that triggered nothing is never logged
            event = self._event(self.query, self.top_ref, self.result_count, self.pack, latency_ms)
            self.usage.log(event)
            return
        for query, top_ref, count, pack in self.lookups:
            self.usage.log(self._event(query, top_ref, count, pack, latency_ms))

    def _event(
        self,
        query: str | None,
        top_ref: str | None,
        count: int | None,
        pack: str | None,
        latency_ms: float,
    ) -> UsageEvent:
        outcome = self.outcome
        if outcome is Outcome.OK and count == 0:
            outcome = Outcome.NO_RESULT
        return UsageEvent(
            kind=self.kind,
            command=self.command,
            guild_id=self.guild_id,
            channel_id=self.channel_id,
            user_id=self.user_id,
            query=query,
            top_ref=top_ref,
            result_count=count,
            latency_ms=latency_ms,
            outcome=outcome,
            error_class=self.error_class,
            pack=pack,
        )
