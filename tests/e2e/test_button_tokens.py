"""A long query's button answers only its owner, in its guild (finding 8 of issue 25).

A long query goes into a button id as a token; storage keeps the query. Anyone who sees the
id can copy it: into a button of their own (their id as owner, so the owner check passes),
or into another guild. Neither may get the query back.
"""

from __future__ import annotations

import json

from bot.interactions.sending import NO_MENTIONS, PlainView
from bot.replies.common import Button

EPHEMERAL = 64
QUERY = "the owner's confidential security environment question " * 2


def _buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components", []) for c in row["components"]]


async def _post_buttons(bot, channel_id: int, ids: list[str]) -> int:
    """Put buttons with these ids on a message, as anyone could by copying an id."""
    row = [Button(f"b{i}", custom_id=cid) for i, cid in enumerate(ids)]
    channel = bot.get_partial_messageable(channel_id)
    sent = await channel.send("copied", view=PlainView([row]), allowed_mentions=NO_MENTIONS)
    return sent.id


async def _asked(bluebook, user) -> str:
    server = bluebook.server
    handle = await server.slash("search", {"query": QUERY, "limit": 3}, user=user)
    first = await handle.final_message()
    next_id = {b["label"]: b for b in _buttons(first)}["Next ▶"]["custom_id"]
    assert ":~" in next_id and QUERY.strip() not in next_id
    return next_id


async def test_a_copied_token_with_another_owner_never_gives_the_query(bluebook):
    server = bluebook.server
    owner, other = server.member.user, server.admin.user
    next_id = await _asked(bluebook, server.member)
    # The other user writes their own id as the owner: the owner check lets them press.
    forged = next_id.replace(f":{owner.id}:", f":{other.id}:", 1)
    assert forged != next_id
    message_id = await _post_buttons(bluebook.bot, server.general.id, [forged])
    answer = await (
        await server.press_button(message_id, forged, user=server.admin)
    ).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "expired" in answer["content"]
    assert "confidential" not in json.dumps(answer)
    # The owner's own button still works.
    mine = await (await server.press_button(message_id, forged, user=server.member)).final_message()
    assert "belong to the person who asked" in mine["content"]


async def test_a_token_carried_into_another_guild_never_gives_the_query(bluebook):
    server = bluebook.server
    # The world's owner is in every guild: the same person, pressing elsewhere.
    owner = server.world.owner
    next_id = await _asked(bluebook, owner)
    elsewhere = server.add_guild("Elsewhere")
    channel = server.add_channel(elsewhere, "copied")
    message_id = await _post_buttons(bluebook.bot, channel.id, [next_id])
    answer = await (await server.press_button(message_id, next_id, user=owner)).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "expired" in answer["content"]
    assert "confidential" not in json.dumps(answer)
    # In its own guild the same button pages on.
    first_id = await _post_buttons(bluebook.bot, server.general.id, [next_id])
    moved = await (await server.press_button(first_id, next_id, user=owner)).final_message()
    assert "result 2 of" in json.dumps(moved)
