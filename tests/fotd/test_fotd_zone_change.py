"""A change of time zone or time: no day of the new zone lost, never two posts close together.

The rule (docs/operations.md, bot.fotd.schedule.settled_through): after `set` changes the
schedule, the next post is the next occurrence of the new time on a day (in the new zone)
that the last post's instant does not fall on, and more than MIN_GAP_AFTER_CHANGE after it.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.fotd.clock import FakeClock
from bot.fotd.service import FotdService

from .fakes import CHANNEL, GUILD, Channels, FakeSender, utc


async def next_post(service: FotdService) -> str:
    status = await service.status(GUILD)
    assert status is not None and status.next_post_local is not None
    return f"{status.next_post_local:%Y-%m-%d %H:%M}"


async def run_until(service: FotdService, clock: FakeClock, sender: FakeSender, end: str) -> list:
    """Tick every 5 minutes up to `end`; return (outcome, local date, UTC instant) of each."""
    events = []
    stop = utc(end)
    while clock.now() < stop:
        clock.advance(timedelta(minutes=5))
        events += [(e.outcome, e.local_date, clock.now()) for e in await service.tick(sender)]
    return events


async def post_in_kiritimati(service: FotdService, clock: FakeClock, sender: FakeSender) -> None:
    """The trial's start: at 14:03 UTC on 4 Dec, a post one minute later in Kiritimati (+14)."""
    clock.set(utc("2026-12-04 14:03"))
    await service.set(GUILD, CHANNEL, "04:04", "Pacific/Kiritimati")
    clock.set(utc("2026-12-04 14:04"))
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", date(2026, 12, 5))


async def test_kiritimati_to_utc_posts_on_the_next_utc_day(service, clock, sender, channels):
    await post_in_kiritimati(service, clock, sender)
    clock.set(utc("2026-12-04 14:10"))
    await service.set(GUILD, CHANNEL, "09:00", "UTC")
    assert await next_post(service) == "2026-12-05 09:00"  # was 2026-12-06: a 43-hour gap
    assert [p.local_date for p in await service.plan(GUILD, 2)] == [
        date(2026, 12, 5),
        date(2026, 12, 6),
    ]
    events = await run_until(service, clock, sender, "2026-12-06 10:00")
    assert [(o, d) for o, d, _ in events] == [
        ("sent", date(2026, 12, 5)),
        ("sent", date(2026, 12, 6)),
    ]
    assert events[0][2] == utc("2026-12-05 09:00")
    assert [m.at.date() for m in channels.messages] == [
        date(2026, 12, 4),
        date(2026, 12, 5),
        date(2026, 12, 6),
    ]
    status = await service.status(GUILD)
    assert status is not None and status.last_error is None  # no day recorded as missed


async def test_kiritimati_to_kathmandu_one_minute_ahead_waits_for_the_next_day(
    service, clock, sender
):
    await post_in_kiritimati(service, clock, sender)  # 19:49 on 4 Dec in Kathmandu (+5:45)
    clock.set(utc("2026-12-04 14:05"))
    await service.set(GUILD, CHANNEL, "19:51", "Asia/Kathmandu")
    assert await next_post(service) == "2026-12-05 19:51"  # was 2026-12-06
    events = await run_until(service, clock, sender, "2026-12-05 14:10")
    assert [(o, d) for o, d, _ in events] == [("sent", date(2026, 12, 5))]


async def test_utc_to_kiritimati_never_posts_twice_within_minutes(service, clock, sender, channels):
    clock.set(utc("2026-12-04 09:50"))
    await service.set(GUILD, CHANNEL, "09:55", "UTC")
    clock.set(utc("2026-12-04 09:55"))
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", date(2026, 12, 4))
    # 23:58 on 4 Dec in Kiritimati: 00:02 is a new local day there, but 7 minutes away.
    clock.set(utc("2026-12-04 09:58"))
    await service.set(GUILD, CHANNEL, "00:02", "Pacific/Kiritimati")
    assert await next_post(service) == "2026-12-06 00:02"
    events = await run_until(service, clock, sender, "2026-12-05 10:10")
    assert [(o, d) for o, d, _ in events] == [("sent", date(2026, 12, 6))]
    gaps = [b.at - a.at for a, b in zip(channels.messages, channels.messages[1:], strict=False)]
    assert all(gap > timedelta(hours=12) for gap in gaps)


async def test_utc_to_kiritimati_on_a_later_day_there_posts_the_same_day(service, clock, sender):
    clock.set(utc("2026-12-04 00:55"))
    await service.set(GUILD, CHANNEL, "01:00", "UTC")
    clock.set(utc("2026-12-04 01:00"))
    await service.tick(sender)
    # 16:00 on 4 Dec in Kiritimati; the UTC post was at 15:00 there, so 4 Dec is done.
    clock.set(utc("2026-12-04 02:00"))
    await service.set(GUILD, CHANNEL, "23:00", "Pacific/Kiritimati")
    assert await next_post(service) == "2026-12-05 23:00"
    # But a zone whose 4 Dec began after the post still gets its 4 Dec.
    await service.set(GUILD, CHANNEL, "23:00", "America/Los_Angeles")  # 18:00 on 3 Dec
    assert await next_post(service) == "2026-12-04 23:00"


async def test_a_day_posted_in_both_zones_does_not_block_the_next(service, clock, sender, channels):
    clock.set(utc("2026-12-04 00:55"))
    await service.set(GUILD, CHANNEL, "01:00", "UTC")
    clock.set(utc("2026-12-04 01:00"))
    await service.tick(sender)  # UTC 4 Dec
    clock.set(utc("2026-12-04 13:05"))
    await service.set(GUILD, CHANNEL, "03:10", "Pacific/Kiritimati")
    clock.set(utc("2026-12-04 13:10"))
    [event] = await service.tick(sender)  # Kiritimati 5 Dec, also on UTC 4 Dec
    assert (event.outcome, event.local_date) == ("sent", date(2026, 12, 5))
    clock.set(utc("2026-12-04 14:00"))
    await service.set(GUILD, CHANNEL, "09:00", "UTC")
    assert await next_post(service) == "2026-12-05 09:00"
    events = await run_until(service, clock, sender, "2026-12-05 09:10")
    assert [(o, d) for o, d, _ in events] == [("sent", date(2026, 12, 5))]
    assert len(channels.messages) == 3


async def test_a_time_change_in_the_same_zone_keeps_the_gap(service, clock, sender):
    clock.set(utc("2026-12-03 22:55"))
    await service.set(GUILD, CHANNEL, "23:00", "UTC")
    clock.set(utc("2026-12-03 23:00"))
    await service.tick(sender)
    clock.set(utc("2026-12-04 05:00"))
    await service.set(GUILD, CHANNEL, "06:00", "UTC")  # 7 hours after the last post
    assert await next_post(service) == "2026-12-05 06:00"
    await service.set(GUILD, CHANNEL, "12:00", "UTC")  # 13 hours after it
    assert await next_post(service) == "2026-12-04 12:00"


async def test_a_restart_after_the_change_keeps_the_new_plan(
    store, make_service, clock, sender, channels: Channels
):
    first = make_service(store)
    await post_in_kiritimati(first, clock, sender)
    clock.set(utc("2026-12-04 14:10"))
    await first.set(GUILD, CHANNEL, "09:00", "UTC")
    restarted = make_service(store)
    clock.set(utc("2026-12-05 09:00"))
    [event] = await restarted.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", date(2026, 12, 5))
    assert await restarted.tick(sender) == []
