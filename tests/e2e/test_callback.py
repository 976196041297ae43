"""An interaction's first answer is one callback we post (bot/interactions/callback.py), of
Discord's documented shape: checked by the local Discord (its limits, and Discord's OpenAPI
description where `../shared` has it), through a real discord.py client."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
from discord.ext import commands

from bot.interactions.callback import Callbacks
from bot.interactions.sending import acknowledged, defer, respond
from bot.replies.common import Button, Reply
from localdiscord import LocalDiscord, NoIdentifyDelay, connected

EPHEMERAL = 64
ROWS = b"query,count\nGCAP,3\n"


class AnsweringBot(NoIdentifyDelay, commands.Bot):
    """A discord.py bot whose commands answer through `respond` and `defer`, as cogs do."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.1
        )
        self.callbacks = Callbacks()
        self.options = SimpleNamespace(reply_timeout_s=30.0)
        self.done: list[bool] = []

    async def setup_hook(self) -> None:
        @self.tree.command(description="Answer with a file")
        async def export(interaction: discord.Interaction) -> None:
            await respond(interaction, Reply(content="rows", files=[("rows.csv", ROWS)]))

        @self.tree.command(description="Think, then answer privately")
        async def think(interaction: discord.Interaction) -> None:
            await defer(interaction, ephemeral=True)
            self.done.append(acknowledged(interaction))
            await respond(interaction, Reply(content="thought", ephemeral=True))

        @self.tree.command(description="Answer with an embed and a button")
        async def card(interaction: discord.Interaction) -> None:
            embed = {"title": "Card", "description": "> quoted"}
            button = Button(label="Next", custom_id="card:next")
            await respond(interaction, Reply(embeds=[embed], buttons=[[button]], ephemeral=True))
            self.done.append(acknowledged(interaction))

    async def close(self) -> None:
        await super().close()
        await self.callbacks.close()


async def _answered(server: LocalDiscord, name: str) -> tuple[AnsweringBot, Any, Any]:
    """Run `/name` on a fresh AnsweringBot: the bot, the final message and the one callback
    request it made."""
    async with connected(AnsweringBot, server) as bot:
        assert isinstance(bot, AnsweringBot)
        guild = discord.Object(server.guild.id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        handle = await server.slash(name)
        final = await handle.final_message()
    prefix = f"/interactions/{handle.id}/"
    [callback] = [r for r in server.requests if r.path.startswith(prefix)]
    return bot, final, callback


async def test_a_first_answer_is_one_callback_asking_for_no_resource(
    local_discord: LocalDiscord,
) -> None:
    bot, final, callback = await _answered(local_discord, "card")
    # No `with_response`: Discord answers 204 and builds no resource nobody reads.
    assert (callback.status, callback.query) == (204, {})
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert data["allowed_mentions"] == {"parse": []}
    assert data["flags"] == EPHEMERAL
    assert final["embeds"][0]["title"] == "Card"
    [[sent]] = [row["components"] for row in final["components"]]
    assert (sent["label"], sent["custom_id"], sent["style"]) == ("Next", "card:next", 2)
    assert final["flags"] & EPHEMERAL
    # Known as answered, though discord.py did not send it.
    assert bot.done == [True]


async def test_a_first_answer_with_a_file_is_sent_as_an_attachment(
    local_discord: LocalDiscord,
) -> None:
    _, final, callback = await _answered(local_discord, "export")
    assert callback.status == 204
    assert [(f.filename, f.data) for f in callback.files] == [("rows.csv", ROWS)]
    assert callback.json["data"]["attachments"] == [{"id": 0, "filename": "rows.csv"}]
    assert final["content"] == "rows"
    assert [a["filename"] for a in final["attachments"]] == ["rows.csv"]


async def test_a_deferral_is_a_private_thinking_callback_then_a_follow_up(
    local_discord: LocalDiscord,
) -> None:
    bot, final, callback = await _answered(local_discord, "think")
    assert callback.status == 204
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert bot.done == [True]
    assert final["content"] == "thought"
    assert final["flags"] & EPHEMERAL
