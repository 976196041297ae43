"""A wall clock that jumps forward for ten minutes and back: no day silent, no day with two
posts, no false 'missed' rows. The service runs over a real database; the channel (Discord)
stamps messages with the true time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.fotd.clock import FakeClock, SteadyClock
from bot.fotd.rotation import FactRotation
from bot.fotd.service import FotdService, OnePack
from bot.fotd.store import FotdStore

from .fakes import CHANNEL, GUILD, Channels, FakeSender, utc

TOKYO = ZoneInfo("Asia/Tokyo")
SETUP = utc("2026-05-31 23:00")  # 08:00 in Tokyo; posts at 09:00 Tokyo = 00:00Z
DAYS = [date(2026, 6, d) for d in range(1, 9)]
JUMP_AT = utc("2026-06-02 03:00")  # noon in Tokyo on 2 June, after that day's post


class Jumpy:
    """The wall clock: the true time plus `offset` while a jump lasts."""

    def __init__(self, true: FakeClock) -> None:
        self.true, self.offset = true, timedelta(0)

    def now(self) -> datetime:
        return self.true.now() + self.offset


async def _run(
    service: FotdService,
    sender: FakeSender,
    true: FakeClock,
    wall: Jumpy,
    jump: timedelta,
    until: datetime,
) -> None:
    """Tick every ten minutes (every minute around the jump) until `until`, true time."""
    while true.now() < until:
        during = JUMP_AT <= true.now() < JUMP_AT + timedelta(minutes=10)
        wall.offset = jump if during else timedelta(0)
        await service.tick(sender)
        near = JUMP_AT - timedelta(minutes=10) <= true.now() < JUMP_AT + timedelta(minutes=20)
        true.advance(timedelta(minutes=1 if near else 10))


def _check(channels: Channels, posts: list, days: list[date]) -> None:
    by_day = {d: channels.posts_for(GUILD, d) for d in days}
    assert all(len(p) == 1 for p in by_day.values()), {d: len(p) for d, p in by_day.items()}
    # Each post went out on its own local day (none ahead of time, none two in a day).
    assert all(m.at.astimezone(TOKYO).date() == m.local_date for m in channels.messages)
    assert [p.local_date for p in posts if p.state == "missed"] == []


@pytest.mark.parametrize("jump", [timedelta(days=3), timedelta(days=400)], ids=["+3d", "+400d"])
async def test_a_running_bot_ignores_a_ten_minute_jump(db, jump):
    true = FakeClock(SETUP)
    wall = Jumpy(true)
    steady = SteadyClock(wall, elapsed=lambda: (true.now() - SETUP).total_seconds())
    channels = Channels()
    sender = FakeSender(channels, true)
    store = FotdStore(db)
    facts = [f"fact-{n:02d}" for n in range(1, 8)]
    service = FotdService(store, FactRotation(), steady, OnePack(lambda: facts))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    await _run(service, sender, true, wall, jump, utc("2026-06-08 12:00"))
    _check(channels, await store.posts(GUILD), DAYS)


@pytest.mark.parametrize("jump", [timedelta(days=3), timedelta(days=400)], ids=["+3d", "+400d"])
async def test_rows_a_jumped_clock_wrote_are_not_trusted_once_it_is_back(db, jump):
    """A process that started during the jump has nothing to compare with and acts on it;
    once the clock is back, the future rows it wrote silence no day and claim no misses."""
    true = FakeClock(SETUP)
    wall = Jumpy(true)
    channels = Channels()
    sender = FakeSender(channels, true)
    store = FotdStore(db)
    facts = [f"fact-{n:02d}" for n in range(1, 8)]
    service = FotdService(store, FactRotation(), wall, OnePack(lambda: facts))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    await _run(service, sender, true, wall, jump, utc("2026-06-08 12:00"))
    on_time = [m for m in channels.messages if m.at.astimezone(TOKYO).date() == m.local_date]
    ahead = [m for m in channels.messages if m not in on_time]
    # The one post made during the jump, dated ahead; every real day still has its own.
    assert [m.at for m in ahead] == [JUMP_AT]
    assert sorted(m.local_date for m in on_time) == DAYS, "a day was silent or posted twice"
    posts = await store.posts(GUILD)
    assert [p.local_date for p in posts if p.state == "missed"] == []
    assert [p.local_date for p in posts if p.state == "sent"] == DAYS


def test_a_jump_that_lasts_is_accepted_as_a_correction():
    true = FakeClock(SETUP)
    wall = Jumpy(true)
    steady = SteadyClock(wall, elapsed=lambda: (true.now() - SETUP).total_seconds())
    wall.offset = timedelta(days=3)
    assert steady.now() == SETUP  # a jump: elapsed time is kept
    true.advance(timedelta(minutes=59))
    assert steady.now() == SETUP + timedelta(minutes=59)
    true.advance(timedelta(minutes=1))
    assert steady.now() == true.now() + timedelta(days=3)  # an hour on: a correction
    true.advance(timedelta(seconds=30))
    assert steady.now() == wall.now()
