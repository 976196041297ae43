"""Fixtures: a checked LocalDiscord and a tiny real discord.py bot to drive through it."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from localdiscord import LocalDiscord, NoIdentifyDelay
from localdiscord.pytest_support import checked_server

FRUITS = ["apple", "apricot", "banana", "blueberry", "cherry"]
# A valid 1x1 PNG, so uploads look like the real bot's charts.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class TapView(discord.ui.View):
    @discord.ui.button(label="Tap", custom_id="tap")
    async def tap(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        button.disabled = True
        await interaction.response.edit_message(
            content=f"tapped by {interaction.user.name}", view=self
        )


class TinyBot(NoIdentifyDelay, commands.Bot):
    """Commands covering each interaction path the stand-in must support."""

    def __init__(self, *, message_content: bool = True, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(
            command_prefix="!",
            intents=intents,
            guild_ready_timeout=0.1,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.resumed = asyncio.Event()
        self.seen_messages: list[discord.Message] = []
        self.guild_ids_seen: set[int] = set()

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command(description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @tree.command(description="Think first, then answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.02)
            await interaction.edit_original_response(content="done thinking")

        @tree.command(description="Answer after a pause, with no deferral")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.3)
            with contextlib.suppress(discord.NotFound):
                await interaction.response.send_message("late")

        @tree.command(description="Look up a fruit")
        @app_commands.describe(query="Fruit name", limit="How many")
        async def search(
            interaction: discord.Interaction, query: str, limit: int = 1, loud: bool = False
        ) -> None:
            text = f"{query}|{limit}|{loud}"
            await interaction.response.send_message(text, ephemeral=True)

        @search.autocomplete("query")
        async def search_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f, value=f) for f in FRUITS if f.startswith(current)]

        @tree.command(description="Show a button")
        async def buttons(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("press it", view=TapView(timeout=None))

        @tree.command(description="Send a chart")
        async def chart(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Chart").set_image(url="attachment://chart.png")
            await interaction.response.send_message(
                embed=embed, file=discord.File(io.BytesIO(PNG), filename="chart.png")
            )

        @tree.command(description="Say where")
        async def where(interaction: discord.Interaction, place: discord.TextChannel) -> None:
            await interaction.response.send_message(f"at {place.name}")

        fact = app_commands.Group(name="fact", description="Fact of the day")

        @fact.command(description="Show the status")
        async def status(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("fact status ok")

        tree.add_command(fact)

        @tree.context_menu(name="Quote message")
        async def quote(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"> {message.content}")

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen_messages.append(message)
        if message.guild is not None:
            self.guild_ids_seen.add(message.guild.id)
        if message.content == "hello bot":
            await message.reply("hello human")
        elif message.content == "!long":
            await message.channel.send("x" * 2001)

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def sync_to(self, server: LocalDiscord) -> None:
        """Copy the commands to the local guild and sync them there (as in development)."""
        guild = discord.Object(server.guild.id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


@pytest.fixture
async def server() -> AsyncIterator[LocalDiscord]:
    async for instance in checked_server():
        yield instance


@pytest.fixture
def make_bot() -> Callable[..., TinyBot]:
    """The test bot class (tests import nothing from conftest)."""
    return TinyBot
