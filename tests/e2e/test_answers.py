"""Answers that read right, through the local Discord: /help, /verify, unknown references."""

from __future__ import annotations

import re

from tests.replies.discord_markdown import code_spans

EPHEMERAL = 64


def _registered(server) -> set[str]:
    """Every command path the bot registered: `search`, `lookups set`, `Find in Bluebook`."""
    paths: set[str] = set()
    for command in server.commands(server.guild):
        if command.get("type", 1) != 1:
            paths.add(command["name"])
            continue
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            paths.add(command["name"])
        for sub in subs:
            paths.add(f"{command['name']} {sub['name']}")
    return paths


async def test_help_lists_exactly_the_registered_commands(bluebook):
    server = bluebook.server
    message = await (await server.slash("help")).final_message()
    embed = message["embeds"][0]
    text = embed["description"] + "\n" + "\n".join(f["value"] for f in embed["fields"])
    registered = _registered(server)
    listed: set[str] = set()
    for line in embed["description"].splitlines():
        match = re.match(r"`/([a-z_-]+(?: [a-z_-]+)?)[ `]|\*\*(.+?)\*\* — ", line)
        if match:
            path = match.group(1) or match.group(2)
            if path.split()[0] in registered:
                path = path.split()[0]
            listed.add(path)
    assert listed == registered
    # Every command named anywhere in the text exists, with the options it names.
    commands = {c["name"]: c for c in server.commands(server.guild)}
    for span in code_spans(text):
        if not span.startswith("/"):
            continue
        name, *rest = span[1:].split()
        assert name in commands, span
        options = commands[name].get("options") or []
        if rest and rest[0] in {o["name"] for o in options if o["type"] == 1}:
            options = next(o for o in options if o["name"] == rest[0]).get("options") or []
            rest = rest[1:]
        names = {o["name"] for o in options}
        for word in rest:
            assert word.strip("[]").split(":")[0] in names, (span, word)


async def test_verify_the_gets_no_verdict(bluebook):
    message = await (await bluebook.server.slash("verify", {"quote": "the"})).final_message()
    embed = message["embeds"][0]
    assert embed["title"] == "Quote check: too short"
    assert "Verbatim" not in embed["description"] and "✅" not in embed["description"]
    assert "checked" not in embed["footer"]["text"]  # nothing was


async def test_verify_says_when_only_capitals_differ(bluebook):
    handle = await bluebook.server.slash("verify", {"quote": "japan escorted the u.s. forces"})
    embed = (await handle.final_message())["embeds"][0]
    assert embed["title"] == "Quote check: capitals differ"
    assert "only the capitals differ" in embed["description"]
    assert "`3.1.1(2)¶2`" in embed["description"]


async def test_verify_says_when_only_the_punctuation_differs(bluebook):
    handle = await bluebook.server.slash("verify", {"quote": "Japan escorted, the U.S. Forces"})
    embed = (await handle.final_message())["embeds"][0]
    assert embed["title"] == "Quote check: punctuation differs"
    assert "only the punctuation differs" in embed["description"]


async def test_verify_ignores_discord_markdown_markers_in_the_quote(bluebook):
    plain = "Japan escorted the U.S. Forces 200 times"
    marked = "**Japan** __escorted__ the ~~U.S.~~ *Forces* 200 ||times||"
    answers = []
    for quote in (plain, marked):
        handle = await bluebook.server.slash("verify", {"quote": quote})
        answers.append((await handle.final_message())["embeds"][0])
    assert answers[1]["title"] == answers[0]["title"] == "Quote check: misquote"
    first_line = answers[0]["description"].split("\n")[0]
    assert "The closest passage is at `3.1.1(2)¶2`" in first_line
    assert answers[1]["description"].split("\n")[0] == first_line
    assert "~~200~~ → **137**" in answers[1]["description"]
    quoted = "> Japan escorted the U.S. Forces"
    handle = await bluebook.server.slash("verify", {"quote": quoted})
    assert (await handle.final_message())["embeds"][0]["title"] == "Quote check: verbatim"


async def test_verify_lists_each_location_once(bluebook):
    handle = await bluebook.server.slash("verify", {"quote": "Global Combat Air Programme – GCAP"})
    description = (await handle.final_message())["embeds"][0]["description"]
    refs = re.findall(r"`(3[^`]*)`", description.split("\n")[0])
    assert refs and len(refs) == len(set(refs))


async def test_verify_a_quote_copied_across_a_paragraph_break(bluebook):
    quote = "freedom of navigation and freedom of overflight.\n\nUnder these circumstances"
    handle = await bluebook.server.slash("verify", {"quote": quote})
    embed = (await handle.final_message())["embeds"][0]
    assert embed["title"] == "Quote check: verbatim"
    assert embed["description"].startswith(
        "✅ **Verbatim, across a paragraph break.** This quote runs on from `3.1.1(1)¶1` "
        "into `3.1.1(1)¶2`."
    )


async def test_section_9_9_lists_the_closest_sections(bluebook):
    message = await (await bluebook.server.slash("section", {"ref": "9.9"})).final_message()
    assert message["flags"] & EPHEMERAL
    assert message["content"].startswith("No section “9.9” in Diplomatic Bluebook 2025.")
    closest = re.findall(r"`(3[.\d()]*)`", message["content"].split("Closest:")[1])
    assert len(closest) == 3 and closest[0] == "3.1.1"


async def test_a_section_the_library_lacks_says_what_it_holds(bluebook):
    """3.2.1 is in the Bluebook but not in the shipped library (section 1 only): the answer
    says what is held, so a reader does not take the gap for the Bluebook's."""
    message = await (await bluebook.server.slash("section", {"ref": "3.2.1"})).final_message()
    assert message["content"].startswith("No section “3.2.1” in Diplomatic Bluebook 2025.")
    assert "Held here: Diplomatic Bluebook 2025, chapter 3, section 1." in message["content"]


async def test_a_quote_found_nowhere_says_what_the_library_holds(bluebook):
    quote = "The moon is made of green cheese and the tides answer to it every single day."
    message = await (await bluebook.server.slash("verify", {"quote": quote})).final_message()
    embed = message["embeds"][0]
    assert embed["title"] == "Quote check: not found"
    assert embed["description"].endswith(
        "Held here: Diplomatic Bluebook 2025, chapter 3, section 1."
    )


async def test_an_unknown_reference_in_chat_lists_closest_sections(bluebook):
    server = bluebook.server
    server.send_message(server.general, server.member, "what does [[§9.9]] say?")
    replies = await server.bot_messages()
    text = replies[-1].get("content") or replies[-1]["embeds"][0].get("description", "")
    assert "`3.1.1`" in text, replies[-1]


async def test_no_code_span_holds_an_escape(bluebook):
    server = bluebook.server
    lines = [
        ("section", {"ref": "Indo-Pacific *x* 9.9"}),
        ("fact", {"topic": "no-such_topic"}),
        ("search", {"query": "qqqq-zzzz"}),
        ("verify", {"quote": "quantum-entangled widgets of the far_future"}),
        ("help", None),
    ]
    for name, options in lines:
        message = await (await server.slash(name, options)).final_message()
        texts = [message.get("content") or ""]
        for embed in message.get("embeds") or []:
            texts += [embed.get("description", "")] + [f["value"] for f in embed.get("fields", [])]
        for span in code_spans("\n".join(texts)):
            assert "\\" not in span, (name, span)


async def test_wastebasket_in_a_dm_removes_the_reply(bluebook):
    server = bluebook.server
    dm = server.dm_channel(server.member)
    server.send_message(dm, server.member, "[[GCAP]]")
    replies = await server.bot_messages(dm)
    assert replies, "no lookup reply in the DM"
    server.add_reaction(replies[-1], "🗑️", user=server.member)
    await server.quiesce()
    assert int(replies[-1]["id"]) not in dm.messages


def test_the_cli_lists_closest_sections_for_9_9(capsys):
    from bot.cli import main

    assert main(["section", "9.9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unknown reference '9.9'; closest: 3.1.1 ")
    assert len(err.splitlines()) == 1


async def test_find_in_bluebook_on_unrelated_chat_says_it_is_only_the_closest(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, "ok thanks, see you all next week")
    message = await (await server.context_menu("Find in Bluebook", source)).final_message()
    assert message["content"].startswith("Nothing in the Bluebook closely answers this message")
    assert message["embeds"], "the closest passage is still shown"
    related = server.send_message(server.general, server.member, "what is GCAP and who builds it?")
    message = await (await server.context_menu("Find in Bluebook", related)).final_message()
    assert not message.get("content")
    assert "GCAP" in message["embeds"][0]["description"]


async def _help_lookups(server, channel=None, user=None) -> str:
    message = await (await server.slash("help", channel=channel, user=user)).final_message()
    [field] = [f for f in message["embeds"][0]["fields"] if f["name"] == "Keyword lookups"]
    return field["value"]


async def test_help_says_whether_lookups_are_on_where_it_is_asked(bluebook):
    server = bluebook.server
    on_by_default = await _help_lookups(server)
    assert "Write `[[NSS]]`" in on_by_default and "Passive mode" in on_by_default
    assert "is off until" in on_by_default

    async def switch(mode: str, enabled: bool) -> None:
        options = {"mode": mode, "enabled": enabled}
        await (await server.slash("lookups set", options, user=server.admin)).final_message()

    await switch("explicit", False)
    await switch("passive", True)
    text = await _help_lookups(server)
    assert "Write `[[NSS]]`" not in text
    assert "`[[...]]` lookups are **off** here" in text
    assert "`/lookups set mode:explicit enabled:True`" in text
    assert "Passive mode (plain mentions of glossary terms) is **on** here" in text
    # In a DM the server's switches do not apply: explicit lookups work there.
    await bluebook.bot.tree.sync()  # DMs see global commands only
    assert "Write `[[NSS]]`" in await _help_lookups(
        server, server.dm_channel(server.member), server.member
    )


async def test_a_paragraph_past_the_last_names_the_section_it_is_missing_from(bluebook):
    handle = await bluebook.server.slash("section", {"ref": "3.1.1(1)¶9"})
    message = await handle.final_message()
    assert message["flags"] & EPHEMERAL
    assert message["content"].startswith(
        "`3.1.1(1)` has no ¶9 in Diplomatic Bluebook 2025: its paragraphs are ¶1 to ¶4."
    )
    assert "No section" not in message["content"]


async def test_search_of_only_invisible_characters_is_answered_as_an_empty_query(bluebook):
    answers = []
    for query in ("   ", "\u200b\u200b", "\u200b \u2060\ufeff", "\u3164", "\u2800 \uffa0"):
        message = await (await bluebook.server.slash("search", {"query": query})).final_message()
        answers.append(message["embeds"][0]["description"])
    assert "**(empty)**" in answers[0], answers[0]
    assert answers[1] == answers[2] == answers[0]


async def test_find_in_bluebook_on_a_message_of_zero_width_spaces_says_it_has_no_text(bluebook):
    server = bluebook.server
    blank = server.send_message(server.general, server.member, "\u200b\u200b")
    message = await (await server.context_menu("Find in Bluebook", blank)).final_message()
    assert "That message has no text I can look up." in message["content"], message
    assert not message["embeds"]
