"""An interaction's first answer meets Discord's 3 s window through 5xx, and is sent once.

discord.py alone retries a 5xx on the callback after 1 s and then 3 s, so two in a row put
the answer past the window (the local Discord then answers 404 10062, as Discord does).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import discord
import pytest

from bot.interactions.sending import acknowledged, respond
from bot.replies.common import Reply
from localdiscord import InteractionHandle, LocalDiscord
from tests.waiting import until

CALLBACK = "POST /interactions/*/callback"
GCAP_REF = "3.1.1(1)¶4"
EPHEMERAL = 64


def _tries(server: LocalDiscord, handle: InteractionHandle) -> list[tuple[int | None, int | None]]:
    """(status, Discord error code) of each callback request for `handle`, in order."""
    return [
        (r.status, r.code)
        for r in server.requests
        if r.method == "POST" and r.path.startswith(f"/interactions/{handle.id}/")
    ]


async def _events(bluebook) -> list[tuple]:
    await bluebook.services.usage.flush()
    with sqlite3.connect(bluebook.db_path) as conn:
        return conn.execute(
            "SELECT kind, command, outcome, error_class FROM usage_events ORDER BY id"
        ).fetchall()


def _no_error_replies(handle: InteractionHandle) -> bool:
    return not any("went wrong" in (m.get("content") or "") for m in handle.record.messages())


@pytest.mark.parametrize("statuses", [(500, 502), (502, 500, 500)])
async def test_a_first_answer_after_5xx_lands_within_the_window(bluebook, statuses):
    server = bluebook.server
    for status in statuses:
        server.server_error(CALLBACK, count=1, status=status)
    handle = await server.slash("search", {"query": "GCAP"})
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    # The last try was taken: the local Discord refuses one past its window with 404 10062.
    assert _tries(server, handle) == [(s, None) for s in statuses] + [(204, None)]
    assert await _events(bluebook) == [("slash", "search", "ok", None)]


async def test_a_5xx_that_applied_the_answer_counts_as_answered_once(bluebook, caplog):
    server = bluebook.server
    caplog.set_level(logging.WARNING)
    server.server_error(CALLBACK, count=1, status=500, applied=True)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    # The retry is refused as a second answer: the first, answered 500, had landed.
    assert _tries(server, handle) == [(500, None), (400, 40060)]
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    assert _no_error_replies(handle)
    assert await _events(bluebook) == [("slash", "search", "ok", None)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records


async def test_a_button_edit_that_applied_under_a_5xx_is_not_an_error(bluebook):
    server = bluebook.server
    first = await (await server.slash("search", {"query": "security", "limit": 3})).final_message()
    next_button = {c["label"]: c for row in first["components"] for c in row["components"]}
    server.server_error(CALLBACK, count=1, status=502, applied=True)
    press = await server.press_button(first, next_button["Next ▶"]["custom_id"])
    await until(lambda: bluebook.services.usage.stats.queued >= 2, "the press to end")
    assert _tries(server, press) == [(502, None), (400, 40060)]
    assert press.record.callback_type == 7  # the message was edited, once
    assert not press.record.followups
    assert [e[:3] for e in await _events(bluebook)] == [
        ("slash", "search", "ok"),
        ("button", "search", "ok"),
    ]


async def test_after_a_40060_retry_the_next_send_follows_up(bluebook):
    server, bot = bluebook.server, bluebook.bot
    received = asyncio.ensure_future(bot.wait_for("interaction"))
    server.server_error(CALLBACK, count=1, status=500, applied=True)
    handle = await server.slash("search", {"query": "GCAP"})
    interaction: discord.Interaction = await received
    await until(lambda: bluebook.services.usage.stats.queued, "the answer to be sent")
    await respond(interaction, Reply(content="and one more thing", ephemeral=True))
    messages = await handle.messages()
    assert [m.get("content") for m in messages[1:]] == ["and one more thing"]
    assert [s for s, _ in _tries(server, handle)] == [500, 400]


async def test_5xx_until_the_window_closes_is_counted_and_not_answered_with_an_error(
    bluebook, caplog
):
    server = bluebook.server
    server.server_error(CALLBACK, count=None, status=500)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the bot to give up")
    server.clear_faults()
    tries = _tries(server, handle)
    # Several tries inside the window, then the bot stops by itself: Discord would no longer
    # take an answer, and there is no answer to follow up.
    assert len(tries) >= 3 and {s for s, _ in tries} == {500}, tries
    assert handle.record.callback is None and not handle.record.followups
    assert await _events(bluebook) == [("slash", "search", "send_failed", "AnswerWindowClosed")]
    assert handle.id not in bluebook.bot.in_flight
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_deferral_that_applied_under_a_5xx_is_followed_up(bluebook):
    server = bluebook.server
    server.server_error(CALLBACK, count=1, status=502, applied=True)
    handle = await server.slash("stats", {"days": 7}, user=server.admin)
    answer = await handle.final_message()
    assert [s for s, _ in _tries(server, handle)] == [502, 400]
    assert handle.record.callback_type == 5  # deferred once; the statistics followed up
    assert answer.get("flags", 0) & EPHEMERAL
    assert [e["title"] for e in answer["embeds"]] == ["Usage over the last 7 days"]
    assert _no_error_replies(handle)


async def test_a_first_answer_whose_try_hangs_is_sent_again_within_the_window(bluebook, caplog):
    server = bluebook.server
    caplog.set_level(logging.WARNING)
    server.hang_responses(CALLBACK, count=1)
    handle = await server.slash("search", {"query": "GCAP"})
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    # The first try is still held; the second was taken (the local Discord refuses a
    # callback past its window with 404 10062).
    assert _tries(server, handle) == [(None, None), (204, None)]
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    assert await _events(bluebook) == [("slash", "search", "ok", None)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records


async def test_a_hung_try_that_applied_the_answer_counts_as_answered_once(bluebook, caplog):
    server, bot = bluebook.server, bluebook.bot
    caplog.set_level(logging.WARNING)
    received = asyncio.ensure_future(bot.wait_for("interaction"))
    server.hang_responses(CALLBACK, count=1, applied=True)
    handle = await server.slash("search", {"query": "GCAP"})
    interaction: discord.Interaction = await received
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    # The retry is refused as a second answer: the hung try had landed.
    assert _tries(server, handle) == [(None, None), (400, 40060)]
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    assert _no_error_replies(handle)
    assert await _events(bluebook) == [("slash", "search", "ok", None)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records
    # The answer is known from the 40060, and a further send follows up.
    assert acknowledged(interaction)
    await respond(interaction, Reply(content="and one more thing", ephemeral=True))
    assert [m.get("content") for m in (await handle.messages())[1:]] == ["and one more thing"]
    assert handle.record.callback_type == 4  # answered once, by the hung try


async def test_a_first_answer_cut_off_is_sent_again_and_counted_once(bluebook):
    server = bluebook.server
    server.drop_responses(CALLBACK, count=1, applied=True)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    # The connection closed with no answer, after Discord took the answer: the retry's 40060.
    assert _tries(server, handle) == [(None, None), (400, 40060)]
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    assert _no_error_replies(handle)
    assert await _events(bluebook) == [("slash", "search", "ok", None)]


async def test_a_first_answer_cut_off_before_it_arrived_is_sent_again(bluebook):
    server = bluebook.server
    server.drop_responses(CALLBACK, count=1)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    assert _tries(server, handle) == [(None, None), (204, None)]
    [answer] = await handle.messages()
    assert GCAP_REF in str(answer["embeds"])
    assert await _events(bluebook) == [("slash", "search", "ok", None)]


async def test_a_429_longer_than_the_window_gives_up_at_once(bluebook):
    server = bluebook.server
    server.rate_limit(CALLBACK, count=1, retry_after=5.0)
    handle = await server.slash("search", {"query": "GCAP"})
    await until(lambda: bluebook.services.usage.stats.queued, "the exchange to end")
    # No try the 429 forbade; and no apology, which Discord would not take either.
    assert _tries(server, handle) == [(429, None)]
    assert list(handle.record.messages()) == []
    assert await _events(bluebook) == [("slash", "search", "send_failed", "AnswerWindowClosed")]
