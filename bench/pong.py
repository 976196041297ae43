"""The floors: a minimal discord.py bot whose commands answer at once, with no work of ours.

It runs exactly like the Bluebook bot in the end-to-end benchmark (its own process, the same
intents, a guild sync at start, connected over loopback to the local Discord), so its
latency is what discord.py, the loopback and the stand-in cost before any work of ours.

`/ping` answers "pong" (the floor the targets are set against). `/quote` answers with a fixed
embed and three buttons the size and shape of a /search answer: what discord.py and the
stand-in cost for a reply like ours, so the rest of the gap is our own code.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.ext import commands

# The embed of the /search answer for "GCAP", with the three buttons of an answer that has
# several results (the largest shape), written out so this process imports nothing of the bot.
_QUOTE = (
    "> Regarding the **Global Combat Air Programme** (**GCAP**), a joint development "
    "**program** for **next**\\-**generation fighter aircraft** by Japan, the UK, and Italy, "
    "the three countries signed the Convention on the Establishment of the \u201c**Global "
    "Combat Air Programme** \u2013 **GCAP** International Government Organisation (GIGO)\u201d "
    "in December 2023 to establish an international organization for the management and "
    "operation of the **Programme**, and the Convention entered into force in December."
)
QUOTE_EMBED: dict[str, Any] = {
    "title": "(1) Security Environment Surrounding Japan",
    "url": "https://www.mofa.go.jp/policy/other/bluebook/2025/en_html/chapter3/c030101.html",
    "description": _QUOTE,
    "color": 2051705,
    "fields": [
        {"name": "Reference", "value": "`3.1.1(1)\u00b64`", "inline": True},
        {
            "name": "Path",
            "value": "Chapter 3 Japan's Foreign Policy to Promote National and Global Interests"
            " \u203a Section 1 Efforts for Peace and Stability of Japan and the International"
            " Community \u203a 1 National Security Initiatives \u203a (1) Security Environment"
            " Surrounding Japan",
        },
    ],
    "footer": {"text": "Diplomatic Bluebook 2025 \u00b7 result 1 of 1 \u00b7 verbatim quote"},
}


def quote_view(owner: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for label, code, style, disabled in (
        ("\u25c0 Previous", "p", discord.ButtonStyle.secondary, True),
        ("Next \u25b6", "n", discord.ButtonStyle.secondary, True),
        ("Whole paragraph", "w", discord.ButtonStyle.primary, False),
    ):
        custom_id = f"bb:s:{owner}:{code}0/1:GCAP"
        view.add_item(
            discord.ui.Button(label=label, custom_id=custom_id, style=style, disabled=disabled)
        )
    return view


def pong_intents() -> discord.Intents:
    """The Bluebook bot's intents (bot.app.intents_for(True)), without importing the bot."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.guild_reactions = True
    intents.dm_reactions = True
    intents.message_content = True
    return intents


class PongBot(commands.Bot):
    """`/ping` answers "pong" at once; nothing else."""

    def __init__(self, *, guild_id: int, guild_ready_timeout: float = 0.1, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            # The same intents as the Bluebook bot, so both receive the same gateway traffic.
            intents=pong_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
            **options,
        )
        self.guild_id = guild_id

    async def setup_hook(self) -> None:
        @self.tree.command(name="ping", description="Answer pong")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                "pong", allowed_mentions=discord.AllowedMentions.none()
            )

        @self.tree.command(name="quote", description="Answer with a fixed quote embed")
        async def quote(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(
                embeds=[discord.Embed.from_dict(QUOTE_EMBED)],
                view=quote_view(interaction.user.id),
                allowed_mentions=discord.AllowedMentions.none(),
            )

        guild = discord.Object(id=self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # The local Discord has no identify rate limit (the Bluebook bot skips it too).
        return None
