"""Noise limits for lookup replies, with an injectable clock so tests need no sleeping.

Every limit is a sliding window: at most `limit` events per key in the last `window`
seconds. Memory stays bounded: keys whose window has passed are dropped as time moves on,
and a hard cap on tracked keys evicts the least recently used (a long-running bot sees
many channels and users).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

Clock = Callable[[], float]

# The same term is explained at most once per channel in this many seconds (10 minutes):
# long enough that a conversation about GCAP gets one explanation, not one per message.
TERM_COOLDOWN_SECONDS = 600.0
# One user's messages trigger at most this many passive replies per window: someone who
# keeps naming terms is discussing them, not asking about them.
USER_PASSIVE_LIMIT = 3
USER_PASSIVE_WINDOW_SECONDS = 60.0
# A channel gets at most this many passive replies per window, whoever triggers them: a busy
# channel should still read as people talking, not as the bot.
CHANNEL_PASSIVE_LIMIT = 5
CHANNEL_PASSIVE_WINDOW_SECONDS = 60.0
# Explicit lookups are asked for, so the limit is loose: it only stops one user flooding
# the bot (a paste of many `[[...]]` messages, a script). 10 in 30 s is more than a person
# reading answers will ask.
EXPLICIT_LIMIT = 10
EXPLICIT_WINDOW_SECONDS = 30.0
# A channel where the bot may post but not embed is told so at most once in this many seconds
# (10 minutes): each lookup there fails the same way until someone fixes the permission.
EMBEDS_NOTE_COOLDOWN_SECONDS = 600.0
# Keys tracked per window before the least recently used is forgotten. Evicting a live key
# can only let one extra reply through; it never blocks one.
MAX_TRACKED_KEYS = 10_000


class SlidingWindow:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, limit: int, window: float, *, max_keys: int = MAX_TRACKED_KEYS) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        # Ordered by each key's latest event, oldest first, so expired keys sit at the front.
        self._events: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._events)

    def prune(self, now: float) -> None:
        """Forget keys whose latest event has left the window."""
        while self._events:
            key, events = next(iter(self._events.items()))
            if now - events[-1] < self.window:
                break
            del self._events[key]

    def allows(self, key: Hashable, now: float) -> bool:
        events = self._events.get(key)
        if events is None:
            return self.limit > 0
        while events and now - events[0] >= self.window:
            events.popleft()
        return len(events) < self.limit

    def record(self, key: Hashable, now: float) -> None:
        events = self._events.pop(key, None) or deque()
        events.append(now)
        self._events[key] = events
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)


class PassiveLimiter:
    """Decides whether a passively spotted term may be answered; records it when so."""

    def __init__(
        self,
        now: Clock = time.monotonic,
        *,
        term_cooldown: float = TERM_COOLDOWN_SECONDS,
        user_limit: int = USER_PASSIVE_LIMIT,
        user_window: float = USER_PASSIVE_WINDOW_SECONDS,
        channel_limit: int = CHANNEL_PASSIVE_LIMIT,
        channel_window: float = CHANNEL_PASSIVE_WINDOW_SECONDS,
        max_keys: int = MAX_TRACKED_KEYS,
    ) -> None:
        self._now = now
        self.terms = SlidingWindow(1, term_cooldown, max_keys=max_keys)
        self.users = SlidingWindow(user_limit, user_window, max_keys=max_keys)
        self.channels = SlidingWindow(channel_limit, channel_window, max_keys=max_keys)

    def allow(self, guild_id: int | None, channel_id: int, user_id: int, term: str) -> bool:
        """True when every limit allows a reply; only then is it counted against them."""
        now = self._now()
        windows = (self.terms, self.users, self.channels)
        for window in windows:
            window.prune(now)
        channel = (guild_id, channel_id)
        keys = ((*channel, term.casefold()), user_id, channel)
        if not all(w.allows(k, now) for w, k in zip(windows, keys, strict=True)):
            return False
        for window, key in zip(windows, keys, strict=True):
            window.record(key, now)
        return True


class ExplicitLimiter:
    """Per-user flood guard for explicit `[[...]]` and reference lookups."""

    def __init__(
        self,
        now: Clock = time.monotonic,
        *,
        limit: int = EXPLICIT_LIMIT,
        window: float = EXPLICIT_WINDOW_SECONDS,
        max_keys: int = MAX_TRACKED_KEYS,
    ) -> None:
        self._now = now
        self.users = SlidingWindow(limit, window, max_keys=max_keys)

    def allow(self, user_id: int) -> bool:
        """True when `user_id` may have another lookup answered now; records it when so."""
        now = self._now()
        self.users.prune(now)
        if not self.users.allows(user_id, now):
            return False
        self.users.record(user_id, now)
        return True
