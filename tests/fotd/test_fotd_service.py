"""FotdService end to end over a real database, a fake clock and a fake channel."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.fotd.clock import FakeClock
from bot.fotd.schedule import InvalidTimeError
from bot.fotd.sender import PermanentSendError, TransientSendError
from bot.fotd.service import FotdNotConfiguredError, FotdService, plan_json
from bot.fotd.store import FotdStore
from bot.fotd.zones import UnknownTimezoneError

from .fakes import CHANNEL, FACTS, GUILD, FakeSender, utc

# Set up at 08:00 local on 2026-06-01 in Tokyo (UTC+9) for 09:00 local = 00:00Z.
SETUP = utc("2026-05-31 23:00")
FIRST = date(2026, 6, 1)


async def setup(service: FotdService, clock: FakeClock, at: str = "09:00") -> None:
    clock.set(SETUP)
    await service.set(GUILD, CHANNEL, at, "Asia/Tokyo")


async def test_posts_once_at_the_local_time(service, clock, sender, channels):
    await setup(service, clock)
    clock.set(utc("2026-05-31 23:59:59"))
    assert await service.tick(sender) == []
    clock.set(utc("2026-06-01 00:00"))
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", FIRST)
    for _ in range(5):
        clock.advance(timedelta(minutes=30))
        assert await service.tick(sender) == []
    assert len(channels.posts_for(GUILD, FIRST)) == 1
    status = await service.status(GUILD)
    assert status is not None
    assert (status.last_post_date, status.last_post_fact_id) == (FIRST, event.fact_id)
    assert status.next_post_local is not None
    assert status.next_post_local.isoformat() == "2026-06-02T09:00:00+09:00"


async def test_set_up_after_todays_time_starts_tomorrow(service, clock, sender, channels):
    clock.set(utc("2026-06-01 01:00"))  # 10:00 in Tokyo
    status = await service.set(GUILD, CHANNEL, "9:00", "asia/tokyo")
    assert status.timezone == "Asia/Tokyo"
    assert status.next_post_local is not None
    assert status.next_post_local.isoformat() == "2026-06-02T09:00:00+09:00"
    assert await service.tick(sender) == []
    assert channels.messages == []


async def test_set_rejects_bad_input_with_user_messages(service):
    with pytest.raises(UnknownTimezoneError):
        await service.set(GUILD, CHANNEL, "09:00", "Mars/Base")
    with pytest.raises(InvalidTimeError):
        await service.set(GUILD, CHANNEL, "24:00", "UTC")
    assert await service.status(GUILD) is None


async def test_a_post_missed_while_down_is_made_at_start_up_the_same_day(service, clock, sender):
    await setup(service, clock)
    clock.set(utc("2026-06-01 14:59"))  # 23:59 in Tokyo: bot comes back just in time
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", FIRST)


async def test_days_missed_while_down_are_recorded_not_skipped_silently(service, clock, sender):
    await setup(service, clock)
    clock.set(utc("2026-06-03 01:00"))  # 10:00 on 06-03: 06-01 and 06-02 went by unposted
    events = await service.tick(sender)
    assert [(e.outcome, e.local_date) for e in events] == [
        ("missed", date(2026, 6, 1)),
        ("missed", date(2026, 6, 2)),
        ("sent", date(2026, 6, 3)),
    ]
    status = await service.status(GUILD)
    assert status is not None and status.last_post_date == date(2026, 6, 3)
    assert status.last_error is not None and status.last_error.startswith("Missed")
    assert await service.tick(sender) == []


async def test_a_short_grace_period_records_a_late_start_as_missed(
    store, make_service, clock, sender
):
    service = make_service(store, grace=timedelta(hours=1))
    await setup(service, clock)
    clock.set(utc("2026-06-01 01:00"))
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("missed", FIRST)
    assert sender.send_calls == []


async def test_transient_failures_retry_with_backoff_and_show_in_status(
    service, clock, sender, channels
):
    await setup(service, clock)
    sender.send_errors = [TransientSendError("Discord 503"), TransientSendError("Discord 502")]
    start = utc("2026-06-01 00:00")
    clock.set(start)
    [event] = await service.tick(sender)
    assert (event.outcome, event.detail) == ("retry", "Discord 503")
    status = await service.status(GUILD)
    assert status is not None
    assert (status.last_error, status.retry_at) == ("Discord 503", start + timedelta(minutes=1))
    clock.set(start + timedelta(seconds=59))
    assert await service.tick(sender) == []
    clock.set(start + timedelta(minutes=1))
    [event] = await service.tick(sender)
    assert event.outcome == "retry"
    status = await service.status(GUILD)
    assert status is not None and status.retry_at == start + timedelta(minutes=3)
    clock.set(start + timedelta(minutes=3))
    [event] = await service.tick(sender)
    assert event.outcome == "sent"
    assert sender.send_calls == [start, start + timedelta(minutes=1), start + timedelta(minutes=3)]
    assert len(channels.posts_for(GUILD, FIRST)) == 1
    status = await service.status(GUILD)
    assert status is not None and status.retry_at is None and status.last_post_date == FIRST


async def test_a_sender_bug_is_retried_not_lost(service, clock, sender, channels):
    await setup(service, clock)
    sender.send_errors = [KeyError("oops")]
    clock.set(utc("2026-06-01 00:00"))
    [event] = await service.tick(sender)
    assert event.outcome == "retry" and "KeyError" in (event.detail or "")
    clock.advance(timedelta(minutes=1))
    [event] = await service.tick(sender)
    assert event.outcome == "sent"


async def test_permanent_failures_pause_the_schedule_with_a_reason(
    service, clock, sender, channels
):
    await setup(service, clock)
    error = "Missing Permissions (403, 50013)"
    sender.send_errors = [PermanentSendError(error, 50013) for _ in range(3)]
    start = utc("2026-06-01 00:00")
    outcomes = []
    for minutes in (0, 1, 3):
        clock.set(start + timedelta(minutes=minutes))
        outcomes += [e.outcome for e in await service.tick(sender)]
    assert outcomes == ["retry", "retry", "paused"]
    status = await service.status(GUILD)
    assert status is not None
    assert status.paused_reason is not None and error in status.paused_reason
    assert status.last_error == error and status.next_post_local is None
    clock.set(start + timedelta(hours=2))
    assert await service.tick(sender) == []  # paused: no attempts at all
    # The admin fixes the permission and sets the schedule again: the day is still posted.
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", FIRST)
    assert len(channels.posts_for(GUILD, FIRST)) == 1


async def test_a_deleted_channel_pauses_too(service, clock, sender):
    await setup(service, clock)
    sender.send_errors = [PermanentSendError("Unknown Channel (404, 10003)", 10003)]
    sender.find_errors = [PermanentSendError("Unknown Channel (404, 10003)", 10003)] * 2
    start = utc("2026-06-01 00:00")
    for minutes in (0, 1, 3):
        clock.set(start + timedelta(minutes=minutes))
        await service.tick(sender)
    status = await service.status(GUILD)
    assert status is not None and status.paused_reason is not None
    assert "Unknown Channel" in status.paused_reason


async def test_off_stops_posting(service, clock, sender):
    await setup(service, clock)
    status = await service.off(GUILD)
    assert status is not None and not status.enabled and status.next_post_local is None
    clock.set(utc("2026-06-01 00:00"))
    assert await service.tick(sender) == []
    assert await service.off(404) is None


async def test_daily_posts_cover_every_fact_before_any_repeat(service, clock, sender, channels):
    await setup(service, clock)
    day_one = utc("2026-06-01 00:00")
    for n in range(2 * len(FACTS)):
        clock.set(day_one + timedelta(days=n, seconds=30))
        await service.tick(sender)
    posted = [m.fact_id for m in channels.messages]
    assert len(posted) == 2 * len(FACTS)
    assert sorted(posted[: len(FACTS)]) == sorted(FACTS)
    assert sorted(posted[len(FACTS) :]) == sorted(FACTS)
    assert [m.local_date for m in channels.messages] == [
        FIRST + timedelta(days=n) for n in range(14)
    ]


async def test_facts_added_and_removed_mid_cycle(service, clock, sender, channels, facts):
    await setup(service, clock)
    day_one = utc("2026-06-01 00:00")
    for n in range(3):
        clock.set(day_one + timedelta(days=n))
        await service.tick(sender)
    removed = await service.preview(GUILD)
    facts.remove(removed)
    facts.append("fact-new")
    for n in range(3, len(FACTS)):
        clock.set(day_one + timedelta(days=n))
        await service.tick(sender)
    posted = [m.fact_id for m in channels.messages]
    assert removed not in posted
    assert "fact-new" in posted
    assert len(set(posted)) == len(posted) == len(FACTS)


async def test_preview_does_not_consume_and_skip_does(service, clock, sender, channels):
    await setup(service, clock)
    shown = await service.preview(GUILD)
    assert await service.preview(GUILD) == shown
    assert await service.skip(GUILD) == shown
    coming = await service.preview(GUILD)
    assert coming != shown
    clock.set(utc("2026-06-01 00:00"))
    await service.tick(sender)
    assert [m.fact_id for m in channels.messages] == [coming]


async def test_plan_predicts_the_posts(service, clock, sender, channels):
    await setup(service, clock)
    planned = await service.plan(GUILD, 10)
    assert planned[0].local_date == FIRST
    refs = {fact: f"3.{n}" for n, fact in enumerate(FACTS)}
    rows = plan_json(planned, refs.__getitem__, 2026)
    assert rows[0] == {
        "date": "2026-06-01",
        "fact_id": planned[0].fact_id,
        "edition": 2026,
        "ref": refs[planned[0].fact_id],
        "at": "2026-06-01T09:00+09:00",
    }
    assert sorted(r["fact_id"] for r in rows[: len(FACTS)]) == sorted(FACTS)
    for n in range(10):
        clock.set(utc("2026-06-01 00:00") + timedelta(days=n))
        await service.tick(sender)
    assert [(m.local_date, m.fact_id) for m in channels.messages] == [
        (p.local_date, p.fact_id) for p in planned
    ]


async def test_plan_needs_a_schedule(service):
    with pytest.raises(FotdNotConfiguredError):
        await service.plan(GUILD, 3)


async def test_one_servers_failure_does_not_block_another(
    store: FotdStore, make_service, clock, channels
):
    service = make_service(store)
    clock.set(SETUP)
    await service.set(1, 11, "09:00", "Asia/Tokyo")
    await service.set(2, 22, "09:00", "Asia/Tokyo")

    class HalfBroken(FakeSender):
        async def send(self, guild_id, channel_id, fact_id, local_date, **kw):
            if guild_id == 1:
                raise RuntimeError("glue bug")
            return await super().send(guild_id, channel_id, fact_id, local_date, **kw)

    clock.set(utc("2026-06-01 00:00"))
    events = await service.tick(HalfBroken(channels, clock))
    assert sorted((e.guild_id, e.outcome) for e in events) == [(1, "retry"), (2, "sent")]


async def test_set_keeps_the_time_as_typed(service, clock):
    clock.set(SETUP)
    status = await service.set(GUILD, CHANNEL, "7:30 pm", "Europe/London")
    assert status.local_time == time(19, 30)


async def test_a_fact_removed_while_its_day_awaits_a_retry_makes_the_day_missed_with_why(
    service, clock, sender, channels, facts
):
    await setup(service, clock)
    sender.send_errors = [TransientSendError("Discord 503")]
    clock.set(utc("2026-06-01 00:00"))
    [event] = await service.tick(sender)
    facts.remove(event.fact_id)
    clock.advance(timedelta(minutes=1))
    [retried] = await service.tick(sender)
    assert retried.outcome == "missed"
    assert event.fact_id in (retried.detail or "")
    assert channels.posts_for(GUILD, FIRST) == []
    status = await service.status(GUILD)
    assert status is not None and event.fact_id in (status.last_error or "")
    # The next day is posted as usual, from the facts the content now holds.
    clock.advance(timedelta(days=1))
    [next_day] = await service.tick(sender)
    assert next_day.outcome == "sent" and next_day.fact_id in facts


async def test_a_retry_goes_to_the_newly_set_channel(service, clock, sender, channels):
    await setup(service, clock)
    # The channel is gone: the check before the first post finds out, then the retry's
    # check of the old channel does again.
    sender.find_errors = [PermanentSendError("Unknown Channel (404, 10003)", 10003)] * 2
    clock.set(utc("2026-06-01 00:00"))
    await service.tick(sender)
    await service.set(GUILD, 3003, "09:00", "Asia/Tokyo")
    clock.advance(timedelta(minutes=1))
    [event] = await service.tick(sender)
    assert event.outcome == "sent"
    assert [(m.channel_id, m.local_date) for m in channels.messages] == [(3003, FIRST)]


async def test_plan_shows_each_post_time_in_local_time_and_zone_across_a_clock_change(
    service, clock
):
    """Europe/London at 01:30: on 28 March 2027 01:30 does not exist and the post is made at
    02:00 BST (schedule.post_instant); the plan shows it, in columns that stay aligned."""
    from bot.fotd.service import plan_lines

    clock.set(utc("2027-03-26 12:00"))
    await service.set(GUILD, CHANNEL, "01:30", "Europe/London")
    planned = await service.plan(GUILD, 3)
    assert [(p.local_date.isoformat(), f"{p.at:%H:%M %Z}") for p in planned] == [
        ("2027-03-27", "01:30 GMT"),
        ("2027-03-28", "02:00 BST"),
        ("2027-03-29", "01:30 BST"),
    ]
    refs = dict(
        zip(FACTS, ["3.1", "3.1.1(2).A(a)¶1", "3.2", "3.3", "3.4", "3.5", "3.6"], strict=True)
    )
    lines = plan_lines(planned, refs.__getitem__)
    assert lines[1].startswith("2027-03-28  02:00 BST (UTC+0100)  ")
    # Every fact id starts in the same column, whatever the reference's length.
    assert len({line.index(p.fact_id) for line, p in zip(lines, planned, strict=True)}) == 1
