"""Option values Discord would never send (wrong type, out of range) get the short error.

The local Discord refuses such values in `slash()`, as Discord does; these tests build a
valid interaction and then change one value, as a broken client or proxy might.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from localdiscord.interactions import APPLICATION_COMMAND

EPHEMERAL = 64


async def _dispatch_with(server: Any, name: str, options: dict[str, Any], bad: dict[str, Any]):
    data = server._command_data(name, server.general, options, APPLICATION_COMMAND)
    for option in data["options"]:
        if option["name"] in bad:
            option["value"] = bad[option["name"]]
    return server._dispatch_interaction(
        APPLICATION_COMMAND, data, server._user(server.admin), server.general
    )


@pytest.mark.parametrize(
    ("name", "options", "bad"),
    [
        ("search", {"query": "GCAP", "limit": 3}, {"limit": "three"}),
        ("search", {"query": "GCAP", "limit": 3}, {"limit": 10**30}),
        ("search", {"query": "GCAP", "limit": 3}, {"limit": 2.5}),
        ("search", {"query": "GCAP", "limit": 3}, {"limit": 0}),
        ("search", {"query": "GCAP"}, {"query": 12345}),
        ("search", {"query": "GCAP"}, {"query": "x" * 5000}),
        ("search", {"query": "GCAP", "private": True}, {"private": "yes"}),
        ("section", {"ref": "3.1"}, {"ref": ["3.1"]}),
        ("stats", {"days": 7}, {"days": 10**20}),
        ("fact", {"topic": "GCAP"}, {"topic": {"x": 1}}),
        ("compare", {"ref": "3.1.1", "from": 2024}, {"from": "last year"}),
    ],
)
async def test_a_bad_option_value_gets_the_short_error(bluebook, caplog, name, options, bad):
    caplog.set_level(logging.WARNING)
    handle = await _dispatch_with(bluebook.server, name, options, bad)
    answer = await handle.final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "not valid" in answer["content"], answer["content"]
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


async def test_good_values_still_answer(bluebook):
    handle = await _dispatch_with(bluebook.server, "search", {"query": "GCAP", "limit": 3}, {})
    answer = await handle.final_message()
    assert answer["embeds"]


async def test_the_error_names_the_option_as_discord_shows_it(bluebook):
    # /compare's `from` is `from_` in Python; the user typed `from`.
    handle = await _dispatch_with(
        bluebook.server, "compare", {"ref": "3.1.1", "from": 2024}, {"from": "last year"}
    )
    answer = await handle.final_message()
    assert "`from`" in answer["content"], answer["content"]
