"""One exchange with a user, timed from arrival to the end of our answer's send. No discord.

The interaction path (bot/interactions/path.py) opens an `Exchange` for every interaction and
chat message it admits, keeps it in the interaction's `extras` and as the running callback's
`current_exchange()`, lets the callback say what it found, and closes it once the answer has
been sent, or has failed to send, or timed out: the usage event then carries the time from
arrival to the end of the last send (`answered`) and the real outcome.
"""

from __future__ import annotations

import contextvars
import time
from typing import Any

from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog

# Enum members read on every exchange, looked up once (through the enum's class each read
# is a call to its metaclass).
_OK, _NO_RESULT, _REFUSED = Outcome.OK, Outcome.NO_RESULT, Outcome.REFUSED
_KEYWORD = EventKind.KEYWORD
# Where the path keeps an interaction's exchange in `Interaction.extras` (a dict discord.py
# leaves to us).
EXTRAS_KEY = "bluebook_exchange"
_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "bluebook_exchange", default=None
)


class Exchange:
    """What one interaction (or one chat message's lookups) asked, found and how it ended.

    An interaction logs one event. A chat message logs one event per lookup it answered
    (`lookup()`), none when it triggered nothing.
    """

    __slots__ = (
        "_closed",
        "_ended",
        "channel_id",
        "command",
        "error_class",
        "guild_id",
        "kind",
        "lookups",
        "outcome",
        "pack_key",
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
        self.pack_key: str | None = None
        self.result_count: int | None = None
        self.outcome = _OK
        self.error_class: str | None = None
        self.started = time.perf_counter() if started is None else started
        self.lookups: list[tuple[str, str | None, int | None, str | None]] | None = None
        self._closed = False
        self._ended: float | None = None

    def result(self, top_ref: str | None, count: int, pack_key: str | None = None) -> None:
        """What the answer shows: its top reference, how many results, and the pack quoted."""
        self.top_ref = top_ref
        if pack_key is not None:
            self.pack_key = pack_key
        self.result_count = count
        if count == 0 and self.outcome is _OK:
            self.outcome = _NO_RESULT

    def refused(self) -> None:
        """The request named what the library does not hold (an edition) or asked what
        cannot be answered (a quote too short to check): answered with an error, and not
        counted among the queries that found nothing."""
        self.result_count = None
        self.outcome = Outcome.REFUSED

    def lookup(
        self, query: str, top_ref: str | None, count: int | None, pack_key: str | None = None
    ) -> None:
        """One lookup of a chat message (each is its own usage event), in the pack it read;
        `count` None for a lookup refused as `refused` says (an edition not held)."""
        if self.lookups is None:
            self.lookups = []
        self.lookups.append((query, top_ref, count, pack_key))

    def failed(self, outcome: Outcome, error: BaseException | str) -> None:
        """The exchange ended badly: the send failed or timed out, or our code raised."""
        self.outcome = outcome
        self.error_class = error if isinstance(error, str) else type(error).__name__

    def answered(self) -> None:
        """A send of the answer has just finished: the exchange's time runs to here."""
        self._ended = time.perf_counter()

    def discard(self) -> None:
        """Close without logging: the interaction was refused before its callback ran."""
        self._closed = True

    def close(self, *, now: float | None = None) -> None:
        """Log the usage event(s), timed to the last send (else to now); later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self.usage is None:
            return
        if now is None:
            now = self._ended if self._ended is not None else time.perf_counter()
        latency_ms = (now - self.started) * 1000
        if self.lookups is None:
            if self.kind is _KEYWORD:
                return  # chat that triggered nothing is never logged
            event = self._event(
                self.query, self.top_ref, self.result_count, self.pack_key, latency_ms
            )
            self.usage.log(event)
            return
        for query, top_ref, count, pack_key in self.lookups:
            self.usage.log(self._event(query, top_ref, count, pack_key, latency_ms))

    def _event(
        self,
        query: str | None,
        top_ref: str | None,
        count: int | None,
        pack_key: str | None,
        latency_ms: float,
    ) -> UsageEvent:
        outcome = self.outcome
        if outcome is _OK and count == 0:
            outcome = _NO_RESULT
        elif outcome is _OK and count is None and self.lookups is not None:
            outcome = _REFUSED
        # By position, in UsageEvent's field order: kind, command, guild, channel, user, query,
        # top_ref, result_count, latency_ms, outcome, error_class, pack_key.
        return UsageEvent(
            self.kind,
            self.command,
            self.guild_id,
            self.channel_id,
            self.user_id,
            query,
            top_ref,
            count,
            latency_ms,
            outcome,
            self.error_class,
            pack_key,
        )


def exchange_of(interaction: Any) -> Exchange | None:
    """The exchange the path opened for a discord.py Interaction, if any."""
    found: Exchange | None = interaction.extras.get(EXTRAS_KEY)
    return found


def current_exchange() -> Exchange:
    """The exchange the running callback belongs to (a detached one outside the path)."""
    found = _current.get()
    if found is None:
        return Exchange(
            None, kind=EventKind.SLASH, command=None, guild_id=None, channel_id=None, user_id=None
        )
    return found


def set_current(exchange: Exchange | None) -> contextvars.Token[Exchange | None]:
    """Make `exchange` the running callback's (the path calls this, nothing else)."""
    return _current.set(exchange)


def reset_current(token: contextvars.Token[Exchange | None]) -> None:
    """Undo `set_current` once the callback has returned."""
    _current.reset(token)
