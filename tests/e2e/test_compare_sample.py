"""/compare through the local Discord on the sample library (tests/samples): one section
with its changed words marked, a page one edition lacks, and the ranked list of changed
sections with its page buttons."""

from __future__ import annotations

from tests.e2e.conftest import running_bot


def _embed(message: dict) -> dict:
    assert message.get("embeds"), message
    return message["embeds"][0]


def _buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"]}


async def _ask(server, options) -> dict:
    return await (await server.slash("compare", options)).final_message()


def _fields(embed: dict) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed["fields"]}


async def test_a_lightly_edited_long_paragraph_is_marked_word_by_word(sample):
    embed = _embed(await _ask(sample.server, {"ref": "3.2.2(2)", "from": 2024, "to": 2025}))
    text = embed["description"]
    assert "~~is under way,~~ → **was completed in 2024,**" in text
    assert "~~30~~ → **45**" in text and "removed:" not in text and "added:" not in text
    assert _fields(embed)["Status"] == "changed"


async def test_quote_style_is_unchanged_and_a_renamed_heading_shows(sample):
    server = sample.server
    same = _embed(await _ask(server, {"ref": "3.2.1(2)", "from": 2024, "to": 2025}))
    assert "Unchanged" in same["description"]
    renamed = _embed(await _ask(server, {"ref": "3.1.2", "from": 2024, "to": 2025}))
    assert "~~Non-proliferation~~ → **Nonproliferation**" in renamed["description"]


async def test_a_page_the_earlier_edition_lacks_is_not_in_its_library(sample):
    # Defaults: to = the newest (2026), from = the edition before it (2025).
    embed = _embed(await _ask(sample.server, {"ref": "3.1.3(1)"}))
    assert "Not in the 2025 library" in embed["description"]
    assert "content fetch --edition 2025 --pages c030103" in embed["description"]
    assert _fields(embed)["Status"] == "not held"
    assert "added" not in embed["description"].lower()


async def test_without_a_reference_the_changed_sections_are_ranked_and_paginated(
    sample, monkeypatch
):
    monkeypatch.setattr("bot.replies.compare.SECTIONS_PER_PAGE", 3)
    server = sample.server
    first = await _ask(server, {"from": 2024, "to": 2025})
    embed = _embed(first)
    assert embed["title"] == "What changed — 2024 → 2025"
    lines = [line for line in embed["description"].splitlines() if line.startswith("**")]
    assert lines[1].startswith("**1.** `3.2.1(1)` WTO Reform — 1 changed, 0 added, 0 removed")
    assert lines[2].startswith("**2.** `3.1.1(2)`") and lines[3].startswith("**3.** `3.1.2(1)`")
    assert (
        "Page c030103" in embed["description"] and "not in the 2025 library" in embed["description"]
    )
    assert _fields(embed)["Pages not held"] == "c030103 (2025)"
    assert "page 1 of 3" in embed["footer"]["text"]
    turn = _buttons(first)["Page ▶"]
    second = await (await server.press_button(first, turn["custom_id"])).final_message()
    text = _embed(second)["description"]
    assert text.startswith("**4.** `3.2.2(2)`") and "**6.** `3.1.2`" in text
    assert "page 2 of 3" in _embed(second)["footer"]["text"]
    # The reference on each line is what /compare takes next.
    detail = _embed(await _ask(server, {"ref": "3.2.2(2)", "from": 2024, "to": 2025}))
    assert "**was completed in 2024,**" in detail["description"]


async def test_with_one_edition_the_answer_says_there_is_nothing_to_compare(
    local_discord, tmp_path, shipped_library
):
    async with running_bot(local_discord, tmp_path / "b.db", library=shipped_library):
        answer = await _ask(local_discord, {})
    assert "holds one edition (2025)" in answer["content"]
    assert "Give `from`" not in answer["content"]
    # Fetching is not something a Discord user can do: the hint says who can.
    assert "The bot's operator can fetch another edition" in answer["content"]


async def test_the_counts_of_changed_sections_agree(sample):
    embed = _embed(await _ask(sample.server, {"from": 2024, "to": 2026}))
    head = next(line for line in embed["description"].splitlines() if "sections differ" in line)
    total = int(head.split("**")[1].split()[0])
    fields = _fields(embed)
    added, removed = (int(n) for n in fields["Added / removed"].split(" / "))
    assert total == int(fields["Sections changed"]) + added + removed
    assert f"({fields['Sections changed']} changed, {added} added, {removed} removed)" in head


async def test_from_the_earliest_edition_or_to_itself_says_what_works(sample):
    server = sample.server
    earliest = await _ask(server, {"to": 2024})
    assert earliest["content"].startswith("2024 is the earliest edition held")
    assert "`/compare to:2025`" in earliest["content"]  # the next edition after it
    same = await _ask(server, {"from": 2025, "to": 2025})
    assert same["content"].startswith("`from` and `to` are both 2025")
    key = _embed(await _ask(server, {"ref": "3.2.2(2)", "from": 2024, "to": 2025}))
    assert "Struck-through words are only in 2024, bold ones only in 2025." in key["description"]


async def test_a_reference_naming_its_edition_is_compared_with_its_successor(sample, monkeypatch):
    """No edition asked (the server's is 2026): '2024:…' is 2024 against 2025, and its page
    buttons turn between those two; the newest named is compared with the one before it."""
    server = sample.server
    whole = _embed(await _ask(server, {"ref": "2024:3.2.2(2)"}))
    assert whole["title"].endswith("— 2024 → 2025")
    assert "~~is under way,~~ → **was completed in 2024,**" in whole["description"]
    monkeypatch.setattr("bot.replies.compare.PAGE_CHARS", 120)
    first = await _ask(server, {"ref": "2024:3.2.2(2)"})
    embed = _embed(first)
    assert embed["footer"]["text"].startswith("Diplomatic Bluebook 2024 → Diplomatic Bluebook 2025")
    turn = _buttons(first)["Page ▶"]
    second = await (await server.press_button(first, turn["custom_id"])).final_message()
    assert _embed(second)["title"] == embed["title"]
    assert "page 2 of" in _embed(second)["footer"]["text"]
    newest = _embed(await _ask(server, {"ref": "2026:3.2.2(2)"}))
    assert newest["title"].endswith("— 2025 → 2026")


async def test_a_named_edition_is_refused_only_when_the_editions_asked_leave_it_out(sample):
    server = sample.server
    refused = await _ask(server, {"ref": "2024:3.2.2(2)", "from": 2025})
    assert refused["content"] == (
        "The reference names 2024, which is neither edition compared (2025 → 2026); "
        "set `from` or `to` to 2024."
    )
    unheld = await _ask(server, {"ref": "2023:3.2.2(2)"})
    assert unheld["content"].startswith("No edition 2023 here.")
    # Not held, it is said at once, editions asked or not: not "set `from` or `to` to 2023".
    for asked in ({"from": 2025}, {"to": 2025}, {"from": 2024, "to": 2026}):
        also = await _ask(server, {"ref": "2023:3.2.2(2)", **asked})
        assert also["content"] == unheld["content"], asked
