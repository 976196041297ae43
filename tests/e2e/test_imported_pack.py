"""The bot on a pack fresh from `content import` of the sample pages (tests/pack/samples): two
pages of chapter 4, a footnote marker in the text, and the shipped glossary inherited, with
terms (GCAP, GIGO, United States ...) the pages never use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.pack.importer import import_pages
from bot.served import ServedLibrary
from tests.e2e.conftest import Harness, running_bot
from tests.e2e.test_lookups import _say

SAMPLES = Path(__file__).resolve().parents[1] / "pack" / "samples"


@pytest.fixture(scope="module")
def imported_content(tmp_path_factory) -> ServedLibrary:
    library = tmp_path_factory.mktemp("library")
    import_pages([SAMPLES / "c040205.html", SAMPLES / "c040207.txt"], library)
    return ServedLibrary.load(library)


@pytest.fixture
async def imported(local_discord, tmp_path, imported_content) -> AsyncIterator[Harness]:
    async with running_bot(local_discord, tmp_path / "b.db", library=imported_content) as h:
        yield h
    assert not local_discord.requests_without_allowed_mentions()


async def _ask(server, name, options=None) -> dict:
    message = await (await server.slash(name, options)).final_message()
    assert message.get("embeds"), message
    return message["embeds"][0]


async def test_suggestions_name_only_what_the_pack_holds(imported):
    server = imported.server
    # The inherited glossary has GCAP and GIGO, "GCAP International Government Organisation":
    # the pages have neither, so nothing is offered that would find nothing in turn.
    missing = await _say(server, "what is [[GCAP]]?")
    text = missing["embeds"][0]["description"]
    assert text.startswith("Nothing in the Bluebook matches **GCAP**")
    assert "GCAP International" not in text and "Try" not in text
    quote = "The United States and the Japan Self-Defense Forces held joint drills at sea"
    embed = await _ask(server, "verify", {"quote": quote})
    assert embed["title"] == "Quote check: not found"
    assert "Perhaps" not in embed["description"]
    # Titles and terms the pages do use are still offered.
    near = await _ask(
        server, "verify", {"quote": "quantum widgets sold in accesion talks all winter"}
    )
    assert "Perhaps: `Accession Process`" in near["description"]


async def test_a_footnote_marker_is_not_a_word_of_the_text(imported):
    server = imported.server
    # The page prints "... accession of new members<sup>*1</sup>." with its footnote.
    quote = (
        "Japan chaired the CPTPP Commission in 2029 and led talks on the accession of new members."
    )
    embed = await _ask(server, "verify", {"quote": quote})
    assert embed["title"] == "Quote check: verbatim", embed["description"]
    assert "`4.2.5(2).A¶1`" in embed["description"]
    found = await _ask(server, "search", {"query": "accession of new members"})
    assert "**new members**." in found["description"] and "*1" not in found["description"]
    opened = await _ask(server, "section", {"ref": "4.2.5(2).A"})
    # The marker is off the paragraph; the footnote itself follows the section's text.
    assert "new members." in opened["description"] and "members*1" not in opened["description"]
    assert "\n\n`*1` *" in opened["description"]


async def test_a_column_opens_by_the_word_column(imported):
    server = imported.server
    # The page prints "Column" over "The Osaka Track on Data Flows", its title.
    opened = await _ask(server, "section", {"ref": "column"})
    assert "The Osaka Track on Data Flows" in opened["title"], opened
    assert "Osaka Track in 2019" in opened["description"]
    choices = await server.autocomplete("section", "ref", "column")
    assert choices[0]["value"] == "4.2.5(2).B.col1"
    assert choices[0]["name"] == "4.2.5(2).B.col1 The Osaka Track on Data Flows"
