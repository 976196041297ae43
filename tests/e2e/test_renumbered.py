"""The bot through the local Discord on two editions where a part was inserted before
another (tests/samples/renumbered.py: 2050's 7.1.1(2) "Invented Reef Patrols" is 2051's
7.1.1(3), 2051's 7.1.1(2) is new): /compare reads a reference in the edition it names and
says the renumbering; "Also in" names the other edition's reference when it differs."""

from __future__ import annotations

import pytest

from bot.served import ServedLibrary
from tests.e2e.conftest import running_bot
from tests.e2e.test_sample_library import _ask, _embed, _fields
from tests.samples.renumbered import MINUTES, PATROLS, renumbered_library

RENUMBERED = "Renumbered from `7.1.1(2)` in 2050; now `7.1.1(3)` in 2051."


@pytest.fixture(scope="module")
def renumbered(tmp_path_factory) -> ServedLibrary:
    scratch = tmp_path_factory.mktemp("renumbered")
    return ServedLibrary.load(renumbered_library(scratch / "lib", scratch / "pages"))


async def test_compare_reads_a_reference_in_the_edition_it_names(
    local_discord, tmp_path, renumbered
):
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=renumbered):
        named = [
            _embed(await _ask(server, "compare", {"ref": typed}))
            for typed in ("2050:7.1.1(2)", "7.1.1(2)@2050", "7.1.1(3)")
        ]
        new = _embed(await _ask(server, "compare", {"ref": "7.1.1(2)"}))
        unheld = await _ask(server, "compare", {"ref": "2049:7.1.1(2)"})
        outside = await _ask(server, "compare", {"ref": "2049:7.1.1(2)", "from": 2050, "to": 2051})
    for embed in named:
        assert embed["title"].startswith("(3) Invented Reef Patrols — 2050 → 2051")
        assert embed["description"].startswith(RENUMBERED), embed["description"]
        assert "~~310~~ → **365**" in embed["description"]
        assert _fields(embed)["Reference"] == "`7.1.1(3)` (was `7.1.1(2)`)"
    # Unqualified, the number is the later edition's: the section inserted there.
    assert new["title"].startswith("(2) Invented Seed Banks")
    assert "Renumbered" not in new["description"]
    assert _fields(new)["Status"] == "added"
    # An edition named that is not held is said at once, editions asked or not: not advice
    # to set `from` or `to` to it. (One held but left out: test_compare_sample.py.)
    assert unheld["content"].startswith("No edition 2049 here.")
    assert outside["content"] == unheld["content"]


async def test_compare_a_number_the_edition_named_lacks_says_whose_it_is_and_the_closest(
    local_discord, tmp_path, renumbered
):
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=renumbered):
        other = await _ask(server, "compare", {"ref": "2050:7.1.1(3)"})
        nowhere = await _ask(server, "compare", {"ref": "2051:7.1.9"})
    assert other["content"].startswith("No section “7.1.1(3)” in 2050.")
    assert "`7.1.1(3)` is 2051's; in 2050 it was `7.1.1(2)`." in other["content"]
    assert "Closest: `2050:7.1.1` Invented Reef Work" in other["content"]
    assert nowhere["content"].startswith("No section “7.1.9” in 2051.")
    assert "is 2050's" not in nowhere["content"]
    assert "Closest: `2051:7.1` Invented Reefs" in nowhere["content"]


async def test_the_list_of_changes_names_sections_renumbered_with_text_unchanged(
    local_discord, tmp_path, renumbered
):
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=renumbered):
        text = _embed(await _ask(server, "compare"))["description"]
    assert "2 renumbered with text unchanged, 0 unchanged" in text
    # Its part A changed, so its own view says "changed": the list does not call it unchanged.
    assert (
        "`7.1.1(3)` (was `7.1.1(2)`) Invented Reef Patrols — renumbered, own text unchanged "
        "(subsections changed)"
    ) in text
    assert (
        "`7.1.1(3).B` (was `7.1.1(2).B`) Invented Satellite Watch — renumbered, text unchanged"
        in text
    )


async def test_also_in_names_the_other_editions_reference_when_it_differs(
    local_discord, tmp_path, renumbered
):
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=renumbered):
        verified = _embed(await _ask(server, "verify", {"quote": PATROLS}))
        same = _embed(await _ask(server, "verify", {"quote": MINUTES}))
        said = server.send_message(server.general, server.member, PATROLS.lower())
        await server.quiesce()
        menu = _embed(await (await server.context_menu("Find in Bluebook", said)).final_message())
        found = _embed(await _ask(server, "search", {"query": "satellite pilot mapped reef"}))
        minutes = _embed(await _ask(server, "search", {"query": "minutes three languages"}))
    assert "stands at `7.1.1(3)¶1`. Also in 2050 (`2050:7.1.1(2)¶1`)." in verified["description"]
    assert "stands at `7.1.1(1)¶2`. Also in 2050.\n" in same["description"]
    assert _fields(menu)["Also in"] == "2050 (`2050:7.1.1(2)¶1`)"
    assert _fields(found)["Also in"] == "2050 (`2050:7.1.1(2).B¶1`)"
    assert _fields(minutes)["Also in"] == "2050"


OLDER_ONLY = "The invented reef council met 6 times with partners in 2049."


async def test_a_reference_from_an_edition_not_read_carries_its_year(
    local_discord, tmp_path, renumbered
):
    """The server reads 2051, where 2050's 7.1.1(2) is another section: /verify, /search and
    Find in Bluebook write a 2050 reference `2050:...`, whichever edition was asked first."""
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=renumbered):
        asked = _embed(await _ask(server, "verify", {"quote": PATROLS, "edition": 2050}))
        older = _embed(await _ask(server, "verify", {"quote": OLDER_ONLY}))
        searched = _embed(await _ask(server, "search", {"query": OLDER_ONLY}))
        in_2050 = _embed(await _ask(server, "search", {"query": "patrol boats", "edition": 2050}))
        said = server.send_message(server.general, server.member, OLDER_ONLY)
        await server.quiesce()
        menu = _embed(await (await server.context_menu("Find in Bluebook", said)).final_message())
    assert "stands at `2050:7.1.1(2)¶1`. Also in 2051 (`2051:7.1.1(3)¶1`)." in asked["description"]
    assert "stands at `2050:7.1.1(1)¶1`." in older["description"]
    assert _fields(searched)["Reference"] == "`2050:7.1.1(1)¶1`"
    assert _fields(menu)["Reference"] == "`2050:7.1.1(1)¶1`"
    assert _fields(in_2050)["Reference"] == "`2050:7.1.1(2)¶1`"
