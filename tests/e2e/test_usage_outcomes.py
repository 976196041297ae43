"""The usage event of an exchange carries its real outcome and is timed past the send."""

from __future__ import annotations

import sqlite3

from tests.waiting import until

EPHEMERAL = 64
CALLBACK = "POST /interactions/*/callback"
CHANNEL_SEND = "POST /channels/*/messages"


def _events(bluebook) -> list[tuple]:
    with sqlite3.connect(bluebook.db_path) as conn:
        return conn.execute(
            "SELECT kind, command, outcome, error_class, latency_ms FROM usage_events ORDER BY id"
        ).fetchall()


async def _flushed(bluebook) -> list[tuple]:
    assert bluebook.services.usage is not None
    await bluebook.services.usage.flush()
    return _events(bluebook)


async def test_a_sent_answer_is_ok_and_its_latency_includes_the_send(bluebook):
    server = bluebook.server
    server.slow_responses(CALLBACK, 0.3, count=1)
    await (await server.slash("search", {"query": "GCAP"})).final_message()
    [(kind, command, outcome, error, latency_ms)] = await _flushed(bluebook)
    assert (kind, command, outcome, error) == ("slash", "search", "ok", None)
    # Discord held the answer 0.3 s; the event's time covers that wait.
    assert latency_ms >= 300


async def test_a_refused_answer_is_logged_as_send_failed(bluebook):
    server = bluebook.server
    server.server_error(CALLBACK, count=1, status=400)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    assert handle.id not in bluebook.bot.in_flight
    events = await _flushed(bluebook)
    assert [e[:4] for e in events] == [("slash", "search", "send_failed", "HTTPException")]
    # Refused, so not delivered: the user still gets the short apology, once.
    answer = await handle.final_message()
    assert answer.get("flags", 0) & EPHEMERAL and "went wrong" in answer["content"]


async def test_an_answer_discord_never_takes_is_logged_as_timed_out(bluebook):
    server, bot = bluebook.server, bluebook.bot
    bot.options.reply_timeout_s = 0.3
    server.hang_responses(CALLBACK, count=1)
    handle = await server.slash("search", {"query": "NSS"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to be given up")
    assert handle.id not in bot.in_flight
    events = await _flushed(bluebook)
    assert [e[:4] for e in events] == [("slash", "search", "timed_out", "ReplyTimeout")]


async def test_a_lookup_reply_that_fails_is_logged_as_send_failed(bluebook):
    server = bluebook.server
    server.server_error(CHANNEL_SEND, count=1, status=403)
    server.send_message(server.general, server.member, "what about [[GCAP]]?")
    await until(lambda: bluebook.services.usage.stats.queued, "the lookup's exchange to end")
    events = await _flushed(bluebook)
    assert [e[:3] for e in events] == [("keyword", "lookup", "send_failed")]


async def test_a_button_press_is_one_event_with_its_outcome(bluebook):
    server = bluebook.server
    first = await (await server.slash("search", {"query": "security", "limit": 3})).final_message()
    next_id = {c["label"]: c for row in first["components"] for c in row["components"]}["Next ▶"]
    await (await server.press_button(first, next_id["custom_id"])).final_message()
    events = await _flushed(bluebook)
    assert [e[:3] for e in events] == [("slash", "search", "ok"), ("button", "search", "ok")]
