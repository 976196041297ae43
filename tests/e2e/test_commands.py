"""Slash commands through the local Discord with the real discord.py client."""

from __future__ import annotations

import json

import pytest

from localdiscord import CommandHidden

EPHEMERAL = 64


def _embed(message: dict) -> dict:
    assert message["embeds"], message
    return message["embeds"][0]


def _buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components", []) for c in row["components"]]


async def test_commands_synced_to_the_dev_guild(bluebook):
    names = {c["name"] for c in bluebook.server.commands(bluebook.server.guild)}
    assert {"search", "section", "toc", "fact", "verify", "help", "Find in Bluebook"} <= names
    puts = [r for r in bluebook.server.requests if r.method == "PUT" and "/commands" in r.path]
    assert puts and all("/guilds/" in r.path for r in puts)


async def test_search_gcap_quotes_with_reference(bluebook):
    handle = await bluebook.server.slash("search", {"query": "GCAP"})
    message = await handle.final_message()
    embed = _embed(message)
    assert "`3.1.1(1)¶4`" in json.dumps(embed, ensure_ascii=False)
    assert (
        "**GCAP**" in embed["description"]
        or "**Global Combat Air Programme**" in embed["description"]
    )
    assert embed["url"].startswith("https://www.mofa.go.jp/")
    assert not message.get("flags", 0) & EPHEMERAL


async def test_search_private_is_ephemeral(bluebook):
    handle = await bluebook.server.slash(
        "search", {"query": "territorial integrity", "private": True}
    )
    message = await handle.final_message()
    assert message.get("flags", 0) & EPHEMERAL


async def test_search_nothing_found_suggests(bluebook):
    handle = await bluebook.server.slash("search", {"query": "zxqv blorptangle"})
    embed = _embed(await handle.final_message())
    assert embed["title"] == "No match"
    assert "/toc" in embed["description"]


HELD = "Held here: Diplomatic Bluebook 2025, chapter 3, section 1."


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("the", "**the** is too common to search for.", ["Browse the outline with `/toc`."]),
        ("of the", "**of the** has only words too common", ["Browse the outline with `/toc`."]),
        (
            "NATO",
            "Nothing in the Bluebook matches **NATO**.",
            ["Browse the outline with `/toc`.", HELD],
        ),
        (
            "legislashunz",
            "Nothing in the Bluebook matches",
            ["Or browse the outline with `/toc`.", HELD],
        ),
    ],
)
async def test_no_match_says_why_and_what_to_do(bluebook, query, first, last):
    """A query nothing matched says why, what to try, and (when it had words to search for)
    what the library holds: the shipped one holds a section of the chapter, not all of it."""
    handle = await bluebook.server.slash("search", {"query": query})
    embed = _embed(await handle.final_message())
    lines = embed["description"].split("\n")
    assert lines[0].startswith(first) and lines[-len(last) :] == last


async def test_next_and_whole_paragraph_buttons(bluebook):
    server = bluebook.server
    handle = await server.slash("search", {"query": "security", "limit": 3})
    first = await handle.final_message()
    buttons = {b["label"]: b for b in _buttons(first)}
    assert buttons["◀ Previous"]["disabled"] is True
    press = await server.press_button(first, buttons["Next ▶"]["custom_id"])
    second = await press.final_message()
    assert "result 2 of 3" in _embed(second)["footer"]["text"]
    whole_id = {b["label"]: b for b in _buttons(second)}["Whole paragraph"]["custom_id"]
    press = await server.press_button(second, whole_id)
    third = await press.final_message()
    ref = _embed(second)["fields"][0]["value"].strip("`")
    paragraph = bluebook.services.library.current.newest.pack.paragraphs[ref].text
    assert len(_embed(third)["description"]) >= len(paragraph) * 0.9


async def test_button_from_another_user_is_refused_privately(bluebook):
    server = bluebook.server
    first = await (await server.slash("search", {"query": "security", "limit": 3})).final_message()
    next_id = {b["label"]: b for b in _buttons(first)}["Next ▶"]["custom_id"]
    press = await server.press_button(first, next_id, user=server.admin)
    answer = await press.final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "belong to the person who asked" in answer["content"]


async def test_long_query_button_expires_politely(bluebook):
    server = bluebook.server
    query = "security environment " * 6
    first = await (await server.slash("search", {"query": query, "limit": 3})).final_message()
    next_id = {b["label"]: b for b in _buttons(first)}["Next ▶"]["custom_id"]
    assert ":~" in next_id
    # What expiry does to the stored query (and what an in-memory token of an older version
    # looks like after a restart: a token storage does not know).
    async with bluebook.services.db.transaction() as conn:
        await conn.execute("UPDATE button_queries SET expires_at = 0")
    answer = await (await server.press_button(first, next_id)).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "expired" in answer["content"]


async def test_section_by_reference_and_unknown(bluebook):
    server = bluebook.server
    message = await (await server.slash("section", {"ref": "§3.1.1(3)"})).final_message()
    embed = _embed(message)
    assert embed["title"] == "(3) Territorial Integrity"
    assert "Maintaining territorial integrity" in embed["description"]
    assert "page 1 of 1" in embed["footer"]["text"]
    labels = {b["label"]: b for b in _buttons(message)}
    assert labels["Next section ⏭"]["disabled"] is True
    assert labels["⏮ Previous section"]["disabled"] is False
    answer = await (await server.slash("section", {"ref": "3.1.1(4)"})).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "3.1.1(3)" in answer["content"]


async def test_section_previous_button_moves(bluebook):
    server = bluebook.server
    message = await (await server.slash("section", {"ref": "3.1.1(3)"})).final_message()
    prev_id = {b["label"]: b for b in _buttons(message)}["⏮ Previous section"]["custom_id"]
    moved = await (await server.press_button(message, prev_id)).final_message()
    assert _embed(moved)["title"].startswith("(2) Enforcement")


async def test_section_autocomplete(bluebook):
    choices = await bluebook.server.autocomplete("section", "ref", "terr")
    assert 1 <= len(choices) <= 25
    assert choices[0]["value"] == "3.1.1(3)"
    everything = await bluebook.server.autocomplete("section", "ref", "")
    assert len(everything) <= 25


async def test_fact_topic_offers_the_topics_as_you_type(bluebook):
    server = bluebook.server
    assert [c["value"] for c in await server.autocomplete("fact", "topic", "gc")] == ["GCAP"]
    offered = await server.autocomplete("fact", "topic", "")
    assert len(offered) == 25 and offered[0]["value"] == "active cyber defense"
    chosen = await (await server.slash("fact", {"topic": "GCAP"})).final_message()
    assert "GCAP" in str(chosen["embeds"][0])


async def test_toc_fact_and_help(bluebook):
    server = bluebook.server
    toc = _embed(await (await server.slash("toc")).final_message())
    assert "`3.1.1(3)`" in toc["description"]
    fact = _embed(await (await server.slash("fact", {"topic": "GCAP"})).final_message())
    quote = fact["description"]
    assert "GCAP" in json.dumps(fact) and quote.startswith(">")
    none = await (await server.slash("fact", {"topic": "zzzz-nothing"})).final_message()
    assert none.get("flags", 0) & EPHEMERAL
    # A topic with no word in it (a flag emoji) is about nothing, not any fact at random.
    flag = await (await server.slash("fact", {"topic": "\U0001f1ef\U0001f1f5"})).final_message()
    assert flag.get("flags", 0) & EPHEMERAL and "No fact on" in json.dumps(flag)
    help_msg = await (await server.slash("help")).final_message()
    # The lookup example is a term of the pack served (the shipped glossary's first: NSS).
    assert "`[[NSS]]`" in json.dumps(help_msg, ensure_ascii=False)


async def test_internal_error_is_still_answered(bluebook, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(bluebook.services.library.current.newest.engine, "search", broken)
    answer = await (await bluebook.server.slash("search", {"query": "GCAP"})).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "went wrong on our side" in answer["content"]
    assert "index corrupted" not in answer["content"]


async def test_search_in_a_dm(bluebook):
    server = bluebook.server
    await bluebook.bot.tree.sync()  # DMs see global commands only: what `bluebook-bot sync` does
    dm = server.dm_channel(server.member)
    message = await (
        await server.slash("search", {"query": "PKO"}, user=server.member, channel=dm)
    ).final_message()
    assert "3.1.1(2)¶2" in json.dumps(_embed(message), ensure_ascii=False)


@pytest.mark.parametrize(
    "name", ["settings edition", "lookups status", "stats", "factoftheday status"]
)
async def test_server_only_commands_are_not_offered_in_a_dm(bluebook, name):
    """As Discord's client: a command marked for servers only is not in a DM's command list."""
    server = bluebook.server
    await bluebook.bot.tree.sync()  # DMs see global commands only: what `bluebook-bot sync` does
    dm = server.dm_channel(server.member)
    with pytest.raises(CommandHidden, match="in a DM with the bot"):
        await server.slash(name, user=server.member, channel=dm)
    offered = {c["name"] for c in server.known_commands(None)}
    assert name.split()[0] not in offered
    assert {"search", "section", "help", "reload"} <= offered


async def test_find_in_bluebook_menu(bluebook):
    server = bluebook.server
    said = server.send_message(
        server.general, server.member, "Japan escorted the U.S. Forces 137 times"
    )
    await server.quiesce()
    answer = await (await server.context_menu("Find in Bluebook", said)).final_message()
    assert "3.1.1(2)¶2" in json.dumps(_embed(answer), ensure_ascii=False)


async def test_buttons_of_another_pack_or_an_old_token_answer_politely(bluebook):
    from bot.interactions.sending import message_kwargs
    from bot.replies.common import Button, Reply

    server, bot = bluebook.server, bluebook.bot
    owner = server.member.user.id
    said = {
        # Packs this bot does not serve: the edition is named.
        f"bb:s@2019-3:{owner}:n1/3:GCAP": "Edition 2019 is no longer held here",
        f"bb:sec@2024-1:{owner}:f0:3.1.2": "Edition 2024 is no longer held here",
        f"bb:s:{owner}:n1/3:~0123456789ab": "expired",  # an in-memory token of an older version
    }
    row = [Button(f"b{i}", custom_id=cid) for i, cid in enumerate(said)]
    channel = bot.get_partial_messageable(server.general.id)
    sent = await channel.send(**message_kwargs(Reply(content="buttons", buttons=[row])))
    for cid, text in said.items():
        answer = await (await server.press_button(sent.id, cid)).final_message()
        assert answer.get("flags", 0) & EPHEMERAL, cid
        assert text in answer["content"], cid
