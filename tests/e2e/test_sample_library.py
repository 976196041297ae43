"""The bot through the local Discord on the sample library (tests/samples): three editions,
2026 the newest and without facts like a fresh import. The fact of the day on that pack,
search across editions, /section, /toc, /fact, lookups and buttons, and suggestions drawn
from the pack in service. (/compare on it: tests/e2e/test_compare_sample.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.fotd.clock import FakeClock
from bot.served import ServedLibrary
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.test_lookups import _say

EPHEMERAL = 64
MARKER = "Fact of the day · "
# A fact for 2026 as a maintainer confirms one after `content facts suggest --write`.
FACT_2026 = """\
facts:
  - id: npt-cornerstone
    headline: "Japan sees the NPT regime as the cornerstone of disarmament"
    quote: "the cornerstone of the international order for disarmament"
    ref: 3.1.2(1)¶1
"""


def _embed(message: dict) -> dict:
    assert message.get("embeds"), message
    return message["embeds"][0]


def _fields(embed: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def _buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"]}


async def _ask(server, name, options=None, **kw) -> dict:
    return await (await server.slash(name, options, **kw)).final_message()


async def _press(server, message: dict, label: str) -> dict:
    button = _buttons(message)[label]
    return await (await server.press_button(message, button["custom_id"])).final_message()


# -- the fact of the day on a pack without facts ------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))


@pytest.fixture
def news(local_discord):
    """A channel that exists before the bot connects (the stand-in sends no CHANNEL_CREATE)."""
    return local_discord.add_channel(local_discord.guild, "news")


@pytest.fixture
async def fresh_import(
    local_discord, tmp_path, sample_library, clock, news
) -> AsyncIterator[Harness]:
    """The bot on a copy of the sample library with no facts in any edition (the tests add
    some), on a fake clock, with the posting loop stopped so that only the test ticks."""
    for year in (2024, 2025):
        (sample_library / str(year) / "chapter3" / "facts.yaml").write_text("facts: []\n")
    async with _bot_on(local_discord, tmp_path, sample_library, clock) as h:
        yield h


@pytest.fixture
async def newest_without_facts(
    local_discord, tmp_path, sample_library, clock, news
) -> AsyncIterator[Harness]:
    """The bot on a copy of the sample library as it is: 2026, the newest, has no facts."""
    async with _bot_on(local_discord, tmp_path, sample_library, clock) as h:
        yield h


@contextlib.asynccontextmanager
async def _bot_on(local_discord, tmp_path, library: Path, clock) -> AsyncIterator[Harness]:
    """The bot on `library` on a fake clock, its posting loop stopped."""
    async with running_bot(
        local_discord,
        tmp_path / "b.db",
        library=ServedLibrary.load(library),
        services_args={"clock": clock},
    ) as h:
        loop = h.bot.get_cog("FotdCog").poster
        task = loop.get_task()
        loop.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        yield h
    assert not local_discord.requests_without_allowed_mentions()


async def _posts(server, channel) -> list[dict]:
    return [
        m
        for m in await server.bot_messages(channel)
        if m["embeds"] and m["embeds"][0].get("footer", {}).get("text", "").startswith(MARKER)
    ]


async def test_fact_of_the_day_on_a_pack_without_facts_says_why_and_resumes_after_reload(
    fresh_import, clock, news, sample_library: Path, caplog
):
    caplog.set_level(logging.INFO)
    h = fresh_import
    server = h.server
    admin = server.admin
    opts = {"channel": news, "time": "13:00", "timezone": "UTC"}

    # set: accepted, with a clear warning and the way to add facts.
    text = _embed(await _ask(server, "factoftheday set", opts, user=admin))["description"]
    assert "**State:** on, but waiting for facts" in text
    assert "**Next post:** none: the 2026 edition has no facts yet" in text
    assert "content facts suggest --edition 2026 --write" in text and "/reload" in text
    assert "**State:** on\n" not in text
    # status says the same.
    status = await _ask(server, "factoftheday status", user=admin)
    assert status["flags"] & EPHEMERAL
    assert "waiting for facts" in _embed(status)["description"]

    # preview and skip answer in words, privately.
    for verb in ("preview", "skip"):
        answer = await _ask(server, f"factoftheday {verb}", user=admin)
        assert answer["flags"] & EPHEMERAL
        text = _embed(answer)["description"]
        assert text.startswith(f"Nothing to {verb}: the 2026 edition has no facts yet")
        assert "content facts suggest" in text
        assert "went wrong" not in str(answer).lower()

    # The scheduled tick: nothing posted, the condition logged once, never a traceback.
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    for _ in range(4):
        assert await h.bot.fotd.tick(h.bot.get_cog("FotdCog").sender) == []
        clock.advance(timedelta(seconds=30))
    assert await _posts(server, news) == []
    assert len([r for r in caplog.records if r.getMessage().startswith("fotd.no_facts")]) == 1
    assert not [r for r in caplog.records if r.exc_info or "NoFactsError" in r.getMessage()]

    # A maintainer confirms a fact and reloads: the day is still open and is posted.
    (sample_library / "2026" / "chapter3" / "facts.yaml").write_text(FACT_2026, "utf-8")
    reloaded = await _ask(server, "reload", user=server.world.owner)
    assert reloaded["content"].startswith("Reloaded:"), reloaded
    assert (
        "waiting"
        not in _embed(await _ask(server, "factoftheday status", user=admin))["description"]
    )
    [event] = await h.bot.fotd.tick(h.bot.get_cog("FotdCog").sender)
    assert event.outcome == "sent" and event.fact_id == "npt-cornerstone"
    [post] = await _posts(server, news)
    assert _embed(post)["title"].startswith("Japan sees the NPT regime")


async def test_fact_and_the_fact_of_the_day_use_the_newest_edition_with_facts_and_name_it(
    newest_without_facts, clock, news, sample_library: Path
):
    """2026, the newest, has no facts (a fresh fetch): /fact and the daily post quote 2025's,
    verbatim with 2025's reference and link, and say so; status and /reload say so too."""
    h = newest_without_facts
    server = h.server
    admin = server.admin
    older = ServedLibrary.load(sample_library).packs["2025-3"]

    def expected(fact_id: str) -> dict:
        fact = next(f for f in older.pack.facts if f.id == fact_id)
        para = older.pack.paragraphs[fact.ref]
        return {
            "url": older.pack.source_url(older.pack.sections[para.section_ref]),
            "description": f"> {fact.quote}",
            # 2026 is the server's: the reference names 2025, which /section then opens.
            "ref": f"`2025:{fact.ref}`",
        }

    answer = _embed(await _ask(server, "fact", {"topic": "Coast Guard"}))
    want = expected("jcg-exercises")
    assert answer["description"] == want["description"]  # 2025's "9 joint exercises"
    assert "held 9 joint exercises" in answer["description"]
    assert (answer["url"], _fields(answer)["Reference"]) == (want["url"], want["ref"])
    assert answer["footer"]["text"] == (
        "Diplomatic Bluebook 2025 · fact jcg-exercises · 2026 has no facts yet, "
        "so this is from 2025"
    )

    opts = {"channel": news, "time": "13:00", "timezone": "UTC"}
    text = _embed(await _ask(server, "factoftheday set", opts, user=admin))["description"]
    assert "**State:** on\n" in text and "waiting" not in text
    assert "**Facts from:** the 2025 edition, as the 2026 edition has none yet" in text
    status = _embed(await _ask(server, "factoftheday status", user=admin))["description"]
    assert (
        "**Facts from:** the 2025 edition" in status and "**Next post:** 2026-03-07 13:00" in status
    )
    preview = _embed(await _ask(server, "factoftheday preview", user=admin))
    assert preview["footer"]["text"].endswith("2026 has no facts yet, so this is from 2025")
    assert _fields(preview)["Reference"].startswith("`2025:")

    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    [event] = await h.bot.fotd.tick(h.bot.get_cog("FotdCog").sender)
    assert event.outcome == "sent"
    [post] = await _posts(server, news)
    embed = _embed(post)
    want = expected(event.fact_id)
    assert (embed["url"], embed["description"], _fields(embed)["Reference"]) == (
        want["url"],
        want["description"],
        want["ref"],
    )
    assert embed["author"]["name"] == (
        "Fact of the day · Diplomatic Bluebook 2025 (2026 has no facts yet)"
    )

    reloaded = await _ask(server, "reload", user=server.world.owner)
    assert reloaded["content"].splitlines()[1:] == [
        "⚠ 2026 has no facts yet: /fact and the fact of the day use 2025's."
    ]
    (sample_library / "2026" / "chapter3" / "facts.yaml").write_text(FACT_2026, "utf-8")
    reloaded = await _ask(server, "reload", user=server.world.owner)
    assert "\n" not in reloaded["content"] and reloaded["content"].startswith("Reloaded:")
    status = _embed(await _ask(server, "factoftheday status", user=admin))["description"]
    assert "Facts from" not in status
    answer = _embed(await _ask(server, "fact"))
    assert answer["footer"]["text"] == "Diplomatic Bluebook 2026 · fact npt-cornerstone"
    assert _fields(answer)["Reference"] == "`3.1.2(1)¶1`"  # the server's own: no year


async def test_a_day_claimed_from_the_earlier_edition_says_fallback_only_while_it_is_one(
    newest_without_facts, news, sample_library: Path
):
    """A day claimed while 2026 had no facts (a 2025 fact) and sent after a change: the post
    says "no facts yet" only when the server's edition still has none at the send
    (ServedLibrary.facts_fallback), not whenever the fact's edition differs from it; its
    reference names 2025 either way."""
    h = newest_without_facts
    server = h.server
    sender = h.bot.get_cog("FotdCog").sender
    guild = server.guild.id

    async def post(day: int) -> dict:
        await sender.send(guild, news.id, "jcg-exercises", date(2026, 3, day), pack_key="2025-3")
        return _embed((await _posts(server, news))[-1])

    fallback = await post(7)
    assert fallback["author"]["name"].endswith("(2026 has no facts yet)")
    # The server switched to 2024, which has facts: a 2025 post is no fallback of 2024's.
    await _ask(server, "settings edition", {"year": 2024}, user=server.admin)
    switched = await post(8)
    assert switched["author"]["name"] == "Fact of the day"
    assert _fields(switched)["Reference"].startswith("`2025:")
    # Back on 2026, which a reload gave facts: no longer "no facts yet".
    await _ask(server, "settings edition", {"newest": True}, user=server.admin)
    (sample_library / "2026" / "chapter3" / "facts.yaml").write_text(FACT_2026, "utf-8")
    assert (await _ask(server, "reload", user=server.world.owner))["content"].startswith(
        "Reloaded:"
    )
    reloaded = await post(9)
    assert reloaded["author"]["name"] == "Fact of the day"
    assert _fields(reloaded)["Reference"].startswith("`2025:")


# -- search across editions ------------------------------------------------------------------


async def test_search_ranks_the_older_editions_strong_match_first_and_names_each_edition(sample):
    server = sample.server
    first = await _ask(server, "search", {"query": "reclamation under way"})
    embed = _embed(first)
    assert "Diplomatic Bluebook 2024" in embed["footer"]["text"]
    assert embed["description"].startswith("*From 2024, not in 2026.*")
    # 2024's reference, read by a 2026 server: with its year, as /section takes it.
    reference = _fields(embed)["Reference"]
    assert "under way" in embed["description"] and reference == "`2024:3.2.2(2)¶1`"
    second = _embed(await _press(server, first, "Next ▶"))
    assert "Diplomatic Bluebook 2026" in second["footer"]["text"]
    assert _fields(second)["Also in"] == "2025"  # differs from 2025 by a no-break space only


async def test_search_lists_a_paragraph_unchanged_in_every_edition_once(sample):
    embed = _embed(await _ask(sample.server, "search", {"query": "seamless response"}))
    assert "Diplomatic Bluebook 2026" in embed["footer"]["text"]
    assert _fields(embed)["Also in"] == "2025, 2024"
    assert "result 1 of 1" in embed["footer"]["text"]


# -- suggestions and examples from the pack in service ---------------------------------------


async def test_nothing_found_never_suggests_the_query_itself(
    local_discord, tmp_path, sample_library
):
    # A fresh import often carries glossary terms its pages never use (here GCAP).
    glossary = sample_library / "2026" / "chapter3" / "glossary.yaml"
    text = glossary.read_text("utf-8").replace(
        "terms:\n", "terms:\n  - term: GCAP\n    expansion: Global Combat Air Programme\n", 1
    )
    glossary.write_text(text, "utf-8")
    content = ServedLibrary.load(sample_library)
    async with running_bot(local_discord, tmp_path / "b.db", library=content) as h:
        answer = _embed(await _ask(h.server, "search", {"query": "GCAP"}))
    assert answer["title"] == "No match" and "**GCAP**" in answer["description"]
    assert "`GCAP`" not in answer["description"]


async def test_toc_help_and_settings_speak_of_the_pack_in_service(sample):
    server = sample.server
    await _ask(server, "settings edition", {"year": 2025}, user=server.admin)
    toc = await _ask(server, "toc")
    footer = toc["embeds"][-1]["footer"]["text"]
    ref = footer.rsplit(" ", 1)[-1]
    assert ref != "3.1.1(3)"  # the shipped page's example; 2025 has no such section
    opened = _embed(await _ask(server, "section", {"ref": ref}))
    assert "Diplomatic Bluebook 2025" in opened["footer"]["text"]
    help_text = _fields(_embed(await _ask(server, "help")))["Keyword lookups"]
    assert "[[GCAP]]" not in help_text and f"`§{ref}`" in help_text
    said = await _ask(server, "settings edition", user=server.admin)
    assert said["content"].startswith("This server reads the 2025 edition. Editions held:")
    await _ask(server, "settings edition", {"newest": True}, user=server.admin)
    said = await _ask(server, "settings edition", user=server.admin)
    assert said["content"].startswith("This server reads the newest edition (2026).")


# -- /section, /toc, /fact, lookups and buttons --------------------------------------------------


async def test_section_toc_and_section_buttons_on_the_sample_library(sample):
    server = sample.server
    # 3.1.3 is on page c030103, which the 2025 edition does not hold.
    first = await _ask(server, "section", {"ref": "3.1.3(1)"})
    embed = _embed(first)
    assert "13 countries" in embed["description"]
    assert "Diplomatic Bluebook 2026" in embed["footer"]["text"]
    following = _embed(await _press(server, first, "Next section ⏭"))
    assert _fields(following)["Reference"] == "`3.1.3(2)`"
    lacking = await _ask(server, "section", {"ref": "2025:3.1.3"})
    assert lacking["flags"] & EPHEMERAL and lacking["content"].startswith("No section")
    older = _embed(await _ask(server, "section", {"ref": "2024:3.1.3(1)"}))
    assert "10 countries" in older["description"]
    await _ask(server, "settings edition", {"year": 2025}, user=server.admin)
    elsewhere = await _ask(server, "section", {"ref": "3.1.3(1)"})
    assert elsewhere["content"].startswith("No section “3.1.3(1)” in Diplomatic Bluebook 2025")
    assert "Held in 2026, 2024: `2026:3.1.3(1)`." in elsewhere["content"]
    await _ask(server, "settings edition", {"newest": True}, user=server.admin)
    toc = _embed(await _ask(server, "toc"))
    assert "`3.1.1(3)` (3) Regional Cooperation" in toc["description"]
    assert "Disarmament and Nonproliferation" in toc["description"]
    await _ask(server, "settings edition", {"year": 2024}, user=server.admin)
    old_toc = _embed(await _ask(server, "toc"))
    assert "Diplomatic Bluebook 2024" in old_toc["title"]
    assert (
        "Non-proliferation" in old_toc["description"] and "3.1.1(3)" not in old_toc["description"]
    )


async def test_a_section_of_headings_only_has_neighbours_past_what_it_shows(sample):
    """3.1.2 shows the text of 3.1.2(1) to (3): Previous is the section with text before it,
    Next the first after all of those."""
    server = sample.server
    heading = await _ask(server, "section", {"ref": "3.1.2"})
    buttons = _buttons(heading)
    assert not buttons["⏮ Previous section"]["disabled"]
    assert not buttons["Next section ⏭"]["disabled"]
    after = _embed(await _press(server, heading, "Next section ⏭"))
    assert _fields(after)["Reference"] == "`3.1.3(1)`"
    heading = await _ask(server, "section", {"ref": "3.1.2"})  # the last press edited it
    before = _embed(await _press(server, heading, "⏮ Previous section"))
    assert _fields(before)["Reference"] == "`3.1.1(3)`"


async def test_fact_on_the_sample_library(sample):
    server = sample.server
    # 2026 has no facts: they come from 2025, which the answer names.
    drawn = _embed(await _ask(server, "fact"))
    assert drawn["footer"]["text"].startswith("Diplomatic Bluebook 2025 · fact ")
    await _ask(server, "settings edition", {"year": 2024}, user=server.admin)
    fact = _embed(await _ask(server, "fact", {"topic": "NPT"}))
    assert fact["title"] == "Japan sees the NPT regime as the cornerstone of disarmament"
    assert "cornerstone of the international order for disarmament" in fact["description"]


async def test_lookups_on_the_sample_library(sample):
    server = sample.server
    term = _embed(await _say(server, "what is [[JCG]]?"))
    assert term["title"] == "[[JCG]] · 3.1.1(1)¶2" and "11 joint exercises" in term["description"]
    written = _embed(await _say(server, "as §3.2.2(2) says"))
    assert "was completed in 2024" in written["description"]
    assert written["footer"]["text"] == "Diplomatic Bluebook 2026"
    older = _embed(await _say(server, "and [[2024:3.2.2(2)¶1]]"))
    assert "is under way" in older["description"]
    assert older["footer"]["text"] == "Diplomatic Bluebook 2024"
    # Words with an edition are searched in that edition, not the server's.
    worded = _embed(await _say(server, "and [[2024:JCG]] then?"))
    assert "7 joint exercises" in worded["description"]
    assert worded["footer"]["text"].endswith("· Diplomatic Bluebook 2024")
    unheld = _embed(await _say(server, "[[2019:JCG]]"))
    assert "2019" in unheld["description"] and "joint exercises" not in unheld["description"]
    await _ask(server, "settings edition", {"year": 2025}, user=server.admin)
    elsewhere = _embed(await _say(server, "what about [[cyber]]?"))
    assert elsewhere["description"].startswith("*Nothing in 2025 matches; this is from 2026.*")
    assert "2026" in elsewhere["footer"]["text"]
    await _ask(server, "settings edition", {"newest": True}, user=server.admin)
    missing = _embed(await _say(server, "[[GCAP]]"))
    assert missing["description"].startswith("Nothing in the Bluebook matches **GCAP**")
    assert "`GCAP`" not in missing["description"]


async def test_closest_sections_of_a_named_edition_keep_its_year(sample):
    """The server reads 2024: a suggestion for `2025:…` must open 2025, so it says so."""
    server = sample.server
    await _ask(server, "settings edition", {"year": 2024}, user=server.admin)
    missing = await _ask(server, "section", {"ref": "2025:3.1.1(3)"})
    assert missing["content"].startswith("No section “2025:3.1.1(3)” in Diplomatic Bluebook 2025.")
    closest = missing["content"].split("Closest: ", 1)[1]
    assert "`2025:3.1.1`" in closest and "`3.1.1`" not in closest
    # In the server's own edition the suggestions need no year.
    own = await _ask(server, "section", {"ref": "3.1.9"})
    assert "Closest: `3.1` Peace and Stability" in own["content"]
    assert "`2024:" not in own["content"]


async def test_a_lookup_naming_two_editions_names_none(sample):
    """`[[GCAP@2024@2025]]` names no edition, as `[[2024:GCAP@2025]]` does: both are read as
    typed in the server's edition (2026), not as 'GCAP@2024' searched in 2025."""
    server = sample.server
    answers = [_embed(await _say(server, f"[[{t}]]")) for t in ("GCAP@2024@2025", "2024:GCAP@2025")]
    for answer in answers:
        assert answer.get("footer", {}).get("text", "").endswith("Diplomatic Bluebook 2026")
    assert answers[0]["description"] == answers[1]["description"]


async def test_a_paragraph_past_the_last_of_a_named_edition_opens_that_edition(sample):
    """The server reads 2026: the answer to `2024:3.1.1(1)¶9` offers to open 2024's section,
    in chat as in /section."""
    server = sample.server
    chat = _embed(await _say(server, "[[2024:3.1.1(1)¶9]]"))
    section = await _ask(server, "section", {"ref": "2024:3.1.1(1)¶9"})
    assert chat["description"] == section["content"]
    assert section["content"].startswith("`3.1.1(1)` has no ¶9 in Diplomatic Bluebook 2024: ")
    assert section["content"].endswith("Open the section with `/section 2024:3.1.1(1)`.")


async def test_a_section_the_named_edition_lacks_names_the_editions_holding_it(sample):
    """3.1.3 is on page c030103, which 2025 lacks and 2026 (the server's) and 2024 hold."""
    server = sample.server
    for ref in ("3.1.3@2025", "2025:3.1.3"):
        answer = await _ask(server, "section", {"ref": ref})
        assert answer["flags"] & EPHEMERAL
        assert answer["content"].startswith(f"No section “{ref}” in Diplomatic Bluebook 2025.\n")
        hint = answer["content"].split("\n", 1)[1]
        assert hint.startswith("Not held in 2025. Held in 2026, 2024: `2026:3.1.3`."), hint


# -- /verify: links, and quotes from other editions ------------------------------------------

PAGE_2026 = "https://www.mofa.go.jp/policy/other/bluebook/2026/en_html/chapter3/{}.html"


async def test_verify_links_the_page_of_the_passage_or_says_it_links_the_first(sample):
    server = sample.server
    # Capitals only: the passage is 3.2.1(2)¶1, on page c030201.
    quote = "japan’s economic partnership agreements (epas) now cover about 80% of its trade"
    capitals = _embed(await _ask(server, "verify", {"quote": quote}))
    assert capitals["title"] == "Quote check: capitals and punctuation differ"
    assert "`3.2.1(2)¶1`" in capitals["description"]
    assert capitals["url"] == PAGE_2026.format("c030201")
    assert "first page" not in capitals["footer"]["text"]
    # No passage: the chapter's first page, as /toc links, and the answer says so.
    toc = _embed(await _ask(server, "toc"))
    for options in (
        {"quote": "quantum widgets of the far future sold by the dozen"},
        {"quote": "the"},
    ):
        embed = _embed(await _ask(server, "verify", options))
        assert embed["title"] in ("Quote check: not found", "Quote check: too short")
        assert embed["url"] == toc["url"] == PAGE_2026.format("c030101")
        assert embed["footer"]["text"].endswith("· the link opens the chapter's first page")


UNDER_WAY = (
    "the reclamation of land for the new container terminal at the main port of a Pacific "
    "island country is under way"
)


async def test_verify_finds_a_quote_only_an_older_edition_holds_and_names_it(sample):
    server = sample.server
    embed = _embed(await _ask(server, "verify", {"quote": UNDER_WAY}))
    assert embed["title"] == "Quote check: verbatim"
    assert embed["description"].startswith("*From 2024, not in 2026.*\n✅ **Verbatim.**")
    assert "`2024:3.2.2(2)¶1`" in embed["description"]
    assert embed["url"] == PAGE_2026.replace("2026", "2024").format("c030202")
    assert embed["footer"]["text"].startswith("Diplomatic Bluebook 2024")
    # The server reads 2025: the same, from 2024.
    await _ask(server, "settings edition", {"year": 2025}, user=server.admin)
    embed = _embed(await _ask(server, "verify", {"quote": UNDER_WAY}))
    assert embed["description"].startswith("*From 2024, not in 2025.*")
    # Named, by the option or before the quote as a search names one: no note, but the
    # reference is still not the server's edition's, so it keeps its year.
    for options in ({"quote": UNDER_WAY, "edition": 2024}, {"quote": f"2024:{UNDER_WAY}"}):
        embed = _embed(await _ask(server, "verify", options))
        assert embed["description"].startswith(
            "✅ **Verbatim.** This quote stands at `2024:3.2.2(2)¶1`."
        )
        assert embed["footer"]["text"].startswith("Diplomatic Bluebook 2024")
    # A paragraph every edition holds is the server's, the others named.
    same = "Japan continues to call for a “seamless” response — from the coast guard to the navy"
    embed = _embed(await _ask(server, "verify", {"quote": same}))
    assert embed["footer"]["text"].startswith("Diplomatic Bluebook 2025")
    assert "Also in 2026, 2024." in embed["description"]
    # A misquote closest to another edition's passage says so.
    slip = "Japan also provided training to 35 port officials from 8 Pacific island countries"
    embed = _embed(await _ask(server, "verify", {"quote": slip}))
    assert embed["title"] == "Quote check: misquote"
    assert embed["description"].startswith("*Closest in 2024; nothing as close in 2025.*\n❌")
    assert "~~35~~ → **30**" in embed["description"]
    # Nothing anywhere: every edition was checked; an edition not held is said so.
    embed = _embed(
        await _ask(
            server, "verify", {"quote": "quantum widgets of the far future sold by the dozen"}
        )
    )
    assert "Checked 2025, then 2026 and 2024." in embed["description"]
    unheld = await _ask(server, "verify", {"quote": UNDER_WAY, "edition": 2019})
    assert unheld["flags"] & EPHEMERAL and unheld["content"].startswith("No edition 2019 here.")
