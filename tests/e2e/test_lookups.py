"""Keyword lookups in chat, end to end: the real bot reads and answers through the local Discord."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from bot.lookups.limits import PassiveLimiter
from bot.replies.markdown import ZERO_WIDTH_SPACE
from localdiscord import CommandHidden
from localdiscord import permissions as perm
from localdiscord.model import Member
from tests.e2e.conftest import running_bot
from tests.waiting import until

EPHEMERAL = 64


class Ticks:
    """A monotonic clock for the noise limits that only moves when the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _replies_to(messages: list[dict], source: dict) -> list[dict]:
    return [
        m
        for m in messages
        if str((m.get("message_reference") or {}).get("message_id")) == source["id"]
    ]


def _titles(message: dict) -> list[str]:
    return [e.get("title", "") for e in message["embeds"]]


async def _say(server, text: str, *, author=None, channel=None) -> dict:
    """Post `text` and return the bot's one reply to it (failing if there is none or several)."""
    where = channel or server.general
    source = server.send_message(where, author or server.member, text)
    # The reply first (a loaded machine can be slower than the idle wait), then quiet, so a
    # second reply would be seen too.
    await until(lambda: _replies_to(list(where.messages.values()), source), f"a reply to {text!r}")
    replies = _replies_to(await server.bot_messages(channel), source)
    assert len(replies) == 1, (text, replies)
    return replies[0]


async def _say_unanswered(server, text: str, *, author=None, channel=None) -> None:
    where = channel or server.general
    await server.quiesce()
    before = {str(message_id) for message_id in where.messages}
    source = server.send_message(where, author or server.member, text)
    new = [m for m in await server.bot_messages(channel) if m["id"] not in before | {source["id"]}]
    assert new == [], (text, new)


async def _passive_on(server, channel=None) -> None:
    options = {"mode": "passive", "enabled": True}
    if channel is not None:
        options["channel"] = channel
    answer = await (await server.slash("lookups set", options, user=server.admin)).final_message()
    assert "Passive lookups are now **on**" in answer["content"], answer


# -- explicit lookups ----------------------------------------------------------------------------


async def test_bracketed_lookup_replies_with_quote_and_reference(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "what does it say about [[GCAP]]?")
    [reply] = await server.bot_messages()
    assert str(reply["message_reference"]["message_id"]) == source["id"]
    [embed] = reply["embeds"]
    assert embed["title"] == "[[GCAP]] · 3.1.1(1)¶4"
    assert embed["description"].startswith("> ")
    assert "**GCAP**" in embed["description"]
    assert embed["url"].startswith("https://www.mofa.go.jp/")
    # A reply that does not ping the asker, and nothing else.
    post = next(r for r in server.requests if r.method == "POST" and r.path.endswith("/messages"))
    assert post.json["allowed_mentions"]["parse"] == []
    assert post.json["allowed_mentions"].get("replied_user") is False


async def test_three_lookups_per_message_and_a_fourth_is_ignored(bluebook):
    reply = await _say(bluebook.server, "[[GCAP]] [[PKO]] [[MOFA]] [[territorial integrity]]")
    titles = _titles(reply)
    assert len(titles) == 3
    assert [t.split(" · ")[0] for t in titles] == ["[[GCAP]]", "[[PKO]]", "[[MOFA]]"]


async def test_duplicate_lookups_are_collapsed(bluebook):
    reply = await _say(bluebook.server, "[[GCAP]] or rather [[gcap]], i.e. [[ GCAP ]]")
    assert _titles(reply) == ["[[GCAP]] · 3.1.1(1)¶4"]


async def test_written_reference_gets_the_opening_lines(bluebook):
    server = bluebook.server
    reply = await _say(server, "as §3.1.1(3) says")
    [embed] = reply["embeds"]
    assert embed["title"] == "(3) Territorial Integrity · 3.1.1(3)"
    opening = bluebook.services.library.current.newest.pack.paragraphs["3.1.1(3)¶1"].text
    assert embed["description"].startswith("> " + opening[:60])
    # A plain number is not a reference.
    await _say_unanswered(server, "we are on version 3.1 of the plan")


@pytest.mark.parametrize(
    "text",
    [
        "```\n[[GCAP]]\n```",
        "see `[[GCAP]]` for the syntax",
        "> [[GCAP]]",
        ">>> quoted\n[[GCAP]]",
        "||[[GCAP]]||",
        "`§3.1.1(3)`",
    ],
    ids=["code-block", "inline-code", "quote", "block-quote", "spoiler", "inline-code-ref"],
)
async def test_code_quotes_and_spoilers_are_ignored(bluebook, text):
    server = bluebook.server
    await _say_unanswered(server, text)
    # The same lookup in plain text is answered, so the silence above is the markup's doing.
    await _say(server, "[[GCAP]]")


async def test_messages_from_bots_are_ignored(bluebook):
    server = bluebook.server
    other = server.world.add_user("otherbot", bot=True)
    server.guild.members[other.id] = Member(other, server.guild.id)
    await _say_unanswered(server, "[[GCAP]] §3.1.1(3)", author=other)
    # The bot's own message (its echo over the gateway) is never answered either.
    await _say_unanswered(server, "[[GCAP]] §3.1.1(3)", author=server.bot_user)
    await _say(server, "[[GCAP]] §3.1.1(3)", author=server.member)


# -- edits, deletions, reactions -----------------------------------------------------------------


async def test_editing_to_other_lookups_edits_the_reply(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "[[GCAP]]")
    [reply] = await server.bot_messages()
    server.edit_message(source, "actually [[PKO]]")
    [edited] = await server.bot_messages()
    assert edited["id"] == reply["id"]
    assert _titles(edited) == ["[[PKO]] · 3.1.1(2)¶2"]
    assert edited["edited_timestamp"] is not None


async def test_editing_to_no_lookups_deletes_the_reply(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "[[GCAP]]")
    assert len(await server.bot_messages()) == 1
    server.edit_message(source, "never mind")
    assert await server.bot_messages() == []


async def test_editing_to_the_same_lookups_leaves_the_reply_alone(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "[[GCAP]]")
    [reply] = await server.bot_messages()
    server.edit_message(source, "so, [[gcap]]?")
    [same] = await server.bot_messages()
    assert same["id"] == reply["id"] and same["edited_timestamp"] is None


async def test_deleting_the_message_deletes_the_reply(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "[[GCAP]]")
    assert len(await server.bot_messages()) == 1
    server.delete_message(source)
    assert await server.bot_messages() == []


async def test_wastebasket_from_the_asker_deletes_the_reply_from_others_not(bluebook):
    server = bluebook.server
    server.send_message(server.general, server.member, "[[GCAP]]")
    [reply] = await server.bot_messages()
    server.add_reaction(reply, "🗑️", user=server.admin)
    server.add_reaction(reply, "👍", user=server.member)
    assert [m["id"] for m in await server.bot_messages()] == [reply["id"]]
    server.add_reaction(reply, "🗑️", user=server.member)
    assert await server.bot_messages() == []


# -- passive mode ---------------------------------------------------------------------------------


async def test_passive_mode_is_off_by_default_and_needs_manage_server(bluebook):
    server = bluebook.server
    await _say_unanswered(server, "GCAP")
    server.allow_command(server.guild, "lookups", server.member)  # an admin's override
    denied = await (
        await server.slash("lookups set", {"mode": "passive", "enabled": True})
    ).final_message()
    assert denied.get("flags", 0) & EPHEMERAL
    assert "Manage Server" in denied["content"]
    await _say_unanswered(server, "GCAP")
    await _passive_on(server)
    reply = await _say(server, "the GCAP is late")
    assert reply["embeds"] == []
    assert reply["content"].count("\n") == 0
    assert reply["content"].startswith("**GCAP** — Global Combat Air Programme · `3.1.1(1)¶4`")


async def test_passive_answer_shows_the_lookup_syntax_as_typed(bluebook):
    server = bluebook.server
    await _passive_on(server)
    reply = await _say(server, "what is the Indo-Pacific vision?")
    assert reply["content"].startswith("**Indo-Pacific** — ")
    assert reply["content"].endswith(" · `[[Indo-Pacific]]` quotes it")
    # And that syntax, typed, is answered.
    answer = await _say(server, "[[Indo-Pacific]]")
    assert _titles(answer)[0].startswith("[[Indo-Pacific]] · 3.")


async def test_passive_term_is_answered_once_per_channel(bluebook):
    server = bluebook.server
    other = server.add_channel(server.guild, "other")
    await _passive_on(server)
    await _say(server, "GCAP")
    await _say_unanswered(server, "more about GCAP", author=server.admin)
    # The cooldown is per channel: another channel still gets its explanation.
    await _say(server, "GCAP", channel=other)


async def test_passive_limits_per_user_and_per_channel(bluebook):
    server = bluebook.server
    ticks = Ticks()
    bluebook.bot.get_cog("LookupsCog").passive_limit = PassiveLimiter(now=ticks)
    await _passive_on(server)
    alice, bob, carol = (server.add_member(server.guild, n) for n in ("alice", "bob", "carol"))
    for term in ("GCAP", "NSS", "NDS"):
        await _say(server, term, author=alice)
    await _say_unanswered(server, "PKO", author=alice)  # a fourth in a minute from one user
    for term in ("PKO", "MOFA"):
        await _say(server, term, author=bob)
    await _say_unanswered(server, "DBP", author=carol)  # a sixth in a minute in one channel
    ticks.now += 61
    await _say(server, "DBP", author=carol)
    await _say(server, "WMD", author=alice)


# -- settings --------------------------------------------------------------------------------------


async def test_lookup_settings_survive_a_restart(local_discord, tmp_path, shipped_library):
    server = local_discord
    db_path = tmp_path / "bluebook.db"
    other = server.add_channel(server.guild, "other")
    async with running_bot(server, db_path, library=shipped_library):
        answer = await (
            await server.slash(
                "lookups set",
                {"mode": "explicit", "enabled": False, "channel": server.general},
                user=server.admin,
            )
        ).final_message()
        assert "Explicit lookups are now **off**" in answer["content"]
        await _say_unanswered(server, "[[GCAP]]")
    async with running_bot(server, db_path, library=shipped_library):
        await _say_unanswered(server, "[[GCAP]]")
        await _say(server, "[[GCAP]]", channel=other)
        status = await (await server.slash("lookups status", user=server.admin)).final_message()
        assert status.get("flags", 0) & EPHEMERAL
        description = status["embeds"][0]["description"]
        assert f"<#{server.general.id}>: explicit off" in description
        assert "**Server:** explicit `[[...]]` on, passive off" in description
    assert not server.requests_without_allowed_mentions()


async def test_lookups_status_needs_manage_server(bluebook):
    server = bluebook.server
    with pytest.raises(CommandHidden, match="Manage Server"):
        await server.slash("lookups status")
    server.allow_command(server.guild, "lookups", server.member)  # an admin's override
    denied = await (await server.slash("lookups status")).final_message()
    assert denied.get("flags", 0) & EPHEMERAL and "Manage Server" in denied["content"]
    moderator = server.add_member(server.guild, "moderator", permissions=perm.MANAGE_GUILD)
    allowed = await (await server.slash("lookups status", user=moderator)).final_message()
    assert allowed["embeds"][0]["title"] == "Keyword lookups"


# -- mentions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["[[@everyone GCAP]]", "[[@everyone]]", "[[<@&123> GCAP]]", "[[@here gcap]]"]
)
async def test_mentions_inside_a_lookup_never_ping(bluebook, text):
    server = bluebook.server
    reply = await _say(server, f"hey {text}")
    post = next(r for r in server.requests if r.method == "POST" and r.path.endswith("/messages"))
    assert post.json["allowed_mentions"]["parse"] == []
    assert not post.json["allowed_mentions"].get("replied_user")
    shown = json.dumps(reply["embeds"], ensure_ascii=False)
    for mention in ("@everyone", "@here", "<@&123>"):
        assert mention not in shown
    assert ZERO_WIDTH_SPACE in shown
    assert reply["mention_everyone"] is False and reply["mentions"] == []


# -- races: the source changes while the reply is on its way ---------------------------------


async def _reply_in_flight(server, text: str) -> tuple[dict, dict]:
    """Post `text`; return it and the bot's reply once Discord holds the reply but the bot
    has not had Discord's answer yet (the answer comes 0.5 s late)."""
    server.late_responses("POST /channels/*/messages", 0.5)
    source = server.send_message(server.general, server.member, text)
    for _ in range(400):
        replies = _replies_to(list(server.general.messages.values()), source)
        if replies:
            return source, replies[0]
        await asyncio.sleep(0.005)
    raise AssertionError("the reply never reached the local Discord")


async def test_source_deleted_while_the_reply_is_in_flight_takes_the_reply(bluebook):
    server = bluebook.server
    source, reply = await _reply_in_flight(server, "what about [[GCAP]]?")
    server.delete_message(source)
    messages = await server.bot_messages(idle=0.8)
    assert reply["id"] not in {m["id"] for m in messages}


async def test_source_edited_while_the_reply_is_in_flight_mends_the_reply(bluebook):
    server = bluebook.server
    source, reply = await _reply_in_flight(server, "what about [[GCAP]]?")
    server.edit_message(source, "actually [[PKO]]")
    await server.bot_messages(idle=0.8)
    mended = server.general.messages[int(reply["id"])]
    assert any("PKO" in t for t in _titles(mended)), _titles(mended)


async def test_a_reply_to_an_already_deleted_message_is_refused_and_not_left(bluebook):
    server = bluebook.server
    # The reply reaches Discord only after the source is gone: Discord refuses it (50035).
    server.slow_responses("POST /channels/*/messages", 0.3, count=1)
    source = server.send_message(server.general, server.member, "what about [[GCAP]]?")
    await asyncio.sleep(0.1)
    server.delete_message(source)
    assert _replies_to(await server.bot_messages(idle=0.6), source) == []
    refused = [r for r in server.requests if r.route == "/channels/{channel_id}/messages"]
    assert [r.status for r in refused if r.method == "POST"] == [400]


async def test_an_edit_that_adds_a_lookup_gets_a_reply(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "what was that programme?")
    assert await server.bot_messages() == []
    server.edit_message(source, "what was that programme? [[GCAP]]")
    [reply] = await server.bot_messages()
    assert _titles(reply)[0].startswith("[[GCAP]] · ")
    assert str(reply["message_reference"]["message_id"]) == str(source["id"])
    # A second edit follows the reply, as for any answered message: no second reply.
    server.edit_message(source, "what was that programme? [[PKO]]")
    [edited] = await server.bot_messages()
    assert edited["id"] == reply["id"] and _titles(edited)[0].startswith("[[PKO]] · ")


async def test_an_edit_that_adds_a_lookup_to_a_passive_answer_gets_its_answer(bluebook):
    """The passive answer is replaced by the `[[...]]` the edit adds; that answer then
    follows the message as any lookup reply does, also once the passive term is gone."""
    server = bluebook.server
    await _passive_on(server)
    source = server.send_message(server.general, server.member, "the GCAP is late")
    [passive] = await server.bot_messages()
    assert passive["content"].startswith("**GCAP** — ")
    server.edit_message(source, "the GCAP is late, see [[PKO]]")
    [edited] = await server.bot_messages()
    assert edited["id"] == passive["id"]
    assert not edited["content"] and _titles(edited) == ["[[PKO]] · 3.1.1(2)¶2"]
    server.edit_message(source, "see [[PKO]]")  # the passive term gone, the lookup kept
    [kept] = await server.bot_messages()
    assert kept["id"] == passive["id"] and _titles(kept) == ["[[PKO]] · 3.1.1(2)¶2"]
    server.edit_message(source, "never mind")
    assert await server.bot_messages() == []


async def test_an_edit_keeping_a_passive_term_keeps_the_passive_answer(bluebook):
    server = bluebook.server
    await _passive_on(server)
    source = server.send_message(server.general, server.member, "the GCAP is late")
    [passive] = await server.bot_messages()
    server.edit_message(source, "the GCAP is very late")
    [same] = await server.bot_messages()
    assert same["id"] == passive["id"] and same["edited_timestamp"] is None
    server.edit_message(source, "it is very late")
    assert await server.bot_messages() == []


async def test_a_lookup_too_long_gets_one_line_saying_so_and_is_logged_refused(bluebook):
    server = bluebook.server
    reply = await _say(server, "[[" + "fishing " * 40 + "]] and [[GCAP]]")
    [too_long, answer] = reply["embeds"]
    assert too_long["description"] == (
        "That `[[...]]` is too long to look up: at most 200 characters, as in /search."
    )
    assert "title" not in too_long
    assert answer["title"].startswith("[[GCAP]] · ")
    await bluebook.services.usage.flush()
    with sqlite3.connect(bluebook.db_path) as conn:
        rows = conn.execute(
            "SELECT query, top_ref, outcome FROM usage_events WHERE kind = 'keyword' ORDER BY id"
        ).fetchall()
    assert [(q[:15], ref, outcome) for q, ref, outcome in rows] == [
        ("fishing fishing", None, "refused"),
        ("gcap", "3.1.1(1)¶4", "ok"),
    ]


async def test_lookups_set_offers_the_modes_as_the_readme_writes_them(bluebook):
    server = bluebook.server
    [lookups] = [c for c in server.commands(server.guild) if c["name"] == "lookups"]
    [set_] = [o for o in lookups["options"] if o["name"] == "set"]
    [mode] = [o for o in set_["options"] if o["name"] == "mode"]
    assert [(c["name"], c["value"]) for c in mode["choices"]] == [
        ("explicit", "explicit"),
        ("passive", "passive"),
    ]
    with pytest.raises(ValueError, match=r"Value must be one of \(explicit, passive\)"):
        await server.slash("lookups set", {"mode": "bogus", "enabled": True}, user=server.admin)


async def test_a_paragraph_past_the_last_is_answered_as_section_answers_it(bluebook):
    """`[[3.1.1(1)¶9]]` names the section and its paragraphs, as `/section 3.1.1(1)¶9` does."""
    server = bluebook.server
    [embed] = (await _say(server, "what does [[3.1.1(1)¶9]] say?"))["embeds"]
    section = await (await server.slash("section", {"ref": "3.1.1(1)¶9"})).final_message()
    assert (
        embed["description"]
        == section["content"]
        == (
            "`3.1.1(1)` has no ¶9 in Diplomatic Bluebook 2025: its paragraphs are ¶1 to ¶4.\n"
            "Open the section with `/section 3.1.1(1)`."
        )
    )


@pytest.mark.parametrize("typed", ["2025:", "@2025"])
async def test_an_edition_alone_is_answered_in_one_line_as_section_answers_it(bluebook, typed):
    """`[[2025:]]` names an edition and no section: one line quoting it as typed, no closest
    sections (nothing is near an empty reference), as `/section 2025:` says."""
    server = bluebook.server
    [embed] = (await _say(server, f"see [[{typed}]]"))["embeds"]
    section = await (await server.slash("section", {"ref": typed})).final_message()
    expected = f"“{typed}” names an edition only: give a reference after it."
    assert embed["description"] == section["content"] == expected
