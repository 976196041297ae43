"""Markdown, mentions and @everyone through every text option of every command: whatever
comes back shows the text as typed (escaped) and can ping nobody.

The commands and their options are read from what the bot registered, so a new command or
option is covered without touching this file.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest

# Written raw, each of these would render as markup or ping someone.
PIECES = ("@everyone", "**bold**", "<@1234>", "@here", "__under__", "<@&1234>", "[x](https://e.x)")
PAYLOAD = " ".join(PIECES)
RAW = (*PIECES[:-1], "[x](")
# A valid value for the other options, so only the one under test can be refused.
VALID = {"time": "09:00", "timezone": "Asia/Tokyo", "ref": "3.1", "quote": "Japan"}
STRING, INTEGER, BOOLEAN, CHANNEL = 3, 4, 5, 7


def _leaves(commands: list[dict]):
    """(qualified name, options) for every chat command, subcommands included."""
    for command in commands:
        if command.get("type", 1) != 1:
            continue
        subs = [o for o in command.get("options", []) if o["type"] in (1, 2)]
        if not subs:
            yield command["name"], command.get("options", [])
        for sub in subs:
            if sub["type"] == 1:
                yield f"{command['name']} {sub['name']}", sub.get("options", [])
            for leaf in sub.get("options", []) if sub["type"] == 2 else []:
                yield f"{command['name']} {sub['name']} {leaf['name']}", leaf.get("options", [])


def _value(option: dict, server):
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == STRING:
        return VALID.get(option["name"], "GCAP")
    if kind == INTEGER:
        return option.get("min_value", 1)
    if kind == BOOLEAN:
        return False
    if kind == CHANNEL:
        return server.general
    return None


def _fitting(option: dict) -> tuple[str, tuple[str, ...]]:
    """As many pieces as the option's length limit takes, and the raw forms to look for."""
    limit = option.get("max_length", 6000)
    pieces: list[str] = []
    for piece in PIECES:
        if len(" ".join([*pieces, piece])) > limit:
            break
        pieces.append(piece)
    return " ".join(pieces), tuple(p if not p.startswith("[x]") else "[x](" for p in pieces)


def _unescaped(raw: str, shown: str) -> bool:
    """True if `raw` appears in `shown` as typed: not backslash-escaped, no zero-width break,
    and not inside inline code (where backslashes would show)."""
    if re.search(r"`[^`]*" + re.escape(raw[:3]), shown) and raw[:1] in "*_[":
        return True  # markup characters inside a code span: escaping shows there
    return re.search(r"(?<!\\)" + re.escape(raw), shown) is not None


def _shown(messages: list[dict]) -> str:
    """Every text a user sees in the answer: content, embeds, button labels."""
    parts = []
    for m in messages:
        parts.append(m.get("content") or "")
        for embed in m.get("embeds", []):
            parts.append(json.dumps(embed, ensure_ascii=False))
        for row in m.get("components", []):
            parts.extend(c.get("label", "") for c in row.get("components", []))
    return "\n".join(parts)


async def test_every_text_option_of_every_command_echoes_escaped(bluebook):
    server = bluebook.server
    cases = []
    for name, options in _leaves(server.commands(server.guild)):
        for option in options:
            if option["type"] == STRING and not option.get("choices"):
                cases.append((name, options, option))
    assert len(cases) >= 6, cases  # search, section, fact, verify, factoftheday set x2
    echoed = 0
    for name, options, under_test in cases:
        values = {o["name"]: _value(o, server) for o in options if o.get("required")}
        values[under_test["name"]], raws = _fitting(under_test)
        handle = await server.slash(name, values, user=server.admin)
        shown = _shown(await handle.messages())
        for raw in raws:
            assert not _unescaped(raw, shown), (name, under_test["name"], raw, shown)
        echoed += "everyone" in shown
    assert echoed >= 3  # the check saw echoes, it did not just see nothing
    assert not server.requests_without_allowed_mentions()


async def test_find_in_bluebook_on_a_message_of_markup_echoes_escaped(bluebook):
    server = bluebook.server
    source = server.send_message(server.general, server.member, PAYLOAD)
    handle = await server.context_menu("Find in Bluebook", source, user=server.admin)
    shown = _shown(await handle.messages())
    for raw in RAW:
        assert not _unescaped(raw, shown), (raw, shown)


@pytest.mark.parametrize("text", [f"[[{PAYLOAD}]]", f"what about [[GCAP {PAYLOAD}]]?"])
async def test_keyword_lookups_echo_escaped(bluebook, text):
    server = bluebook.server
    server.send_message(server.general, server.member, text)
    shown = _shown(await server.bot_messages())
    for raw in RAW:
        assert not _unescaped(raw, shown), (raw, shown)


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


async def _through_every_text_option(server, text: str) -> AsyncIterator[tuple[str, str]]:
    """`text` given to every free-text option of every command in turn (the required others
    filled in): each time, the command and option, and what the answer shows."""
    for name, options in _leaves(server.commands(server.guild)):
        for option in options:
            if option["type"] != STRING or option.get("choices"):
                continue
            values = {o["name"]: _value(o, server) for o in options if o.get("required")}
            values[option["name"]] = text[: option.get("max_length", 100)]
            handle = await server.slash(name, values, user=server.admin)
            yield f"/{name} {option['name']}", _shown(await handle.messages())


async def test_bidirectional_controls_never_reach_a_reply(bluebook):
    """A right-to-left override echoed back would make a public reply read other than it
    says: every echo through every text option and chat lookup leaves them out."""
    server = bluebook.server
    echoed = 0
    async for where, shown in _through_every_text_option(server, f"zq\u202eqz {BIDI[:8]}"):
        assert not any(c in shown for c in BIDI), (where, shown)
        echoed += "zqqz" in shown
    server.send_message(server.general, server.member, "about [[zq\u202eqz]]?")
    shown = _shown(await server.bot_messages())
    assert not any(c in shown for c in BIDI), shown
    echoed += "zqqz" in shown
    assert echoed >= 3  # the check saw echoes, it did not just see nothing


LINK = "https://evil.example/x"


async def test_links_echoed_from_users_never_preview(bluebook):
    """A link echoed back is shown in `<...>`, which Discord shows without the brackets and
    never previews: through every text option and chat lookup."""
    server = bluebook.server
    echoed = 0
    async for where, shown in _through_every_text_option(server, f"zq {LINK}"):
        assert shown.count(LINK) == shown.count(f"<{LINK}>"), (where, shown)
        echoed += f"<{LINK}>" in shown
    for text in (f"[[{LINK}]]", f"what about [[GCAP {LINK}]]?"):
        server.send_message(server.general, server.member, text)
    replies = await server.bot_messages()
    # An embed title makes no link of its text (nor previews it): there it is plain, without
    # brackets, which a title would show.
    titles = [e.get("title", "") for m in replies for e in m.get("embeds", [])]
    assert sum(t.count(LINK) for t in titles) >= 2 and not any(f"<{LINK}>" in t for t in titles)
    for message in replies:
        for embed in message.get("embeds", []):
            embed.pop("title", None)
    shown = _shown(replies)
    assert shown.count(LINK) == shown.count(f"<{LINK}>"), shown
    assert echoed >= 3  # the check saw echoes, it did not just see nothing
