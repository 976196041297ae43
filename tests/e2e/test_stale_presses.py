"""Every button press gets an answer, also one on a button its message no longer carries.

Discord sends the message as it is when the button is pressed. Two quick presses: the first
press's edit replaces the buttons, so the second press (on a button the user still saw)
arrives with a message that lacks it. discord.py's view store drops such a press silently;
the bot answers it by the custom id.
"""

from __future__ import annotations

import copy
import json

from bot.interactions.sending import NO_MENTIONS, PlainView
from bot.replies.common import Button

EPHEMERAL = 64


def _buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"]}


async def _button_events(bluebook) -> list[tuple]:
    assert bluebook.services.usage is not None
    await bluebook.services.usage.flush()
    async with bluebook.services.db.transaction() as conn:
        cursor = await conn.execute(
            "SELECT command, outcome FROM usage_events WHERE kind = 'button' ORDER BY id"
        )
        return [tuple(row) for row in await cursor.fetchall()]


async def test_a_press_on_a_button_its_message_lost_is_answered(bluebook):
    server = bluebook.server
    shown = await (await server.slash("section", {"ref": "3.1.1(3)"})).final_message()
    seen = copy.deepcopy(shown)  # what the user's client still draws
    previous_id = _buttons(shown)["⏮ Previous section"]["custom_id"]
    moved = await (await server.press_button(shown, previous_id)).final_message()
    assert _embed_title(moved).startswith("(2)")
    # The user's client still draws the first message: pressing the same button again.
    assert previous_id not in json.dumps(server.find_bot_message(shown["id"]))
    again = await (await server.press_button(seen, previous_id, stale=True)).final_message()
    assert _embed_title(again).startswith("(2)")  # answered by its custom id
    assert await _button_events(bluebook) == [("section", "ok"), ("section", "ok")]


async def test_a_stale_press_from_someone_else_is_refused_privately(bluebook):
    server = bluebook.server
    shown = await (await server.slash("section", {"ref": "3.1.1(3)"})).final_message()
    seen = copy.deepcopy(shown)
    previous_id = _buttons(shown)["⏮ Previous section"]["custom_id"]
    await (await server.press_button(shown, previous_id)).final_message()
    answer = await (
        await server.press_button(seen, previous_id, user=server.admin, stale=True)
    ).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "belong to the person who asked" in answer["content"]


async def test_a_press_no_button_knows_says_it_has_expired(bluebook):
    server, bot = bluebook.server, bluebook.bot
    channel = bot.get_partial_messageable(server.general.id)
    sent = await channel.send(
        "old buttons",
        view=PlainView([[Button("old", custom_id="v1:next:7")]]),
        allowed_mentions=NO_MENTIONS,
    )
    answer = await (await server.press_button(sent.id, "v1:next:7")).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    assert "expired" in answer["content"]


def _embed_title(message: dict) -> str:
    assert message["embeds"], message
    return message["embeds"][0]["title"]


async def test_the_local_discord_sends_the_message_as_it_was_at_the_press(bluebook):
    server = bluebook.server
    shown = await (await server.slash("section", {"ref": "3.1.1(3)"})).final_message()
    previous_id = _buttons(shown)["⏮ Previous section"]["custom_id"]
    handle = await server.press_button(shown, previous_id)
    # The stored message changes before the session has sent the press (as another press's
    # edit would): the press still carries the message it was made on.
    shown["components"] = []
    assert previous_id in json.dumps(handle.record.payload["message"])
    assert _embed_title(await handle.final_message()).startswith("(2)")
