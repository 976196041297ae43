"""FotdStore: the claim ledger, backoff, pausing and status, on a real migrated database."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.fotd.rotation import FactRotation, RotationState
from bot.fotd.store import FotdStore, retry_delay
from bot.storage.db import Database

from .fakes import CHANNEL, FACTS, GUILD, utc

DAY = date(2026, 6, 1)
NOW = utc("2026-06-01 09:00")


async def configure(store: FotdStore) -> None:
    await store.upsert_config(
        guild_id=GUILD, channel_id=CHANNEL, local_time=time(9), timezone="UTC", now=NOW
    )


async def claim(store: FotdStore, token: str = "t1", day: date = DAY) -> str | None:
    rotation = FactRotation()
    return await store.claim(
        guild_id=GUILD,
        local_date=day,
        channel_id=CHANNEL,
        token=token,
        now=NOW,
        lease_until=NOW + timedelta(minutes=2),
        choose_fact=lambda state: rotation.advance(GUILD, state, FACTS),
    )


async def test_migration_0003_is_applied_by_open_database(db: Database):
    assert await db.schema_version() >= 3
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE name LIKE 'fotd_%'")
    assert {"fotd_config", "fotd_rotation", "fotd_posts"} <= {row[0] for row in rows}


async def test_only_the_first_claim_of_a_day_wins(store: FotdStore):
    await configure(store)
    assert await claim(store, "t1") is not None
    assert await claim(store, "t2") is None
    posts = await store.posts(GUILD)
    assert [(p.state, p.claim_token, p.attempts) for p in posts] == [("claimed", "t1", 1)]


async def test_a_lost_claim_does_not_consume_a_fact(store: FotdStore):
    await configure(store)
    first = await claim(store)
    state = await store.rotation(GUILD)
    assert await claim(store, "t2") is None
    assert await store.rotation(GUILD) == state
    assert await claim(store, "t3", DAY + timedelta(days=1)) not in (None, first)


async def test_mark_sent_needs_the_current_claim(store: FotdStore):
    await configure(store)
    await claim(store, "t1")
    assert not await store.mark_sent(
        GUILD, DAY, token="other", message_id=1, channel_id=CHANNEL, now=NOW
    )
    assert await store.mark_sent(GUILD, DAY, token="t1", message_id=7, channel_id=CHANNEL, now=NOW)
    [post] = await store.posts(GUILD)
    assert (post.state, post.message_id, post.sent_at) == ("sent", 7, NOW)


def test_retry_delay_doubles_from_one_minute_up_to_an_hour():
    minutes = [retry_delay(n) / timedelta(minutes=1) for n in range(1, 10)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_failures_back_off_and_only_stale_or_due_rows_are_open(store: FotdStore):
    await configure(store)
    await claim(store, "t1")
    assert await store.open_posts(GUILD, NOW + timedelta(minutes=1)) == []  # lease still live
    outcome = await store.record_failure(GUILD, DAY, "Discord 503", False, token="t1", now=NOW)
    assert outcome.next_retry_at == NOW + timedelta(minutes=1)
    assert outcome.paused_reason is None
    assert await store.open_posts(GUILD, NOW + timedelta(seconds=59)) == []
    assert (
        await store.acquire(
            GUILD,
            DAY,
            token="t2",
            now=NOW + timedelta(seconds=59),
            lease_until=NOW + timedelta(minutes=3),
        )
        is None
    )
    later = NOW + timedelta(minutes=1)
    [row] = await store.open_posts(GUILD, later)
    assert (row.state, row.local_date) == ("failed", DAY)
    held = await store.acquire(
        GUILD, DAY, token="t2", now=later, lease_until=later + timedelta(minutes=2)
    )
    assert held is not None and (held.attempts, held.claim_token) == (2, "t2")
    outcome = await store.record_failure(GUILD, DAY, "Discord 503", False, token="t2", now=later)
    assert outcome.next_retry_at == later + timedelta(minutes=2)


async def test_an_expired_lease_can_be_taken_over_by_one_loop_only(store: FotdStore):
    await configure(store)
    await claim(store, "t1")
    after_lease = NOW + timedelta(minutes=2)
    first = await store.acquire(
        GUILD, DAY, token="t2", now=after_lease, lease_until=after_lease + timedelta(minutes=2)
    )
    second = await store.acquire(
        GUILD, DAY, token="t3", now=after_lease, lease_until=after_lease + timedelta(minutes=2)
    )
    assert first is not None and second is None


async def test_three_permanent_failures_pause_with_the_reason(store: FotdStore):
    await configure(store)
    reasons = []
    for n in range(3):
        at = NOW + timedelta(days=n)
        await claim(store, f"t{n}", DAY + timedelta(days=n))
        outcome = await store.record_failure(
            GUILD,
            DAY + timedelta(days=n),
            "Missing Permissions (403, 50013)",
            True,
            token=f"t{n}",
            now=at,
        )
        reasons.append(outcome.paused_reason)
    assert reasons[:2] == [None, None]
    assert reasons[2] is not None and "Missing Permissions" in reasons[2]
    config = await store.config(GUILD)
    assert config is not None and config.paused_reason == reasons[2]
    assert await store.active_configs() == []


async def test_transient_failures_never_pause_and_a_success_resets_the_streak(store: FotdStore):
    await configure(store)
    await claim(store, "a", DAY)
    await store.record_failure(GUILD, DAY, "gone", True, token="a", now=NOW)
    held = await store.acquire(
        GUILD, DAY, token="b", now=NOW + timedelta(hours=1), lease_until=NOW + timedelta(hours=2)
    )
    assert held is not None
    await store.mark_sent(GUILD, DAY, token="b", message_id=5, channel_id=CHANNEL, now=NOW)
    config = await store.config(GUILD)
    assert config is not None and config.failure_streak == 0
    for n in range(1, 6):
        day = DAY + timedelta(days=n)
        await claim(store, f"t{n}", day)
        outcome = await store.record_failure(GUILD, day, "503", False, token=f"t{n}", now=NOW)
        assert outcome.paused_reason is None


async def test_setting_the_schedule_again_lifts_a_pause(store: FotdStore):
    await configure(store)
    for n in range(3):
        await claim(store, f"t{n}", DAY + timedelta(days=n))
        await store.record_failure(
            GUILD, DAY + timedelta(days=n), "gone", True, token=f"t{n}", now=NOW
        )
    await configure(store)
    config = await store.config(GUILD)
    assert config is not None
    assert (config.paused_reason, config.failure_streak, config.enabled) == (None, 0, True)


async def test_status_shows_last_post_and_last_error(store: FotdStore):
    await configure(store)
    fact = await claim(store, "t1", DAY)
    await store.mark_sent(GUILD, DAY, token="t1", message_id=77, channel_id=CHANNEL, now=NOW)
    tomorrow = DAY + timedelta(days=1)
    await claim(store, "t2", tomorrow)
    failed_at = NOW + timedelta(days=1)
    await store.record_failure(GUILD, tomorrow, "Discord 502", False, token="t2", now=failed_at)
    status = await store.status(GUILD)
    assert status is not None
    assert (status.last_post_date, status.last_post_fact_id, status.last_post_message_id) == (
        DAY,
        fact,
        77,
    )
    assert (status.last_error, status.last_error_date) == ("Discord 502", tomorrow)
    assert status.retry_at == failed_at + timedelta(minutes=1)
    assert (status.channel_id, status.local_time, status.timezone) == (CHANNEL, time(9), "UTC")


async def test_missed_days_are_written_once(store: FotdStore):
    await configure(store)
    days = [DAY, DAY + timedelta(days=1)]
    assert await store.record_missed(GUILD, days, "offline", NOW) == 2
    assert await store.record_missed(GUILD, days, "offline", NOW) == 0
    assert [p.state for p in await store.posts(GUILD)] == ["missed", "missed"]
    assert await store.last_handled_date(GUILD) == days[-1]


async def test_rotation_round_trips(store: FotdStore):
    state = RotationState(3, ("b", "a", "c"), 2)
    assert await store.update_rotation(GUILD, lambda _: ("x", state)) == "x"
    assert await store.rotation(GUILD) == state


async def test_a_failing_rotation_step_leaves_nothing_behind(store: FotdStore):
    def boom(_state):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await store.update_rotation(GUILD, boom)
    assert await store.rotation(GUILD) is None
    assert not await store.disable(GUILD, NOW)  # no config: nothing to turn off
