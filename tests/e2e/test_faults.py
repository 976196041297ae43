"""Faults through the local Discord: after each, the bot answers again and nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.usage import UsageLog
from localdiscord import InteractionHandle, LocalDiscord
from tests.e2e.conftest import running_bot
from tests.waiting import until

CALLBACK = "POST /interactions/*/callback"
CHANNEL_SEND = "POST /channels/*/messages"
CHANNEL_ROUTE = "/channels/{channel_id}/messages"
GCAP_REF = "3.1.1(1)¶4"


def _callbacks(server: LocalDiscord, handle: InteractionHandle) -> list[int | None]:
    return [
        r.status
        for r in server.requests
        if r.method == "POST" and r.path.startswith(f"/interactions/{handle.id}/")
    ]


async def search_answered_once(server: LocalDiscord, query: str = "GCAP") -> InteractionHandle:
    handle = await server.slash("search", {"query": query})
    messages = await handle.messages()
    assert len(messages) == 1, messages
    assert GCAP_REF in json.dumps(messages[0]["embeds"], ensure_ascii=False) or query != "GCAP"
    assert [s for s in _callbacks(server, handle) if s != 429] == [204]
    return handle


async def lookup_answered_once(server: LocalDiscord, *, settle: bool = True) -> dict:
    """Say `[[GCAP]]` and check the one reply; `settle=False` when a request hangs on purpose."""
    said = server.send_message(server.general, server.member, "and [[GCAP]]?")

    def is_reply(m: dict) -> bool:
        return str((m.get("message_reference") or {}).get("message_id")) == said["id"]

    await server.wait_for_request(
        lambda r: (
            r.method == "POST"
            and r.route == CHANNEL_ROUTE
            and r.status == 200
            and is_reply(r.json or {})
        ),
        timeout=10,
        include_past=True,
    )
    if settle:
        await server.quiesce()
    bot_id = str(server.bot_user.id)
    replies = [
        m for m in server.general.messages.values() if m["author"]["id"] == bot_id and is_reply(m)
    ]
    assert len(replies) == 1, replies
    assert GCAP_REF in json.dumps(replies[0], ensure_ascii=False)
    return replies[0]


def _sessions(server: LocalDiscord, kind: str) -> int:
    return [e.kind for e in server.gateway_log].count(kind)


# -- the gateway -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [None, 4000], ids=["no-close-frame", "close-4000"])
async def test_dropped_gateway_resumes_and_replays(bluebook, code):
    server = bluebook.server
    server.drop_connection(code=code)
    # Dispatched while the bot is away: the RESUME must replay it, and only once.
    handle = await server.slash("search", {"query": "GCAP"})
    await server.wait_for_gateway("resume")
    messages = await handle.messages()
    assert len(messages) == 1
    await search_answered_once(server)
    assert _sessions(server, "identify") == 1


async def test_op7_reconnect_resumes(bluebook):
    server = bluebook.server
    server.send_reconnect()
    await server.wait_for_gateway("resume")
    await search_answered_once(server)
    await lookup_answered_once(server)
    assert _sessions(server, "identify") == 1


async def test_op9_resumable_resumes(bluebook):
    server = bluebook.server
    server.invalidate_session(resumable=True)
    await server.wait_for_gateway("resume")
    await search_answered_once(server)
    assert _sessions(server, "identify") == 1


async def test_op9_not_resumable_identifies_again(bluebook):
    server = bluebook.server
    first = server.gateway_log[0].session_id
    server.invalidate_session(resumable=False)
    again = await server.wait_for_gateway("identify")
    assert again.session_id != first
    await asyncio.wait_for(bluebook.bot.wait_for("ready"), 5)
    await search_answered_once(server)
    await lookup_answered_once(server)


# -- REST: 429 and 5xx -----------------------------------------------------------------------


@pytest.mark.parametrize("is_global", [False, True], ids=["route", "global"])
async def test_rate_limited_interaction_answer_is_retried_once(bluebook, is_global):
    server = bluebook.server
    server.rate_limit(CALLBACK, count=1, retry_after=0.05, is_global=is_global)
    handle = await search_answered_once(server)
    assert _callbacks(server, handle) == [429, 204]
    await search_answered_once(server)


@pytest.mark.parametrize("is_global", [False, True], ids=["route", "global"])
async def test_rate_limited_lookup_reply_is_retried_once(bluebook, is_global):
    server = bluebook.server
    server.rate_limit(CHANNEL_SEND, count=2, retry_after=0.05, is_global=is_global)
    await lookup_answered_once(server)
    sends = [r.status for r in server.requests if r.route == CHANNEL_ROUTE]
    assert sends == [429, 429, 200]


@pytest.mark.parametrize("status", [500, 502])
async def test_server_error_on_lookup_reply_is_retried_once(bluebook, status):
    server = bluebook.server
    server.server_error(CHANNEL_SEND, count=1, status=status)
    await lookup_answered_once(server)
    sends = [r.status for r in server.requests if r.method == "POST" and r.route == CHANNEL_ROUTE]
    assert sends == [status, 200]
    await lookup_answered_once(server)


async def test_a_hanging_answer_does_not_block_other_commands(bluebook):
    server = bluebook.server
    # The deadline is long here: this checks only that other commands do not wait.
    bluebook.bot.options.reply_timeout_s = 60.0
    server.hang_responses(CALLBACK, count=1)
    stuck = await server.slash("search", {"query": "NSS"})
    await until(lambda: _callbacks(server, stuck), "the stuck answer's first try")
    # Its retry (a try unanswered with 1 s left in Discord's window is sent again) hangs too.
    server.hang_responses(f"POST /interactions/{stuck.id}/*")
    await search_answered_once(server)
    await lookup_answered_once(server, settle=False)
    assert stuck.record.callback is None
    assert stuck.id in bluebook.bot.in_flight


async def test_a_hanging_answer_is_given_up_after_the_deadline_and_not_sent_twice(bluebook, caplog):
    server, bot = bluebook.server, bluebook.bot
    bot.options.reply_timeout_s = 0.3
    server.hang_responses(CALLBACK, count=1)
    stuck = await server.slash("search", {"query": "NSS"})
    await until(
        lambda: any(r.getMessage() == "reply timed out" for r in caplog.records),
        "the stuck answer to be given up",
    )
    assert stuck.id not in bot.in_flight
    assert not [r for r in caplog.records if r.exc_info]  # a log line, not a traceback
    # One attempt only: a second answer could reach the user twice.
    assert len(_callbacks(server, stuck)) == 1
    await search_answered_once(server)


async def test_a_hanging_lookup_reply_is_given_up_and_the_next_one_is_answered(bluebook, caplog):
    server, bot = bluebook.server, bluebook.bot
    bot.options.reply_timeout_s = 0.3
    server.hang_responses(CHANNEL_SEND, count=1)
    server.send_message(server.general, server.member, "what about [[NSS]]?")
    await until(
        lambda: any(r.getMessage() == "lookup reply failed" for r in caplog.records),
        "the hanging reply to be given up",
    )
    # settle=False: the stand-in still holds the hung request open.
    await lookup_answered_once(server, settle=False)


# -- the database ------------------------------------------------------------------------------


def assert_all_counted(usage: UsageLog) -> None:
    """Every event offered is written, dropped (and counted) or still queued."""
    s = usage.stats
    assert s.queued == s.written + s.dropped_write_failed + usage.pending, s
    assert s.dropped == s.dropped_queue_full + s.dropped_write_failed, s


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    other = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def _stored(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        events = conn.execute("SELECT count(*) FROM usage_events").fetchone()[0]
        drops = conn.execute("SELECT coalesce(sum(dropped), 0) FROM usage_drops").fetchone()[0]
        return events, drops
    finally:
        conn.close()


async def test_locked_database_commands_answered_and_drops_counted(
    local_discord, tmp_path, shipped_library
):
    server, db = local_discord, tmp_path / "b.db"
    async with running_bot(server, db, library=shipped_library) as h:
        usage = h.services.usage
        await search_answered_once(server)
        await usage.flush()
        written_before = usage.stats.written
        assert written_before == 1

        with exclusive_lock(db):
            await search_answered_once(server)
            await lookup_answered_once(server)
            await usage.flush()
            assert usage.stats.written == written_before
            assert usage.stats.dropped_write_failed == 2
            assert_all_counted(usage)

        # Writing resumes once the lock is gone.
        await search_answered_once(server)
        await usage.flush()
        assert usage.stats.written == written_before + 1
        assert_all_counted(usage)
        stats = usage.stats
    events, drops = _stored(db)
    assert (events, drops) == (stats.written, stats.dropped)


async def test_deleted_database_is_recreated_and_nothing_lost_uncounted(
    local_discord, tmp_path, shipped_library
):
    server, db = local_discord, tmp_path / "b.db"
    async with running_bot(server, db, library=shipped_library) as h:
        usage = h.services.usage
        await search_answered_once(server)
        await usage.flush()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{db}{suffix}")

        await search_answered_once(server)
        await lookup_answered_once(server)
        await usage.flush()
        assert_all_counted(usage)
        assert db.exists()
        after_delete = usage.stats.written + usage.stats.dropped - 1
        assert after_delete == 2
        stats = usage.stats
    events, drops = _stored(db)
    # The recreated file holds what was written after the deletion; drops are counted there.
    assert events + drops == after_delete
    assert drops == stats.dropped
