"""Chat lookups and /verify across editions, end to end through the local Discord, on a
library of two editions of chapter 6 (tests/samples/two_editions.py): a lookup answers as
/search and /section answer, a written reference reads the edition it names, and a footnote
marker copied from the page is not part of a quote's words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.served import ServedLibrary
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.test_chapters import _read
from tests.e2e.test_lookups import _say, _say_unanswered
from tests.e2e.test_sample_library import _ask, _embed, _fields
from tests.samples.two_editions import write_two_editions


@pytest.fixture(scope="module")
def editions_content(tmp_path_factory) -> ServedLibrary:
    root = tmp_path_factory.mktemp("editions")
    write_two_editions(root / "library", root / "pages")
    return ServedLibrary.load(root / "library")


@pytest.fixture
async def editions(local_discord, tmp_path, editions_content: Path) -> AsyncIterator[Harness]:
    async with running_bot(local_discord, tmp_path / "b.db", library=editions_content) as h:
        yield h
    assert not local_discord.requests_without_allowed_mentions()


# -- /verify and footnote markers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "where"),
    [
        # 2025's marker, as copied from the page
        ("a rise from 38 in the previous year*1.", "`6.1.1(1)¶1`"),
        # 2024's older glued digit; the page has footnote 2
        ("with 210 pieces in total2.", "`2024:6.1.1(1)¶1`"),
    ],
)
async def test_a_footnote_marker_copied_from_the_page_is_verbatim(editions, quote, where):
    embed = _embed(await _ask(editions.server, "verify", {"quote": quote}))
    assert embed["title"] == "Quote check: verbatim", embed["description"]
    assert f"This quote stands at {where}." in embed["description"]


async def test_a_misquote_with_a_marker_names_only_the_wrong_word(editions):
    embed = _embed(
        await _ask(editions.server, "verify", {"quote": "a rise from 37 in the previous year*1."})
    )
    assert embed["title"] == "Quote check: misquote"
    differences = embed["description"].split("**Differences**")[1].split("\n", 1)[1]
    assert "~~37~~ → **38**" in differences
    assert "~~" not in differences.replace("~~37~~", "")  # "year" is not said to be missing


async def test_a_quote_found_nowhere_says_so_without_a_chapter(editions):
    embed = _embed(
        await _ask(
            editions.server, "verify", {"quote": "orchestras toured eleven capitals in spring"}
        )
    )
    assert embed["title"] == "Quote check: not found"
    assert "Nothing in the Bluebook is close to" in embed["description"]
    assert "the chapter" not in embed["description"]


# -- [[...]] answers as /search and /section -------------------------------------------------


async def test_a_word_lookup_quotes_what_search_ranks_first(editions):
    """2025 has a weak match ("town" in 6.1.3); 2024 has the strong one."""
    server = editions.server  # reads 2025
    found = _embed(await _ask(server, "search", {"query": "twin town partnerships"}))
    # 2024's reference read by a 2025 server, in /search and in chat: with its year.
    assert _fields(found)["Reference"] == "`2024:6.1.2¶1`" and "2024" in found["footer"]["text"]
    embed = _embed(await _say(server, "what about [[twin town partnerships]]?"))
    assert embed["title"] == "[[twin town partnerships]] · 2024:6.1.2¶1"
    assert embed["description"].startswith("*From 2024, not in 2025.*")
    assert embed["footer"]["text"].endswith("Diplomatic Bluebook 2024")


async def test_a_word_lookup_in_a_named_edition_falls_back_as_search_does(editions):
    server = editions.server
    searched = _embed(await _ask(server, "search", {"query": "manga", "edition": 2024}))
    note = "*Nothing in 2024 matches; this is from 2025.*"
    assert searched["description"].startswith(note)
    embed = _embed(await _say(server, "[[2024:manga]]"))
    assert embed["description"].startswith(note)
    assert embed["title"] == "[[2024:manga]] · 6.1.1(3)¶1"


async def test_a_word_lookup_nothing_matches_names_no_chapter(editions):
    embed = _embed(await _say(editions.server, "[[zeppelin]]"))
    assert embed["description"].startswith("Nothing in the Bluebook matches **zeppelin**")
    searched = _embed(await _ask(editions.server, "search", {"query": "zeppelin"}))
    assert searched["description"].startswith("Nothing in the Bluebook matches **zeppelin**")


async def test_a_reference_held_in_another_edition_is_named_as_section_names_it(editions):
    server = editions.server
    await _read(server, 2024)
    section = await _ask(server, "section", {"ref": "6.1.1(3)"})
    held = "Held in 2025: `2025:6.1.1(3)`."
    assert held in section["content"]
    embed = _embed(await _say(server, "[[6.1.1(3)]]"))
    assert held in embed["description"]
    assert embed["description"].startswith("No section “6.1.1(3)” in Diplomatic Bluebook 2024.")


async def test_suggestions_keep_the_edition_the_lookup_named(editions):
    server = editions.server  # reads 2025
    for text in ("[[6.1.1(3)@2024]]", "[[2024:6.1.1(3)]]"):
        embed = _embed(await _say(server, text))
        description = embed["description"]
        assert "in Diplomatic Bluebook 2024" in description, text
        assert "Closest: `2024:6.1.1`" in description, text
        assert "`6.1.1`" not in description, text


# -- written references naming an edition ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "see 2024:§6.1.1(1)",
        "see §2024:6.1.1(1)",
        "see §6.1.1(1)@2024",
        "see §6.1.1(1) (2024)",
        "see 2024:6.1.1(1)¶1",
    ],
)
async def test_a_written_reference_reads_the_edition_it_names(editions, text):
    embed = _embed(await _say(editions.server, text))  # the server reads 2025
    assert "lent 38 scrolls" in embed["description"], text
    assert embed["footer"]["text"] == "Diplomatic Bluebook 2024"
    assert "/2024/" in embed["url"]


async def test_a_written_reference_only_a_named_edition_holds(editions):
    server = editions.server
    embed = _embed(await _say(server, "read §2024:6.1.2 please"))
    assert "twin town partnerships" in embed["description"]
    # The server's own edition as before.
    own = _embed(await _say(server, "and §6.1.2"))
    assert "140 partner schools" in own["description"]


@pytest.mark.parametrize(
    "text",
    [
        "under §230 (2024) of the act",  # no such section in 2024
        "§6.1.1(1)@1999 was it",  # an edition not held: nothing of ours
        "in 2024: 6.1 percent growth",  # no § nor ¶
        "version 2024:6.1.1 shipped",
    ],
)
async def test_text_that_is_no_reference_still_gets_no_reply(editions, text):
    await _say_unanswered(editions.server, text)
