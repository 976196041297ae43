"""/compare through the local Discord on two editions whose page ids moved
(tests/samples/shifted_pages.py): the moved section is compared with its old page, the
inserted one is the only addition."""

from __future__ import annotations

import pytest

from bot.served import ServedLibrary
from tests.e2e.conftest import running_bot
from tests.samples.shifted_pages import shifted_library


@pytest.fixture(scope="module")
def shifted(tmp_path_factory) -> ServedLibrary:
    scratch = tmp_path_factory.mktemp("shifted")
    return ServedLibrary.load(shifted_library(scratch / "lib", scratch / "pages"))


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
    assert "`5.1.3(1)` Overview — 1 changed" in text
    assert "removed" not in text.replace("0 removed", "") and "not in the" not in text
    fields = {f["name"]: f["value"] for f in listed["fields"]}
    assert fields["Pages not held"] == "none" and fields["Added / removed"] == "1 / 0"
    assert "~~7~~ → **9**" in moved["description"]
    assert {f["name"]: f["value"] for f in moved["fields"]}["Status"] == "changed"
