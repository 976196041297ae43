"""/compare through the local Discord on two editions whose page ids moved
(tests.samples.chapter5.py): the moved section is compared with its old page, the
inserted one is the only addition."""

from __future__ import annotations

import pytest

from bot.served import ServedLibrary
from tests.e2e.conftest import running_bot
from tests.samples.chapter5 import dropped_library, keep_contents, shifted_library


@pytest.fixture(scope="module")
def shifted(tmp_path_factory) -> ServedLibrary:
    scratch = tmp_path_factory.mktemp("shifted")
    return ServedLibrary.load(shifted_library(scratch / "lib", scratch / "pages"))


@pytest.fixture(scope="module")
def dropped(tmp_path_factory) -> ServedLibrary:
    """2041 fetched by its table of contents (kept), 2040 imported (its contents unknown)."""
    scratch = tmp_path_factory.mktemp("dropped")
    root = dropped_library(scratch / "lib", scratch / "pages")
    keep_contents(root, 2041, ["c050101", "c050201"])
    return ServedLibrary.load(root)


async def _embed(server, options) -> dict:
    message = await (await server.slash("compare", options)).final_message()
    assert message.get("embeds"), message
    return message["embeds"][0]


async def test_a_section_moved_to_the_next_page_id_is_compared_not_lost(
    local_discord, tmp_path, shifted
):
    async with running_bot(local_discord, tmp_path / "b.db", library=shifted):
        listed = await _embed(local_discord, {"from": 2040, "to": 2041})
        moved = await _embed(local_discord, {"ref": "5.1.3(1)", "from": 2040, "to": 2041})
    text = listed["description"]
    assert "`5.1.2` Invented Undersea Cables — section added" in text
    assert "`5.1.3(1)` (was `5.1.2(1)`) Overview — 1 changed" in text
    assert "removed" not in text.replace("0 removed", "") and "not in the" not in text
    fields = {f["name"]: f["value"] for f in listed["fields"]}
    assert fields["Pages not held"] == "none" and fields["Added / removed"] == "1 / 0"
    assert "~~7~~ → **9**" in moved["description"]
    assert {f["name"]: f["value"] for f in moved["fields"]}["Status"] == "changed"


async def test_a_section_dropped_is_removed_and_a_page_perhaps_missing_is_not_sent_to_fetch(
    local_discord, tmp_path, dropped
):
    async with running_bot(local_discord, tmp_path / "b.db", library=dropped):
        listed = await _embed(local_discord, {"from": 2040, "to": 2041})
        removed = await _embed(local_discord, {"ref": "5.1.2", "from": 2040, "to": 2041})
        new = await _embed(local_discord, {"ref": "5.2.1", "from": 2040, "to": 2041})
    text = listed["description"]
    assert "`5.1.2(1)` Overview — section removed" in text
    assert "Page c050201 (`5.2`, `5.2.1`) is not in the 2040 library" in text
    assert "--pages" not in text and "2040 may not have that page" in text
    assert "`bluebook-bot content fetch --edition 2040 --chapter 5 --out LIBRARY`" in text
    assert {f["name"]: f["value"] for f in removed["fields"]}["Status"] == "removed"
    assert "**Removed** in 2041: only in 2040." in removed["description"]
    assert {f["name"]: f["value"] for f in new["fields"]}["Status"] == "not held"
    assert "--pages" not in new["description"] and "--chapter 5" in new["description"]


async def test_the_list_paged_by_its_buttons_knows_the_pages_as_its_first_page(
    local_discord, tmp_path, dropped, monkeypatch
):
    """A page of the list reached by its buttons is made as the first: with what the kept
    table of contents says, so "removed" stays removed and no page is sent to fetch."""
    monkeypatch.setattr("bot.replies.compare.SECTIONS_PER_PAGE", 1)
    async with running_bot(local_discord, tmp_path / "b.db", library=dropped):
        first = await (
            await local_discord.slash("compare", {"from": 2040, "to": 2041})
        ).final_message()
        buttons = {c["label"]: c for row in first["components"] for c in row["components"]}
        pressed = await local_discord.press_button(first, buttons["Page ▶"]["custom_id"])
        second = await pressed.final_message()
    one, two = first["embeds"][0], second["embeds"][0]
    assert "page 2 of" in two["footer"]["text"]
    assert two["fields"] == one["fields"]
    assert {f["name"]: f["value"] for f in two["fields"]}["Added / removed"] == "0 / 1"
    assert "--pages" not in two["description"]


async def test_editions_are_compared_chapter_with_chapter(local_discord, tmp_path):
    """2024 holds chapter 4 only, 2025 chapters 3 and 4: /compare without a reference
    compares chapter 4 with chapter 4, never 2024's chapter 4 with 2025's chapter 3."""
    import shutil

    from tests.samples import LIBRARY, add_chapter4

    shutil.copytree(LIBRARY, tmp_path / "lib")
    add_chapter4(tmp_path / "lib", tmp_path / "pages")
    shutil.rmtree(tmp_path / "lib" / "2024" / "chapter3")
    library = ServedLibrary.load(tmp_path / "lib")
    async with running_bot(local_discord, tmp_path / "b.db", library=library):
        listed = await _embed(local_discord, {"from": 2024, "to": 2025})
    assert "`4.2.5(2).A`" in listed["description"]
    assert "c0301" not in listed["description"]
