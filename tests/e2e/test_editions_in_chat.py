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
from tests.e2e.test_sample_library import _ask, _embed
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
