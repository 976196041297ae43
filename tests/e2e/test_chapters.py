"""The bot through the local Discord on a library whose editions hold two chapters: the
sample library (chapter 3, 2024-2026) with chapter 4 imported beside chapter 3 in 2024 and
2025 (tests/samples `add_chapter4`). A reference's first number is its chapter."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.fotd.clock import FakeClock
from bot.served import ServedLibrary
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.test_fotd import _stop_loop
from tests.e2e.test_lookups import _passive_on, _say, _say_unanswered
from tests.e2e.test_sample_library import _ask, _embed, _fields, _press
from tests.replies.test_toc import indents
from tests.samples import FACT_CHAPTER4, LIBRARY, add_chapter4

EPHEMERAL = 64


async def _read(server, year: int | None) -> None:
    """The server reads edition `year` (None: the newest)."""
    options = {"year": year} if year is not None else {"newest": True}
    await _ask(server, "settings edition", options, user=server.admin)


@pytest.fixture(scope="module")
def two_chapters(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("chapters")
    library = root / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, root / "pages")
    return library


@pytest.fixture(scope="module")
def chapters_content(two_chapters: Path) -> ServedLibrary:
    return ServedLibrary.load(two_chapters)


@pytest.fixture
async def chapters(local_discord, tmp_path, chapters_content) -> AsyncIterator[Harness]:
    async with running_bot(local_discord, tmp_path / "b.db", library=chapters_content) as h:
        yield h
    assert not local_discord.requests_without_allowed_mentions()


# -- /section ------------------------------------------------------------------------------


async def test_section_opens_the_chapter_a_reference_names(chapters):
    server = chapters.server
    await _read(server, 2024)
    for ref in ("4.2.5(1)", "2024:4.2.5(1)", "§4.2.5(1)", "4.2.5(1)@2024"):
        answer = await _ask(server, "section", {"ref": ref})
        embed = _embed(answer)
        assert _fields(embed)["Reference"] == "`4.2.5(1)`", ref
        assert "free and open economic order" in embed["description"]
        assert "Diplomatic Bluebook 2024" in embed["footer"]["text"]
        assert "/2024/en_html/chapter4/c040205.html" in embed["url"]
    # Chapter 3 as before, and a paragraph and a title of chapter 4.
    three = _embed(await _ask(server, "section", {"ref": "3.1.3(1)"}))
    assert _fields(three)["Reference"] == "`3.1.3(1)`" and "10 countries" in three["description"]
    para = _embed(await _ask(server, "section", {"ref": "4.2.5(2).A¶1"}))
    assert "has grown to 12 members" in para["description"]
    titled = _embed(await _ask(server, "section", {"ref": "Accession Process"}))
    assert _fields(titled)["Reference"] == "`4.2.5(2).A(A)`"
    # Its buttons stay in chapter 4.
    first = await _ask(server, "section", {"ref": "4.2.5(1)"})
    following = _embed(await _press(server, first, "Next section ⏭"))
    assert _fields(following)["Reference"] == "`4.2.5(2)`"


async def test_a_chapter_the_servers_edition_lacks_is_named_where_held(chapters):
    server = chapters.server  # reads 2026, which holds chapter 3 only
    missing = await _ask(server, "section", {"ref": "4.2.5(1)"})
    assert missing["flags"] & EPHEMERAL
    assert missing["content"].startswith("No section “4.2.5(1)” in Diplomatic Bluebook 2026.")
    assert "Held in 2025, 2024: `2025:4.2.5(1)`." in missing["content"]
    assert "2026 has no chapter 4; it holds chapter 3." in missing["content"]
    # A chapter no edition holds, and one the edition named lacks.
    nowhere = await _ask(server, "section", {"ref": "5.1.1"})
    assert "2026 has no chapter 5; it holds chapter 3." in nowhere["content"]
    assert "Held in" not in nowhere["content"]
    named = await _ask(server, "section", {"ref": "2026:4.2.5(1)"})
    assert (
        "2026 has no chapter 4; it holds chapter 3. Not held in 2026. Held in 2025"
        in (named["content"])
    )
    # What it offers opens.
    opened = _embed(await _ask(server, "section", {"ref": "2025:4.2.5(2).A¶1"}))
    assert "has grown to 14 members" in opened["description"]
    assert "Diplomatic Bluebook 2025" in opened["footer"]["text"]


async def test_an_unknown_section_is_offered_the_closest_of_every_chapter(chapters):
    server = chapters.server
    await _read(server, 2024)
    answer = await _ask(server, "section", {"ref": "Frameworks of Regions"})
    assert answer["flags"] & EPHEMERAL
    assert "Closest: `4.2.5(2)` Regional Frameworks, " in answer["content"]


async def test_a_paragraph_past_the_last_of_another_chapter(chapters):
    server = chapters.server
    await _read(server, 2024)
    answer = await _ask(server, "section", {"ref": "4.2.5(1)¶9"})
    assert answer["content"].startswith("`4.2.5(1)` has no ¶9 in Diplomatic Bluebook 2024: ")
    assert answer["content"].endswith("Open the section with `/section 4.2.5(1)`.")


async def test_section_autocomplete_offers_every_chapter_of_the_edition(chapters):
    server = chapters.server
    await _read(server, 2024)
    choices = await server.autocomplete("section", "ref", "4.2.5(2)")
    assert [c["value"] for c in choices[:3]] == ["4.2.5(2)", "4.2.5(2).A", "4.2.5(2).A(A)"]
    titled = await server.autocomplete("section", "ref", "accession")
    assert titled[0]["value"] == "4.2.5(2).A(A)"
    named = await server.autocomplete("section", "ref", "2025:4.2.5(1)")
    assert named[0]["value"] == "2025:4.2.5(1)"


# -- /toc ----------------------------------------------------------------------------------


async def test_toc_lists_every_chapter_of_the_edition(chapters):
    server = chapters.server
    await _read(server, 2024)
    toc = _embed(await _ask(server, "toc"))
    assert toc["title"] == "Diplomatic Bluebook 2024 — Chapters 3, 4"
    text = toc["description"]
    assert "`3.1.3(1)` (1) Overview" in text and "`4.2.5(1)` (1) Overview" in text
    assert text.index("`3` ") < text.index("`3.2.2(2)`") < text.index("`4` ")
    # Each heading one step under the one it is in: a column under a lettered heading too.
    shown = indents(text.splitlines(), "\u2003")
    assert shown["4.2.5(2).B.col1"] == shown["4.2.5(2).B"] + 1 == shown["4.2.5(2)"] + 2
    await _read(server, None)  # 2026: chapter 3 only, as before
    newest = _embed(await _ask(server, "toc"))
    assert newest["title"].endswith("— Chapter 3") and "`4" not in newest["description"]


# -- /search -------------------------------------------------------------------------------


async def test_search_reads_another_chapter_as_the_servers_edition(chapters):
    server = chapters.server
    await _read(server, 2024)
    first = await _ask(server, "search", {"query": "CPTPP accession"})
    embed = _embed(first)
    assert _fields(embed)["Reference"] == "`4.2.5(2).A¶1`"
    assert "Diplomatic Bluebook 2024" in embed["footer"]["text"]
    assert "Nothing in" not in embed["description"] and "from 2024" not in embed["description"]
    # Its other version, 2025's, is another edition's.
    second = _embed(await _press(server, first, "Next ▶"))
    assert _fields(second)["Reference"] == "`2025:4.2.5(2).A¶1`"
    assert second["description"].startswith("*From 2025, not in 2024.*")
    # A paragraph chapter 4 holds unchanged in 2025 is quoted from 2024, also in 2025.
    same = _embed(await _ask(server, "search", {"query": "accession working group"}))
    assert _fields(same)["Reference"] == "`4.2.5(2).A(A)¶1`"
    assert "Diplomatic Bluebook 2024" in same["footer"]["text"]
    assert _fields(same)["Also in"] == "2025" and not same["description"].startswith("*")


async def test_a_miss_says_every_chapter_the_edition_holds(chapters):
    """/search, /verify and /section that find nothing name what the edition read holds: both
    its chapters, each with its sections, and none of another edition's."""
    server = chapters.server
    await _read(server, 2024)
    held = re.compile(
        r"Held here: Diplomatic Bluebook 2024, chapter 3, sections? [\d, and]+; chapter 4, sections? [\d, and]+\."
    )
    searched = _embed(await _ask(server, "search", {"query": "zeppelin airship"}))
    assert held.search(searched["description"]), searched["description"]
    quote = "The moon is made of green cheese and the tides answer to it every single day."
    verified = _embed(await _ask(server, "verify", {"quote": quote}))
    assert verified["title"] == "Quote check: not found"
    assert held.search(verified["description"]), verified["description"]
    missing = await _ask(server, "section", {"ref": "3.9.1"})
    assert held.search(missing["content"]), missing["content"]
    assert "2025" not in held.search(missing["content"]).group(0)


async def test_search_ranks_the_editions_chapters_together(chapters):
    """The strongest match in chapter 4 comes before a weaker one in chapter 3 of the same
    edition: the margin another edition needs is not asked of another chapter."""
    server = chapters.server
    await _read(server, 2024)
    embed = _embed(await _ask(server, "search", {"query": "dispute settlement"}))
    assert _fields(embed)["Reference"] == "`4.2.5(1)¶1`"
    assert not embed["description"].startswith("*")


async def test_search_from_another_edition_still_says_so(chapters):
    server = chapters.server  # reads 2026: chapter 4 is held in 2025 and 2024 only
    embed = _embed(await _ask(server, "search", {"query": "CPTPP accession"}))
    assert embed["description"].startswith("*Nothing in 2026 matches; this is from 2025.*")
    assert "Diplomatic Bluebook 2025" in embed["footer"]["text"]


async def test_nothing_found_suggests_another_chapters_heading_without_text(chapters):
    """ "5 Rules for Trade and Investment" in chapter 4 has no text of its own (all of it is in
    its subsections); it is offered as chapter 3's own heading without text is."""
    server = chapters.server
    await _read(server, 2024)
    embed = _embed(await _ask(server, "search", {"query": "tradeoffs"}))
    assert embed["title"] == "No match"
    tips = embed["description"].split("Try: ", 1)[1].split("\n", 1)[0]
    assert "`Rules-Based Trade`" in tips  # chapter 3's, without text
    assert "`Rules for Trade and Investment`" in tips  # chapter 4's, without text


async def test_verify_reads_another_chapter_as_the_servers_edition(chapters):
    """A quote in chapter 4 of the edition the server reads is verbatim in that edition: no
    "From 2024, not in 2024", and its reference opens without a year."""
    server = chapters.server
    await _read(server, 2024)
    embed = _embed(await _ask(server, "verify", {"quote": "has grown to 12 members"}))
    assert embed["title"] == "Quote check: verbatim"
    assert not embed["description"].startswith("*"), embed["description"]
    assert "`4.2.5(2).A¶1`" in embed["description"]
    assert "Diplomatic Bluebook 2024" in embed["footer"]["text"]
    # 2025's words are another edition's, and said so.
    other = _embed(await _ask(server, "verify", {"quote": "has grown to 14 members"}))
    assert other["description"].startswith("*From 2025, not in 2024.*")


# -- chat lookups --------------------------------------------------------------------------


async def test_lookups_open_the_chapter_a_reference_names(chapters):
    server = chapters.server
    await _read(server, 2024)
    for text in ("as §4.2.5(1) says", "see [[4.2.5(1)]]", "and [[2024:4.2.5(1)]]"):
        embed = _embed(await _say(server, text))
        assert embed["title"] == "(1) Overview · 4.2.5(1)", text
        assert "free and open economic order" in embed["description"]
        assert embed["footer"]["text"] == "Diplomatic Bluebook 2024"
        assert "/2024/en_html/chapter4/" in embed["url"]
    para = _embed(await _say(server, "what about §4.2.5(2).A¶1?"))
    assert "has grown to 12 members" in para["description"]
    older = _embed(await _say(server, "and [[2025:4.2.5(2).A¶1]]"))
    assert "has grown to 14 members" in older["description"]
    past = _embed(await _say(server, "[[4.2.5(1)¶9]]"))
    assert past["description"].startswith("`4.2.5(1)` has no ¶9 in Diplomatic Bluebook 2024")
    # Chapter 3 as before.
    three = _embed(await _say(server, "as §3.1.3(1) says"))
    assert three["description"].startswith("> Cyberattacks on government bodies")
    # A chapter the edition lacks is named, as /section names it.
    lacking = _embed(await _say(server, "see [[5.1]]"))
    assert "2024 has no chapter 5; it holds chapters 3, 4." in lacking["description"]


async def test_word_lookups_read_every_chapter_of_the_edition(chapters):
    server = chapters.server
    await _read(server, 2024)
    embed = _embed(await _say(server, "what is [[CPTPP]]?"))
    assert embed["title"] == "[[CPTPP]] · 4.2.5(2).A¶1"
    assert not embed["description"].startswith("*")
    assert embed["footer"]["text"].endswith("· Diplomatic Bluebook 2024")
    # The strongest match of the edition, in whichever chapter it is.
    ranked = _embed(await _say(server, "[[dispute settlement]]"))
    assert ranked["title"] == "[[dispute settlement]] · 4.2.5(1)¶1"
    await _read(server, None)  # 2026 holds no chapter 4: another edition, said so
    elsewhere = _embed(await _say(server, "what is [[CPTPP]]?"))
    assert elsewhere["description"].startswith("*Nothing in 2026 matches; this is from 2025.*")


async def test_a_glossary_name_only_another_chapter_defines_is_found(chapters):
    """TPP11 is a name of the CPTPP in chapter 4's glossary only: a reader of chapter 3 of
    the same edition finds it in chat and in /search, as a reader of chapter 4 does."""
    server = chapters.server
    await _read(server, 2024)
    embed = _embed(await _say(server, "what is [[TPP11]]?"))
    assert embed["title"] == "[[TPP11]] · 4.2.5(2).A¶1"
    assert embed["footer"]["text"].endswith("· Diplomatic Bluebook 2024")
    found = _embed(await _ask(server, "search", {"query": "TPP11"}))
    assert _fields(found)["Reference"] == "`4.2.5(2).A¶1`"


async def test_passive_lookups_know_the_terms_of_every_chapter(chapters):
    server = chapters.server
    await _read(server, 2024)
    await _passive_on(server)
    other = await _say(server, "the RCEP covers a lot of people")
    assert other["content"].startswith("**RCEP** — Regional Comprehensive Economic Partnership")
    # The reader's own chapter's terms as before, with where that chapter has them.
    own = await _say(server, "what did the JCG do")
    assert own["content"].startswith("**JCG** — Japan Coast Guard · `3.1.1(1)¶2` · ")


# -- /compare ------------------------------------------------------------------------------


async def _compare(server, options) -> dict:
    return await _ask(server, "compare", options)


async def test_compare_reads_the_chapter_a_reference_names(chapters):
    server = chapters.server
    await _read(server, 2025)
    found = await _compare(server, {"ref": "4.2.5(2).A"})  # 2024 → 2025 by default
    embed = _embed(found)
    assert embed["title"].endswith("— 2024 → 2025") and _fields(embed)["Status"] == "changed"
    assert "~~12~~ → **14**" in embed["description"]
    assert "/2025/en_html/chapter4/" in embed["url"]
    # Chapter 3 as before, and a title of chapter 4.
    three = _embed(await _compare(server, {"ref": "3.2.2(2)"}))
    assert "~~is under way,~~ → **was completed in 2024,**" in three["description"]
    titled = _embed(await _compare(server, {"ref": "Accession Process"}))
    assert _fields(titled)["Reference"] == "`4.2.5(2).A(A)`"
    choices = await server.autocomplete("compare", "ref", "4.2.5(2).A")
    assert choices[0]["value"] == "4.2.5(2).A"


async def test_compare_of_a_chapter_one_edition_lacks_names_where_it_is(chapters):
    server = chapters.server  # 2025 → 2026; 2026 holds chapter 3 only
    answer = await _compare(server, {"ref": "4.2.5(2).A"})
    assert answer["flags"] & EPHEMERAL
    assert answer["content"].startswith("Chapter 4 is not held in 2026, so “4.2.5(2).A” cannot")
    assert "held in 2025, 2024: `/compare ref:4.2.5(2).A from:2024 to:2025`." in answer["content"]


async def test_compare_without_a_reference_names_the_other_chapters(chapters):
    server = chapters.server
    listed = _embed(await _compare(server, {"from": 2024, "to": 2025}))
    assert listed["description"].startswith(
        "This is chapter 3. Both editions also hold chapter 4 (`/compare ref:4 from:2024 to:2025`)."
    )
    whole = _embed(await _compare(server, {"ref": "4", "from": 2024, "to": 2025}))
    assert "~~12~~ → **14**" in whole["description"]
    newest = _embed(await _compare(server, {}))  # 2025 → 2026: chapter 3 only, as before
    assert "chapter 4" not in newest["description"]


# -- facts ---------------------------------------------------------------------------------

MARKER = "Fact of the day · "


@pytest.fixture
async def facts_in_chapter4(
    local_discord, tmp_path
) -> AsyncIterator[tuple[Harness, FakeClock, object]]:
    """2024's only fact is in chapter 4; the posting loop is stopped so only the test ticks."""
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, tmp_path / "pages")
    (library / "2024" / "chapter3" / "facts.yaml").write_text("facts: []\n", "utf-8")
    (library / "2024" / "chapter4" / "facts.yaml").write_text(FACT_CHAPTER4, "utf-8")
    clock = FakeClock(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    content = ServedLibrary.load(library)
    # Made before the bot connects: the stand-in sends no CHANNEL_CREATE.
    news = local_discord.add_channel(local_discord.guild, "news")
    async with running_bot(
        local_discord, tmp_path / "b.db", library=content, services_args={"clock": clock}
    ) as h:
        await _stop_loop(h)
        yield h, clock, news
    assert not local_discord.requests_without_allowed_mentions()


async def test_facts_of_every_chapter_are_drawn_from(facts_in_chapter4):
    h, clock, news = facts_in_chapter4
    server = h.server
    await _read(server, 2024)
    fact = _embed(await _ask(server, "fact"))
    assert fact["title"] == "The CPTPP has grown to 12 members"
    assert _fields(fact)["Reference"] == "`4.2.5(2).A¶1`"
    assert "/2024/en_html/chapter4/" in fact["url"]
    assert _embed(await _ask(server, "fact", {"topic": "CPTPP"}))["title"] == fact["title"]
    # The fact of the day: not waiting for facts, previews and posts chapter 4's fact.
    opts = {"channel": news, "time": "13:00", "timezone": "UTC"}
    text = _embed(await _ask(server, "factoftheday set", opts, user=server.admin))["description"]
    assert "waiting for facts" not in text
    preview = _embed(await _ask(server, "factoftheday preview", user=server.admin))
    assert preview["title"] == "The CPTPP has grown to 12 members"
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=UTC))
    [event] = await h.bot.fotd.tick(h.bot.get_cog("FotdCog").sender)
    assert event.outcome == "sent" and event.fact_id == "cptpp-members"
    posts = [
        m
        for m in await server.bot_messages(news)
        if m["embeds"] and m["embeds"][0].get("footer", {}).get("text", "").startswith(MARKER)
    ]
    assert [_embed(p)["title"] for p in posts] == ["The CPTPP has grown to 12 members"]


async def test_passive_lookups_skip_a_term_the_text_never_uses(local_discord, tmp_path):
    """An imported pack inherits every shipped term, also those its pages never mention: such
    a term is not answered in chat, since `[[term]]` would quote nothing."""
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    glossary = library / "2026" / "chapter3" / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    unused = "  - term: QZSS\n    expansion: Quasi-Zenith Satellite System\n"
    glossary.write_text(text.replace("spellings:", unused + "spellings:", 1), encoding="utf-8")
    served = ServedLibrary.load(library)
    assert "QZSS" in {t.term for t in served.glossary().terms}
    async with running_bot(local_discord, tmp_path / "b.db", library=served) as bot:
        server = bot.server
        await _passive_on(server)
        await _say_unanswered(server, "the QZSS launch went well")
        own = await _say(server, "what did the JCG do")
        assert own["content"].startswith("**JCG** — Japan Coast Guard")


async def test_a_reference_that_names_no_section_is_answered_as_section_answers_it(chapters):
    """`[[4.2.5(2)A]]` (the section is `4.2.5(2).A`), `[[4.2.5(2).A(a)]]`, `[[4.2.5-1]]`: no
    section, and the closest, as /section says; never a quote of a paragraph matching "4" or
    "A", and logged as finding nothing, not as an answer."""
    server = chapters.server
    await _read(server, 2024)
    for typed in ("4.2.5(2)A", "4.2.5(1)b(a)", "4.2.5-1"):
        [embed] = (await _say(server, f"what about [[{typed}]]?"))["embeds"]
        section = await _ask(server, "section", {"ref": typed})
        assert embed["description"] == section["content"], typed
        assert embed["description"].startswith(f"No section “{typed}” in "), embed
        assert "Closest: `4.2.5" in embed["description"], embed
        assert "title" not in embed  # no quote
    [embed] = (await _say(server, "[[4.2.5(2)A]]"))["embeds"]
    assert "Closest: `4.2.5(2).A` " in embed["description"]
    await chapters.services.usage.flush()
    with sqlite3.connect(chapters.db_path) as conn:
        rows = conn.execute(
            "SELECT query, top_ref, outcome FROM usage_events WHERE kind = 'keyword'"
        ).fetchall()
    assert rows and all(ref is None and outcome == "no_result" for _, ref, outcome in rows), rows


async def test_compare_of_the_servers_own_edition_named_is_its_default_pair(chapters):
    """A server reading 2025 that names 2025 compares 2024 → 2025, as without the year; a
    year other than its own is compared with its successor (the newest with the one before)."""
    server = chapters.server
    await _read(server, 2025)
    for ref, pair in (
        ("3.2.2(2)", "2024 → 2025"),
        ("2025:3.2.2(2)", "2024 → 2025"),
        ("2024:3.2.2(2)", "2024 → 2025"),
        ("2026:3.2.2(2)", "2025 → 2026"),
    ):
        embed = _embed(await _compare(server, {"ref": ref}))
        assert embed["title"].endswith(f"— {pair}"), (ref, embed["title"])
