"""Fact of the day, end to end: the real bot posts through the local Discord on a fake clock.

The cog's loop runs once when the bot is ready and then sleeps an hour (fotd_interval in the
e2e options), so the tests drive posting by calling the service's `tick` with the cog's own
sender, and move time with a FakeClock shared by every bot started on the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
import zoneinfo
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.fotd.clock import FakeClock
from bot.fotd.service import TickEvent
from bot.replies.markdown import escape
from localdiscord import CommandHidden
from localdiscord import permissions as perm
from tests.e2e.conftest import Harness, running_bot

EPHEMERAL = 64
MARKER = "Fact of the day · "


# -- helpers -----------------------------------------------------------------------------------


def _sender(h: Harness):
    return h.bot.get_cog("FotdCog").sender


async def _tick(h: Harness, sender=None) -> list[TickEvent]:
    """One pass of the posting loop, as the cog's `tasks.loop` runs it."""
    return await h.bot.fotd.tick(sender or _sender(h))


async def _stop_loop(h: Harness) -> None:
    """Stop the cog's own loop (its start-up pass included) so only the test ticks."""
    loop = h.bot.get_cog("FotdCog").poster
    task = loop.get_task()
    loop.cancel()
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _posts(server, channel) -> list[str]:
    """Footers of the bot's fact-of-the-day posts in `channel`, oldest first."""
    return [
        m["embeds"][0]["footer"]["text"]
        for m in await server.bot_messages(channel)
        if m["embeds"] and m["embeds"][0].get("footer", {}).get("text", "").startswith(MARKER)
    ]


def _dates(footers: list[str]) -> list[str]:
    return [f.split(" · ")[1] for f in footers]


async def _command(server, name: str, options=None, *, user=None) -> dict:
    handle = await server.slash(name, options, user=user or server.admin)
    return await handle.final_message()


async def _set(server, channel, time: str, timezone: str) -> dict:
    return await _command(
        server, "factoftheday set", {"channel": channel, "time": time, "timezone": timezone}
    )


async def _status(server) -> str:
    answer = await _command(server, "factoftheday status")
    assert answer.get("flags", 0) & EPHEMERAL
    return answer["embeds"][0]["description"]


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for something a background task does (the start-up tick), without sleeping blind."""
    try:
        async with asyncio.timeout(5):
            while not await check():
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))


@pytest.fixture
def news(local_discord):
    """A channel that exists before the bot connects (the stand-in sends no CHANNEL_CREATE)."""
    return local_discord.add_channel(local_discord.guild, "news")


@pytest.fixture
async def fotd(local_discord, tmp_path, shipped_library, clock, news) -> AsyncIterator[Harness]:
    async with running_bot(
        local_discord,
        tmp_path / "bluebook.db",
        library=shipped_library,
        services_args={"clock": clock},
    ) as h:
        await _stop_loop(h)
        yield h
    assert not local_discord.requests_without_allowed_mentions()


# -- the commands ------------------------------------------------------------------------------


async def test_set_status_and_a_post_at_the_local_time(fotd, clock, news):
    server = fotd.server
    answer = await _set(server, news, "9:30 pm", "Asia/Tokyo")
    assert answer.get("flags", 0) & EPHEMERAL
    text = answer["embeds"][0]["description"]
    assert f"<#{news.id}>" in text and "21:30 Asia/Tokyo" in text and "**State:** on" in text
    # 12:00 UTC is 21:00 in Tokyo: the post is due at 21:30 local, 12:30 UTC, shown in local time.
    assert "**Next post:** 2026-03-07 21:30 (Asia/Tokyo)" in await _status(server)
    clock.set(datetime(2026, 3, 7, 12, 29, 59, tzinfo=UTC))
    assert await _tick(fotd) == []
    assert await _posts(server, news) == []
    clock.set(datetime(2026, 3, 7, 12, 30, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert event.outcome == "sent"
    [footer] = await _posts(server, news)
    assert footer == f"Fact of the day · 2026-03-07 · {event.fact_id}"
    [post] = await server.bot_messages(news)
    assert post["embeds"][0]["author"]["name"] == "Fact of the day"
    assert any(f["name"] == "Reference" for f in post["embeds"][0]["fields"])
    status = await _status(server)
    assert f"**Last post:** 2026-03-07 · `{event.fact_id}`" in status
    assert "**Next post:** 2026-03-08 21:30 (Asia/Tokyo)" in status
    # Ticking again the same day posts nothing more.
    clock.advance(timedelta(hours=2))
    assert await _tick(fotd) == []
    assert len(await _posts(server, news)) == 1


async def test_bad_time_and_time_zone_get_a_short_private_error(fotd, news):
    server = fotd.server
    for time, zone, expected in [
        ("09:00", "Mars/Olympus_Mons", "Unknown time zone “Mars/Olympus\\_Mons”"),
        ("25:00", "Asia/Tokyo", "Can't read “25:00” as a time"),
        ("nine", "Asia/Tokyo", "Can't read “nine” as a time"),
    ]:
        answer = await _set(server, news, time, zone)
        assert answer.get("flags", 0) & EPHEMERAL, answer
        assert expected in answer["content"], answer
        assert len(answer["content"]) < 200 and not answer["embeds"]
    assert "No fact of the day is set up here" in await _status(server)


@pytest.fixture
def unreadable(local_discord):
    """A channel whose history the bot may not read, made before the bot connects."""
    channel = local_discord.add_channel(local_discord.guild, "no-history")
    bot_member = local_discord.world.bot_member(local_discord.guild)
    local_discord.set_overwrite(channel, bot_member, deny=perm.READ_MESSAGE_HISTORY)
    return channel


async def test_set_refuses_a_channel_without_read_message_history_and_says_why(unreadable, fotd):
    server = fotd.server
    answer = await _set(server, unreadable, "09:00", "UTC")
    assert answer.get("flags", 0) & EPHEMERAL, answer
    assert "Read Message History" in answer["content"], answer
    assert "never posted twice" in answer["content"]
    assert "No fact of the day is set up here" in await _status(server)


async def test_the_commands_need_manage_server(fotd, news):
    server = fotd.server
    await _set(server, news, "09:00", "UTC")
    attempts = [
        ("factoftheday set", {"channel": news, "time": "10:00", "timezone": "Asia/Tokyo"}),
        ("factoftheday skip", None),
        ("factoftheday preview", None),
        ("factoftheday status", None),
        ("factoftheday off", None),
    ]
    # Discord offers the commands only to Manage Server; past an admin's override the bot
    # still checks.
    with pytest.raises(CommandHidden, match="Manage Server"):
        await server.slash("factoftheday status", user=server.member)
    server.allow_command(server.guild, "factoftheday", server.member)
    for name, options in attempts:
        denied = await _command(server, name, options, user=server.member)
        assert denied.get("flags", 0) & EPHEMERAL, name
        assert "Manage Server" in denied["content"], (name, denied)
    status = await _status(server)
    assert "**Time:** 09:00 UTC" in status and "**State:** on" in status


async def test_time_zone_autocomplete_offers_iana_names(fotd):
    server = fotd.server
    zones = zoneinfo.available_timezones()
    for typed in ("", "europe", "new_y", "tokyo", "a"):
        choices = await server.autocomplete(
            "factoftheday set", "timezone", typed, user=server.admin
        )
        assert 1 <= len(choices) <= 25, (typed, choices)
        assert all(c["value"] in zones and c["name"].startswith(c["value"]) for c in choices)
    [first, *_] = await server.autocomplete(
        "factoftheday set", "timezone", "new_y", user=server.admin
    )
    assert first["value"] == "America/New_York"
    assert (
        await server.autocomplete("factoftheday set", "timezone", "zzzz", user=server.admin) == []
    )


async def test_time_zone_autocomplete_and_set_know_country_names(fotd, news):
    server = fotd.server
    [first, *_] = await server.autocomplete(
        "factoftheday set", "timezone", "India", user=server.admin
    )
    assert (first["name"], first["value"]) == ("Asia/Kolkata (India)", "Asia/Kolkata")
    nepal = await server.autocomplete("factoftheday set", "timezone", "nepal", user=server.admin)
    assert [c["value"] for c in nepal] == ["Asia/Kathmandu"]
    answer = await _set(server, news, "09:00", "India")
    assert answer["content"].endswith("did you mean Asia/Kolkata?"), answer
    assert "Traceback" not in answer["content"] and not answer["embeds"]


async def test_set_accepts_est_with_a_note_and_full_width_digits(fotd, news):
    server = fotd.server
    answer = await _set(server, news, "９:００", "EST")
    text = answer["embeds"][0]["description"]
    assert "**Time:** 09:00 EST" in text, text
    assert "**Note:** EST is fixed at UTC−5 with no daylight saving" in text
    assert "for New York's local time, use America/New_York." in text
    answer = await _set(server, news, "09:00", "America/New_York")
    assert "**Note:**" not in answer["embeds"][0]["description"]


async def test_gmt_and_etc_zones_get_the_fixed_offset_note_and_offsets_a_suggestion(fotd, news):
    server = fotd.server
    gmt = (await _set(server, news, "09:00", "GMT"))["embeds"][0]["description"]
    assert "**Note:** GMT is fixed at UTC+0 with no daylight saving" in gmt, gmt
    assert "use Europe/London." in gmt
    etc = (await _set(server, news, "09:00", "Etc/GMT+5"))["embeds"][0]["description"]
    assert "**Note:** Etc/GMT+5 is fixed at UTC−5 (the sign in the name is reversed)" in etc
    for typed, suggested in [
        ("UTC+9", "Asia/Tokyo, or Etc/GMT-9 (its sign is reversed)"),
        ("BST", "Europe/London"),
        ("America/New York", "America/New_York"),
    ]:
        answer = await _set(server, news, "09:00", typed)
        assert answer["content"].endswith(f"did you mean {suggested}?"), answer
        assert "\n" not in answer["content"] and not answer["embeds"]


async def test_a_zone_change_from_kiritimati_to_utc_loses_no_utc_day(
    fotd, clock, news, local_discord
):
    # The stand-in stamps messages (their snowflakes) with real time, which the channel check
    # before a first post compares with the fake clock: the fake days are put after real time.
    # The two posts share the footer date (Kiritimati's 8 Mar and UTC's) and so the nonce; 21
    # hours apart, Discord has long forgotten the first, so the stand-in's window is closed.
    local_discord.world.scenario.nonce_window_s = 0
    server = fotd.server
    clock.set(datetime(2036, 3, 7, 12, 0, tzinfo=UTC))
    await _set(server, news, "02:01", "Pacific/Kiritimati")  # 12:01 UTC on 7 Mar
    clock.set(datetime(2036, 3, 7, 12, 1, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert (event.outcome, event.local_date) == ("sent", date(2036, 3, 8))
    clock.set(datetime(2036, 3, 7, 12, 10, tzinfo=UTC))
    answer = await _set(server, news, "09:00", "UTC")
    assert "**Next post:** 2036-03-08 09:00 (UTC)" in answer["embeds"][0]["description"]
    clock.set(datetime(2036, 3, 8, 8, 59, tzinfo=UTC))
    assert await _tick(fotd) == []
    clock.set(datetime(2036, 3, 8, 9, 0, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert (event.outcome, event.local_date) == ("sent", date(2036, 3, 8))
    assert len(await _posts(server, news)) == 2
    assert "**Next post:** 2036-03-09 09:00 (UTC)" in await _status(server)


async def test_preview_skip_and_off(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "13:00", "UTC")
    preview = await _command(server, "factoftheday preview")
    assert preview.get("flags", 0) & EPHEMERAL
    assert "not posted" in preview["embeds"][0]["footer"]["text"]
    first = preview["embeds"][0]["title"]
    skipped = await _command(server, "factoftheday skip")
    assert skipped.get("flags", 0) & EPHEMERAL and skipped["content"].startswith("Skipped “")
    facts = fotd.services.library.current.newest.pack.fact_by_id
    # Named by its headline and reference, never by the fact's internal id.
    named = {
        i for i, f in facts.items() if f"“{escape(f.headline)}” (`{f.ref}`)" in skipped["content"]
    }
    [skipped_id] = named
    assert skipped_id not in skipped["content"]
    assert facts[skipped_id].headline.startswith(first[:40].rstrip("…"))
    second = (await _command(server, "factoftheday preview"))["embeds"][0]["title"]
    assert second != first
    assert await _posts(server, news) == []  # preview and skip post nothing
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert event.fact_id != skipped_id
    assert facts[event.fact_id].headline.startswith(second[:40].rstrip("…"))
    off = await _command(server, "factoftheday off")
    assert off.get("flags", 0) & EPHEMERAL and off["content"] == "Fact of the day is off."
    assert "**State:** off" in await _status(server)
    clock.advance(timedelta(days=1))
    assert await _tick(fotd) == []
    assert len(await _posts(server, news)) == 1
    assert "off here" not in skipped["content"]  # skipped while on: no note
    skipped_off = await _command(server, "factoftheday skip")
    assert skipped_off["content"].startswith("Skipped “")
    assert skipped_off["content"].endswith(
        "The fact of the day is off here: posts start again with `/factoftheday set`."
    )


async def test_skip_where_no_fact_of_the_day_was_ever_set_up_says_how_to_set_one(fotd):
    skipped = await _command(fotd.server, "factoftheday skip")
    assert skipped.get("flags", 0) & EPHEMERAL and skipped["content"].startswith("Skipped “")
    assert skipped["content"].endswith(
        "No fact of the day is set up here: set one up with `/factoftheday set`."
    )
    assert " off " not in skipped["content"] and "start again" not in skipped["content"]


# -- daylight saving -----------------------------------------------------------------------------


async def test_new_york_time_in_the_dst_gap_posts_when_the_gap_ends(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "02:30", "America/New_York")
    # 02:30 does not exist on 2026-03-08 in New York: the post is at 03:00 EDT, 07:00 UTC.
    assert "**Next post:** 2026-03-08 03:00 (America/New_York)" in await _status(server)
    for before in (
        datetime(2026, 3, 8, 6, 30, tzinfo=UTC),  # 01:30 EST
        datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC),  # a second before the clocks jump
    ):
        clock.set(before)
        assert await _tick(fotd) == []
    assert await _posts(server, news) == []
    clock.set(datetime(2026, 3, 8, 7, 0, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert (event.outcome, event.local_date) == ("sent", date(2026, 3, 8))
    assert _dates(await _posts(server, news)) == ["2026-03-08"]
    # The next day the time exists again: 02:30 EDT is 06:30 UTC.
    clock.set(datetime(2026, 3, 9, 6, 29, tzinfo=UTC))
    assert await _tick(fotd) == []
    clock.set(datetime(2026, 3, 9, 6, 30, tzinfo=UTC))
    assert [e.outcome for e in await _tick(fotd)] == ["sent"]
    assert _dates(await _posts(server, news)) == ["2026-03-08", "2026-03-09"]


async def test_london_post_follows_the_clock_change(fotd, clock, news):
    server = fotd.server
    clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    await _set(server, news, "09:00", "Europe/London")
    # 2026-03-28 is GMT (09:00 is 09:00 UTC); on 2026-03-29 BST starts (09:00 is 08:00 UTC).
    steps = [
        (datetime(2026, 3, 28, 8, 59, tzinfo=UTC), []),
        (datetime(2026, 3, 28, 9, 0, tzinfo=UTC), ["2026-03-28"]),
        (datetime(2026, 3, 29, 7, 59, tzinfo=UTC), ["2026-03-28"]),
        (datetime(2026, 3, 29, 8, 0, tzinfo=UTC), ["2026-03-28", "2026-03-29"]),
        (datetime(2026, 3, 29, 9, 0, tzinfo=UTC), ["2026-03-28", "2026-03-29"]),
    ]
    for instant, expected in steps:
        clock.set(instant)
        await _tick(fotd)
        assert _dates(await _posts(server, news)) == expected, instant


# -- rotation ---------------------------------------------------------------------------------------


async def test_rotation_posts_every_fact_once_per_cycle(fotd, clock, news):
    server = fotd.server
    facts = fotd.services.library.current.newest.pack.facts
    await _set(server, news, "12:30", "UTC")
    for _ in facts:
        clock.set(clock.now().replace(hour=12, minute=30))
        [event] = await _tick(fotd)
        assert event.outcome == "sent", event
        clock.advance(timedelta(days=1))
    footers = await _posts(server, news)
    posted = [f.split(" · ")[2] for f in footers]
    assert len(posted) == len(facts) >= 2
    assert sorted(posted) == sorted(f.id for f in facts)
    assert len(set(_dates(footers))) == len(facts)


# -- failures ------------------------------------------------------------------------------------


async def test_deleted_channel_is_shown_in_status_then_pauses(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "13:00", "UTC")
    server.delete_channel(news)
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert event.outcome == "retry"
    status = await _status(server)
    assert "**Last error (2026-03-07):** the channel no longer exists" in status
    assert "**Next post:** 2026-03-07 13:01 (UTC), a retry of the 2026-03-07 post" in status
    assert "**State:** on" in status
    outcomes = []
    for _ in range(2):  # the retries after 1 and 2 minutes fail the same way
        clock.advance(timedelta(minutes=5))
        outcomes += [e.outcome for e in await _tick(fotd)]
    assert outcomes == ["retry", "paused"]
    status = await _status(server)
    assert "**State:** paused" in status
    assert "**Paused:** 3 posts in a row failed: the channel no longer exists" in status
    assert "/factoftheday set" in status
    clock.advance(timedelta(minutes=30))
    assert await _tick(fotd) == []  # paused: nothing is tried until `set` again


async def test_missing_permission_is_shown_in_status_then_pauses(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "13:00", "UTC")
    server.set_overwrite(news, server.guild.members[server.bot_user.id], deny=perm.SEND_MESSAGES)
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    await _tick(fotd)
    status = await _status(server)
    assert "**Last error (2026-03-07):** missing permission to post" in status
    assert "Send Messages" in status
    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        await _tick(fotd)
    assert "**State:** paused" in await _status(server)
    # Fixed and set again: it resumes, and today's post is still made (once).
    server.set_overwrite(news, server.guild.members[server.bot_user.id])
    await _set(server, news, "13:00", "UTC")
    assert "**State:** on" in await _status(server)
    clock.advance(timedelta(hours=1))
    assert [e.outcome for e in await _tick(fotd)] == ["sent"]
    assert _dates(await _posts(server, news)) == ["2026-03-07"]


async def test_status_names_the_retry_as_the_next_post_and_no_retry_once_paused(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "23:27", "Asia/Tokyo")
    server.set_overwrite(news, server.guild.members[server.bot_user.id], deny=perm.SEND_MESSAGES)
    clock.set(datetime(2026, 3, 7, 14, 27, tzinfo=UTC))  # 23:27 in Tokyo
    assert [e.outcome for e in await _tick(fotd)] == ["retry"]
    status = await _status(server)
    # Today's post is retried a minute later, in the schedule's zone; tomorrow is not next.
    assert "**Next post:** 2026-03-07 23:28 (Asia/Tokyo), a retry of the 2026-03-07 post" in status
    assert "2026-03-08" not in status and "Retrying" not in status
    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        await _tick(fotd)
    status = await _status(server)
    assert "**State:** paused" in status
    assert "**Next post:**" not in status and "retry" not in status.casefold()
    assert "fix it, then run `/factoftheday set` again." in status


async def test_a_retry_after_the_day_ends_is_not_promised(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "23:59", "UTC")
    server.server_error("POST /channels/*/messages", status=503)
    clock.set(datetime(2026, 3, 7, 23, 59, tzinfo=UTC))
    assert [e.outcome for e in await _tick(fotd)] == ["retry"]
    # The retry at 00:00 falls after the day's window: the next post is tomorrow's.
    status = await _status(server)
    assert "**Next post:** 2026-03-08 23:59 (UTC)" in status and "retry" not in status.casefold()


async def test_a_failed_post_is_retried_once_and_posted_once(fotd, clock, news):
    server = fotd.server
    await _set(server, news, "13:00", "UTC")
    server.server_error("POST /channels/*/messages", status=503)
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    assert [e.outcome for e in await _tick(fotd)] == ["retry"]
    assert "**Last error (2026-03-07):** Discord error" in await _status(server)
    clock.advance(timedelta(seconds=59))
    assert await _tick(fotd) == []  # the retry waits its minute
    clock.advance(timedelta(seconds=1))
    assert [e.outcome for e in await _tick(fotd)] == ["sent"]
    assert _dates(await _posts(server, news)) == ["2026-03-07"]


# -- restarts at the posting moment --------------------------------------------------------------


class _DiesMidTick:
    """Wraps the cog's real sender; the process 'dies' (hangs until cancelled) at one point."""

    def __init__(self, real, *, after_send: bool) -> None:
        self.real = real
        self.after_send = after_send
        self.reached = asyncio.Event()

    async def send(
        self, guild_id: int, channel_id: int, fact_id: str, local_date: date, *, pack_key: str
    ) -> int:
        if self.after_send:
            await self.real.send(guild_id, channel_id, fact_id, local_date, pack_key=pack_key)
        self.reached.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def find_existing(self, *args):
        return await self.real.find_existing(*args)


async def _die_at_the_posting_moment(h: Harness, *, after_send: bool) -> None:
    dying = _DiesMidTick(_sender(h), after_send=after_send)
    tick = asyncio.create_task(_tick(h, dying))
    await asyncio.wait_for(dying.reached.wait(), 5)
    tick.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await tick


@pytest.mark.parametrize("after_send", [True, False], ids=["sent-not-recorded", "claimed-not-sent"])
async def test_killed_at_the_posting_moment_ends_with_one_post(
    local_discord, tmp_path, shipped_library, clock, news, after_send
):
    server = local_discord
    db_path = tmp_path / "bluebook.db"
    run = {"library": shipped_library, "services_args": {"clock": clock}}
    async with running_bot(server, db_path, **run) as first:
        await _stop_loop(first)
        await _set(server, news, "13:00", "UTC")
        clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
        await _die_at_the_posting_moment(first, after_send=after_send)
        assert len(await _posts(server, news)) == (1 if after_send else 0)
        [row] = await first.bot.fotd._store.posts(server.guild.id)
        assert row.state == "claimed"  # nothing recorded: the day is in doubt
    clock.advance(timedelta(minutes=3))  # the dead claim's lease runs out
    async with running_bot(server, db_path, **run) as second:

        async def recorded() -> bool:
            status = await second.bot.fotd.status(server.guild.id)
            return status is not None and status.last_post_date == date(2026, 3, 7)

        # The start-up pass checks the channel and records (or makes) the one post.
        await _eventually(recorded, "the start-up tick recording the day's post")
        [footer] = await _posts(server, news)
        assert _dates([footer]) == ["2026-03-07"]
        status = await _status(server)
        assert "**Last post:** 2026-03-07" in status
        # Later passes that day change nothing; the next day gets its own single post.
        clock.advance(timedelta(hours=1))
        assert await _tick(second) == []
        clock.set(datetime(2026, 3, 8, 13, 0, tzinfo=UTC))
        assert [e.outcome for e in await _tick(second)] == ["sent"]
        assert _dates(await _posts(server, news)) == ["2026-03-07", "2026-03-08"]
    posts = [
        r
        for r in server.requests
        if r.method == "POST" and r.path == f"/channels/{news.id}/messages"
    ]
    assert len(posts) == 2


async def test_restart_while_the_claim_is_still_leased_waits_then_recovers(
    local_discord, tmp_path, shipped_library, clock, news
):
    server = local_discord
    db_path = tmp_path / "bluebook.db"
    run = {"library": shipped_library, "services_args": {"clock": clock}}
    async with running_bot(server, db_path, **run) as first:
        await _stop_loop(first)
        await _set(server, news, "13:00", "UTC")
        clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
        await _die_at_the_posting_moment(first, after_send=True)
    clock.advance(timedelta(seconds=30))  # back within the lease: the claim may still be live
    async with running_bot(server, db_path, **run) as second:
        await _stop_loop(second)
        assert await _tick(second) == []
        clock.advance(timedelta(minutes=2))
        [event] = await _tick(second)
        assert event.outcome == "recovered"
        assert len(await _posts(server, news)) == 1
