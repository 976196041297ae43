"""/help, listing the commands registered on the tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.interactions.sending import respond
from bot.replies.help import CommandHelp, help_reply
from bot.storage.settings import switches_in

if TYPE_CHECKING:
    from bot.app import BluebookBot

# Discord's names for the permissions commands need by default.
PERMISSION_NAMES = {"manage_guild": "Manage Server", "administrator": "Administrator"}


def _needs(*commands: Any) -> str:
    for command in commands:
        permissions = getattr(command, "default_permissions", None)
        if permissions:
            names = [
                PERMISSION_NAMES.get(n, n.replace("_", " ").title()) for n, v in permissions if v
            ]
            return ", ".join(names)
    return ""


def command_help(tree: app_commands.CommandTree[Any]) -> list[CommandHelp]:
    """Every registered command and subcommand, with its options as Discord shows them."""
    found: list[CommandHelp] = []
    for top in tree.get_commands():
        if isinstance(top, app_commands.ContextMenu):
            found.append(CommandHelp(top.name, "", _needs(top), menu=True))
            continue
        leaves = [top] if isinstance(top, app_commands.Command) else list(top.walk_commands())
        for command in leaves:
            if not isinstance(command, app_commands.Command):
                continue
            options = [
                p.display_name if p.required else f"[{p.display_name}]" for p in command.parameters
            ]
            usage = " ".join([f"/{command.qualified_name}", *options])
            found.append(CommandHelp(usage, command.description, _needs(command, command.parent)))
    return found


class HelpCog(commands.Cog):
    def __init__(self, bot: BluebookBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def help(self, interaction: discord.Interaction) -> None:
        """How to use Bluebook Bot, including keyword lookups."""
        served = await self.bot.library.for_guild(interaction.guild_id)
        switches = await switches_in(
            self.bot.lookup_settings,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
        )
        reply = help_reply(
            served.pack,
            command_help(self.bot.tree),
            lookups_available=self.bot.intents.message_content,
            switches=switches,
        )
        await respond(interaction, reply)


async def setup(bot: BluebookBot) -> None:
    await bot.add_cog(HelpCog(bot))
