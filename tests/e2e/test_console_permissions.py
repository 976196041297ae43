"""The console's !deny and !allow: take a permission from the bot in a channel and give it back,
and see what the real bot does without it (trial: no way to see /factoftheday set refused)."""

from __future__ import annotations

import io

from localdiscord import ConsoleSession
from tests.e2e.test_fotd import clock, fotd, news  # noqa: F401 (fixtures)

SET_NEWS = "/factoftheday set channel:#news time:09:00 timezone:UTC"


def _session(harness) -> tuple[ConsoleSession, io.StringIO]:
    out = io.StringIO()
    return ConsoleSession(harness.server, out, timeout=10, idle=0.05), out


async def _say(console: ConsoleSession, out: io.StringIO, line: str) -> str:
    start = len(out.getvalue())
    await console.handle_line(line)
    return out.getvalue()[start:]


async def test_deny_send_messages_refuses_fotd_set_and_allow_accepts_it(fotd, news):  # noqa: F811
    console, out = _session(fotd)
    denied = await _say(console, out, "!deny send_messages #news")
    assert denied == (
        "(#news: the bot's overwrite now denies Send Messages; it lacks there: Send Messages, "
        "Embed Links, Attach Files, Send Messages In Threads)\n"
    )
    refused = await _say(console, out, SET_NEWS)
    assert f"I can't post in <#{news.id}>: missing Send Messages" in refused
    assert "**State:**" not in refused
    allowed = await _say(console, out, "!allow #news send_messages")
    assert allowed == (
        "(#news: the bot's overwrite now allows Send Messages; it now has there: Send Messages, "
        "Embed Links, Attach Files, Send Messages In Threads)\n"
    )
    accepted = await _say(console, out, SET_NEWS)
    assert "**State:** on" in accepted and "missing" not in accepted


async def test_deny_acts_in_general_by_default_and_takes_discords_wording(fotd):  # noqa: F811
    console, out = _session(fotd)
    general = fotd.server.general
    assert await _say(console, out, "!deny Embed Links") == (
        "(#general: the bot's overwrite now denies Embed Links; it lacks there: Embed Links)\n"
    )
    refused = await _say(console, out, "/factoftheday set channel:#general time:09:00 timezone:UTC")
    assert f"I can't post in <#{general.id}>: missing Embed Links." in refused
    assert await _say(console, out, "!deny embed-links") == (
        "(#general: the bot's overwrite now denies Embed Links; it lacked it there already)\n"
    )
    assert await _say(console, out, "!deny view_channel") == (
        "(#general: the bot's overwrite now denies View Channel; without View Channel it has "
        "no permission there)\n"
    )
    # Embed Links is allowed again, but without View Channel the bot still has nothing there.
    assert await _say(console, out, "!allow embed_links") == (
        "(#general: the bot's overwrite now allows Embed Links; it still lacks it there: "
        "it needs View Channel too)\n"
    )
    assert await _say(console, out, "!allow view_channel") == (
        "(#general: the bot's overwrite now allows View Channel; it sees the channel again, "
        "with its other permissions there)\n"
    )
    # Embed Links stays explicitly allowed: the bot may post embeds in #general again.
    accepted = await _say(
        console, out, "/factoftheday set channel:#general time:09:00 timezone:UTC"
    )
    assert "**State:** on" in accepted


async def test_deny_and_allow_errors_are_one_line(fotd, news):  # noqa: F811
    console, out = _session(fotd)
    lines = [
        await _say(console, out, "!deny send_mesages #news"),
        await _say(console, out, "!deny fly #news"),
        await _say(console, out, "!deny manage_guild"),
        await _say(console, out, "!allow #news"),
        await _say(console, out, "!deny send_messages #nwes"),
        await _say(console, out, "!deny send_messages #zzz"),
        await _say(console, out, "!as member !deny send_messages #news"),
        await _say(console, out, "!deny send_messages #news #general"),
    ]
    assert lines == [
        "error: unknown permission 'send_mesages'; did you mean send_messages or "
        "send_tts_messages?\n",
        "error: unknown permission 'fly'; e.g. send_messages, embed_links, view_channel "
        "(Tab completes the names)\n",
        "error: manage_guild is a server permission: a channel overwrite cannot change it\n",
        "error: say which permission: !allow send_messages #general\n",
        "error: no channel #nwes in Local Guild; did you mean #news?\n",
        "error: no channel #zzz in Local Guild; its channels: #general, #news\n",
        "error: member cannot change #news's permissions: Discord lets only members with "
        "Manage Permissions do that\n",
        "error: name one channel: !deny send_messages #news\n",
    ]
    # None of them changed anything: the bot still may post in #news.
    assert not news.overwrites
    assert "**State:** on" in await _say(console, out, SET_NEWS)


async def test_help_and_tab_offer_deny_and_allow(fotd):  # noqa: F811
    console, out = _session(fotd)
    shown = await _say(console, out, "!help")
    assert "!deny PERMISSION [#channel]" in shown and "!allow PERMISSION [#channel]" in shown
    assert console.verb_choices("!deny send_m") == ["send_messages", "send_messages_in_threads"]
    assert console.verb_choices("!allow Embed") == ["embed_links"]
    assert console.verb_choices("!deny send_messages #n") == ["#news"]
    assert console.verb_choices("!deny ") == list(console.verb_choices("!allow "))
    assert console.verb_choices("!press ") == []


async def test_a_lookup_where_the_bot_cannot_embed_says_so_once(bluebook):
    """Without Embed Links a lookup's quote cannot go out: the bot says so in plain text,
    once per channel for a while, not once per lookup and not never (trial)."""
    out = io.StringIO()
    # Chat answers follow gateway events: wait for a longer quiet than commands need.
    console = ConsoleSession(bluebook.server, out, timeout=10, idle=0.25)
    await _say(console, out, "!deny embed_links")
    first = await _say(console, out, "what about [[GCAP]]?")
    assert "I can't quote the Bluebook here: missing Embed Links." in first
    again = await _say(console, out, "and [[NSS]]?")
    assert "Embed Links" not in again
    await _say(console, out, "!allow embed_links")
    quoted = await _say(console, out, "and [[PKO]]?")
    assert "[[PKO]]" in quoted and "Embed Links" not in quoted
