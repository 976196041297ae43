"""Noise limits, driven by a fake clock."""

from bot.lookups.limits import (
    CHANNEL_PASSIVE_LIMIT,
    EXPLICIT_LIMIT,
    TERM_COOLDOWN_SECONDS,
    USER_PASSIVE_LIMIT,
    ExplicitLimiter,
    PassiveLimiter,
    SlidingWindow,
)


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


GUILD, CHANNEL, OTHER_CHANNEL = 1, 10, 11


def test_defaults_are_the_documented_ones() -> None:
    assert TERM_COOLDOWN_SECONDS == 600
    assert (USER_PASSIVE_LIMIT, CHANNEL_PASSIVE_LIMIT, EXPLICIT_LIMIT) == (3, 5, 10)


def test_term_cooldown_per_channel() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock)
    assert limiter.allow(GUILD, CHANNEL, 100, "GCAP")
    assert not limiter.allow(GUILD, CHANNEL, 200, "GCAP")
    assert not limiter.allow(GUILD, CHANNEL, 200, "gcap")
    assert limiter.allow(GUILD, OTHER_CHANNEL, 200, "GCAP")
    assert limiter.allow(GUILD, CHANNEL, 200, "NSS")


def test_term_cooldown_ends() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock)
    assert limiter.allow(GUILD, CHANNEL, 100, "GCAP")
    clock.advance(TERM_COOLDOWN_SECONDS - 1)
    assert not limiter.allow(GUILD, CHANNEL, 100, "GCAP")
    clock.advance(1)
    assert limiter.allow(GUILD, CHANNEL, 100, "GCAP")


def test_same_channel_id_in_another_guild_is_separate() -> None:
    limiter = PassiveLimiter(FakeClock())
    assert limiter.allow(1, CHANNEL, 100, "GCAP")
    assert limiter.allow(2, CHANNEL, 100, "GCAP")


def test_per_user_rate() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock, user_limit=3, user_window=60)
    for i in range(3):
        assert limiter.allow(GUILD, 20 + i, 100, "GCAP")
    assert not limiter.allow(GUILD, 30, 100, "GCAP")
    assert limiter.allow(GUILD, 30, 200, "GCAP")
    clock.advance(60)
    assert limiter.allow(GUILD, 31, 100, "GCAP")


def test_per_channel_cap() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock, channel_limit=5, channel_window=60)
    for user in range(5):
        assert limiter.allow(GUILD, CHANNEL, user, f"term{user}")
    assert not limiter.allow(GUILD, CHANNEL, 99, "other")
    assert limiter.allow(GUILD, OTHER_CHANNEL, 99, "other")
    clock.advance(60)
    assert limiter.allow(GUILD, CHANNEL, 99, "other")


def test_refusal_is_not_counted() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock, user_limit=1, user_window=60)
    assert limiter.allow(GUILD, CHANNEL, 100, "GCAP")
    # Refused by the user limit: the term in the other channel must not start its cooldown.
    assert not limiter.allow(GUILD, OTHER_CHANNEL, 100, "NSS")
    assert limiter.allow(GUILD, OTHER_CHANNEL, 200, "NSS")


def test_memory_is_pruned_as_time_passes() -> None:
    clock = FakeClock()
    limiter = PassiveLimiter(clock)
    for channel in range(1000):
        clock.advance(1)
        limiter.allow(GUILD, channel, channel, "GCAP")
    clock.advance(TERM_COOLDOWN_SECONDS)
    limiter.allow(GUILD, CHANNEL, 1, "NSS")
    assert len(limiter.terms) == 1
    assert len(limiter.users) == 1
    assert len(limiter.channels) == 1


def test_tracked_keys_are_capped() -> None:
    window = SlidingWindow(1, 60, max_keys=3)
    for key in range(5):
        window.record(key, 0.0)
    assert len(window) == 3
    assert window.allows(0, 0.0)  # the oldest was forgotten
    assert not window.allows(4, 0.0)


def test_sliding_window_counts_recent_events_only() -> None:
    window = SlidingWindow(2, 10)
    window.record("k", 0.0)
    window.record("k", 5.0)
    assert not window.allows("k", 9.0)
    assert window.allows("k", 10.0)


def test_explicit_flood_guard() -> None:
    clock = FakeClock()
    limiter = ExplicitLimiter(clock, limit=10, window=30)
    assert all(limiter.allow(100) for _ in range(10))
    assert not limiter.allow(100)
    assert limiter.allow(200)
    clock.advance(30)
    assert limiter.allow(100)


def test_explicit_guard_memory_is_pruned() -> None:
    clock = FakeClock()
    limiter = ExplicitLimiter(clock)
    for user in range(100):
        limiter.allow(user)
    clock.advance(30)
    limiter.allow(1)
    assert len(limiter.users) == 1
