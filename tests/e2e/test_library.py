"""The library through the local Discord: /compare, /search edition:, qualified /section,
the server's edition, and buttons that outlive a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.served import ServedLibrary
from tests.e2e.conftest import Harness, running_bot

EDITIONS = Path(__file__).resolve().parents[1] / "library" / "editions"
EPHEMERAL = 64


@pytest.fixture(scope="module")
def served_library() -> ServedLibrary:
    return ServedLibrary.load(EDITIONS)


@pytest.fixture
async def library(local_discord, tmp_path, served_library) -> AsyncIterator[Harness]:
    async with running_bot(local_discord, tmp_path / "b.db", library=served_library) as h:
        yield h
    assert not local_discord.requests_without_allowed_mentions()


def _embed(message: dict) -> dict:
    assert message.get("embeds"), message
    return message["embeds"][0]


def _buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"]}


async def _ask(server, name, options, timeout: float = 5.0, **kw) -> dict:
    return await (await server.slash(name, options, **kw)).final_message(timeout)


async def test_section_with_a_qualified_reference_quotes_that_edition(library):
    server = library.server
    old = _embed(await _ask(server, "section", {"ref": "2030:3.1.1(2)"}))
    assert "137 times" in old["description"] and "164" not in old["description"]
    assert "Diplomatic Bluebook 2030" in old["footer"]["text"]
    new = _embed(await _ask(server, "section", {"ref": "3.1.1(2)"}))
    assert "164 times" in new["description"]
    assert "Diplomatic Bluebook 2031" in new["footer"]["text"]
    variant = _embed(await _ask(server, "section", {"ref": "3.1.1(2)¶3 (2030)"}))
    assert "deepening cooperation" in variant["description"]


async def test_section_in_an_edition_not_held_is_a_short_error(library):
    answer = await _ask(library.server, "section", {"ref": "2019:3.1.1(2)"})
    assert answer.get("flags", 0) & EPHEMERAL
    assert "No edition 2019" in answer["content"] and "2031, 2030" in answer["content"]


async def test_compare_marks_the_changed_figure(library):
    message = await _ask(library.server, "compare", {"ref": "3.1.1(2)", "from": 2030, "to": 2031})
    embed = _embed(message)
    assert "~~137~~" in embed["description"] and "**164**" in embed["description"]
    assert "removed" in embed["description"]  # ¶3 is gone in 2031
    assert {"name": "Status", "value": "changed", "inline": True} in embed["fields"]
    assert "2030" in embed["title"] and "2031" in embed["title"]


async def test_compare_shows_the_added_sentence_and_says_unchanged(library):
    server = library.server
    added = _embed(await _ask(server, "compare", {"ref": "3.1.1(1)"}))  # 2030 → 2031 by default
    assert "**Japan will review the progress of the Strategy every year.**" in added["description"]
    same = _embed(await _ask(server, "compare", {"ref": "territorial integrity"}))
    assert "Unchanged" in same["description"]


async def test_compare_with_an_unknown_edition_is_a_short_error(library):
    answer = await _ask(library.server, "compare", {"ref": "3.1.1(2)", "from": 2001})
    assert answer.get("flags", 0) & EPHEMERAL and "No edition 2001" in answer["content"]


async def test_search_edition_option_and_autocomplete(library):
    server = library.server
    choices = await server.autocomplete("search", "edition", "", {"query": "x"})
    assert [c["value"] for c in choices] == [2031, 2030]
    old = _embed(await _ask(server, "search", {"query": "escorted troops", "edition": 2030}))
    assert "137" in old["description"] and "Diplomatic Bluebook 2030" in old["footer"]["text"]
    new = _embed(await _ask(server, "search", {"query": "escorted troops"}))
    assert "164" in new["description"] and "Diplomatic Bluebook 2031" in new["footer"]["text"]


async def test_search_notes_other_editions_and_never_repeats_a_paragraph(library):
    server = library.server
    first = await _ask(server, "search", {"query": "territorial integrity", "limit": 5})
    fields = {f["name"]: f["value"] for f in _embed(first)["fields"]}
    assert fields["Also in"] == "2030"
    seen = []
    message = first
    while True:
        embed = _embed(message)
        seen.append(embed["description"])
        button = _buttons(message).get("Next ▶")
        if button is None or button.get("disabled"):
            break
        message = await (await server.press_button(message, button["custom_id"])).final_message()
    assert len(seen) == len(set(seen))


async def test_search_only_in_another_edition_says_so(library):
    embed = _embed(await _ask(library.server, "search", {"query": "137"}))
    assert "Nothing in 2031 matches; this is from 2030." in embed["description"]
    assert "137" in embed["description"]


async def test_server_edition_setting(library):
    server = library.server
    server.allow_command(server.guild, "settings", server.member)  # an admin's override
    denied = await _ask(server, "settings edition", {"year": 2030})
    assert denied.get("flags", 0) & EPHEMERAL and "Manage Server" in denied["content"]
    done = await _ask(server, "settings edition", {"year": 2030}, user=server.admin)
    assert "now reads edition 2030" in done["content"]
    section = _embed(await _ask(server, "section", {"ref": "3.1.1(2)"}))
    assert "137 times" in section["description"]
    named = _embed(await _ask(server, "section", {"ref": "2031:3.1.1(2)"}))
    assert "164 times" in named["description"]
    bad = await _ask(server, "settings edition", {"year": 1999}, user=server.admin)
    assert "No edition 1999" in bad["content"]
    both = await _ask(server, "settings edition", {"year": 2031, "newest": True}, user=server.admin)
    assert "not both" in both["content"]
    back = await _ask(server, "settings edition", {"newest": True}, user=server.admin)
    assert "newest" in back["content"]
    assert "164 times" in _embed(await _ask(server, "section", {"ref": "3.1.1(2)"}))["description"]


async def test_server_edition_and_buttons_survive_a_restart(
    local_discord, tmp_path, served_library
):
    server = local_discord
    db_path = tmp_path / "b.db"
    async with running_bot(server, db_path, library=served_library):
        await _ask(server, "settings edition", {"year": 2030}, user=server.admin)
        section = await _ask(server, "section", {"ref": "3.1.1(1)"})
        search = await _ask(server, "search", {"query": "security", "limit": 3})
    async with running_bot(server, db_path, library=served_library):
        after = await (
            await server.press_button(section, _buttons(section)["Next section ⏭"]["custom_id"])
        ).final_message()
        embed = _embed(after)
        assert embed["title"].startswith("(2)") and "137 times" in embed["description"]
        turned = await (
            await server.press_button(search, _buttons(search)["Next ▶"]["custom_id"])
        ).final_message()
        assert "result 2 of 3" in _embed(turned)["footer"]["text"]
        assert "Diplomatic Bluebook 2030" in _embed(turned)["footer"]["text"]
        still = _embed(await _ask(server, "section", {"ref": "3.1.1(2)"}))
        assert "137 times" in still["description"]


async def test_keyword_lookup_with_a_qualified_reference(library):
    from tests.e2e.test_lookups import _say

    server = library.server
    reply = await _say(server, "what did [[2030:3.1.1(2)¶2]] say?")
    embed = reply["embeds"][0]
    assert "end of 2023" in embed["description"] and embed["footer"]["text"].endswith("2030")
    reply = await _say(server, "and now [[3.1.1(2)¶2]]")
    assert "end of 2024" in reply["embeds"][0]["description"]
    reply = await _say(server, "and [[3.1.1(2)¶2@2019]]")
    assert "No edition 2019" in reply["embeds"][0]["description"]


async def test_stats_split_by_edition(library):
    from bot.storage.stats import usage_summary

    server = library.server
    await _ask(server, "section", {"ref": "2030:3.1.1(2)"})
    await _ask(server, "section", {"ref": "3.1.1(3)"})
    await _ask(server, "search", {"query": "escorted", "edition": 2031})
    await library.services.usage.flush()
    summary = await usage_summary(library.services.db, 1)
    assert summary.by_pack == {"2031-3": 2, "2030-3": 1}
    # /stats draws its chart with matplotlib, whose first import is slow on a loaded machine.
    answer = await _ask(server, "stats", {"days": 1}, timeout=60.0, user=server.admin)
    fields = {f["name"]: f["value"] for f in answer["embeds"][0]["fields"]}
    assert "2030, chapter 3 × 1" in fields["By edition"]


async def test_compare_ref_autocompletes_references(library):
    choices = await library.server.autocomplete("compare", "ref", "terr")
    assert choices and choices[0]["value"] == "3.1.1(3)"


async def test_a_button_id_from_before_the_library_still_works(library):
    server = library.server
    message = await _ask(server, "section", {"ref": "3.1.1(1)"})
    stored = server.find_bot_message(message)
    for row in stored["components"]:
        for button in row["components"]:
            # What the bot sent before button ids carried a pack: no "@2031-3".
            button["custom_id"] = button["custom_id"].replace("@2031-3", "")
    old_id = _buttons(stored)["Next section ⏭"]["custom_id"]
    assert "@" not in old_id
    answer = _embed(await (await server.press_button(stored, old_id)).final_message())
    assert answer["title"].startswith("(2)") and "164 times" in answer["description"]


async def test_a_long_comparison_pages_with_buttons(local_discord, tmp_path):
    from bench.library_bench import QUICK_LIBRARY, write_library

    write_library(tmp_path / "lib", QUICK_LIBRARY)
    content = ServedLibrary.load(tmp_path / "lib")
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=content):
        first = await _ask(server, "compare", {"ref": "3.2", "from": 2011, "to": 2013})
        footer, page_one = _embed(first)["footer"]["text"], _embed(first)["description"]
        assert "page 1 of" in footer and "page 1 of 1" not in footer
        turn = _buttons(first)["Page ▶"]["custom_id"]
        second = await (await server.press_button(first, turn)).final_message()
        assert "page 2 of" in _embed(second)["footer"]["text"]
        assert _embed(second)["description"] != page_one
    assert not server.requests_without_allowed_mentions()


async def test_fact_of_the_day_draws_from_the_server_edition(library):
    server = library.server
    news = server.add_channel(server.guild, "news")
    content = library.services.library.current
    headlines = {
        key: {f.headline for f in content.pack(key).pack.facts} for key in ("2030-3", "2031-3")
    }
    await _ask(
        server,
        "factoftheday set",
        {"channel": news, "time": "10:00", "timezone": "Asia/Tokyo"},
        user=server.admin,
    )
    for year, key in ((2030, "2030-3"), (2031, "2031-3")):
        await _ask(server, "settings edition", {"year": year}, user=server.admin)
        preview = await _ask(server, "factoftheday preview", None, user=server.admin)
        assert preview["embeds"][0]["title"] in headlines[key], (year, preview)
        fact = _embed(await _ask(server, "fact", {}))
        assert fact["title"] in headlines[key]


async def test_a_lookup_reads_the_server_edition_even_where_the_newest_lacks_it(library):
    """3.1.1(2)¶3 exists only in 2030 (2031 removed it): a server reading 2030 finds it."""
    from tests.e2e.test_lookups import _say

    server = library.server
    await _ask(server, "settings edition", {"year": 2030}, user=server.admin)
    reply = await _say(server, "see §3.1.1(2)¶3 please")
    embed = reply["embeds"][0]
    assert embed["footer"]["text"].endswith("2030"), embed
    assert "No section" not in embed.get("description", "")
