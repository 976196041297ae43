"""default_member_permissions: Discord's client offers a command only to members who have them."""

from __future__ import annotations

import asyncio

import pytest

from localdiscord import CommandHidden, LocalDiscord
from localdiscord import permissions as perm


def _register(server: LocalDiscord, needs: str | None) -> None:
    server.world.commands[server.guild.id] = [
        {
            "id": "1",
            "name": "settings",
            "type": 1,
            "description": "d",
            "options": [],
            "default_member_permissions": needs,
        }
    ]


def _passes(server: LocalDiscord, user) -> None:
    # Past the check the stand-in wants a connected bot: the command was offered.
    with pytest.raises(RuntimeError, match="no bot is connected"):
        asyncio.run(server.slash("settings", user=user))


@pytest.mark.parametrize("needs", [str(perm.MANAGE_GUILD), "0"])
def test_a_member_without_the_permission_is_not_offered_the_command(needs: str) -> None:
    server = LocalDiscord()
    _register(server, needs)
    with pytest.raises(CommandHidden, match="member cannot use /settings"):
        asyncio.run(server.slash("settings", user=server.member))
    _passes(server, server.admin)  # administrators see every command
    _passes(server, server.world.owner)  # so does the server owner


def test_the_permission_or_an_override_lets_a_member_use_it() -> None:
    server = LocalDiscord()
    _register(server, str(perm.MANAGE_GUILD))
    moderator = server.add_member(server.guild, "moderator", permissions=perm.MANAGE_GUILD)
    _passes(server, moderator)
    server.allow_command(server.guild, "settings", server.member)
    _passes(server, server.member)


def test_no_default_permissions_means_everyone() -> None:
    server = LocalDiscord()
    _register(server, None)
    _passes(server, server.member)


def _global(server: LocalDiscord, **marks: object) -> None:
    command = {"id": "2", "name": "settings", "type": 1, "description": "d", "options": []}
    server.world.commands[None] = [{**command, **marks}]


@pytest.mark.parametrize(
    "marks",
    [
        {"contexts": [0], "dm_permission": False},  # discord.py's @guild_only()
        {"contexts": None, "dm_permission": False},  # Group(guild_only=True)
        {"contexts": [0, 2]},  # a server or a group DM, never the bot's DM
    ],
)
def test_a_guild_only_command_is_not_offered_in_a_dm(marks: dict) -> None:
    server = LocalDiscord()
    _global(server, **marks)
    dm = server.dm_channel(server.member)
    with pytest.raises(CommandHidden, match="does not offer /settings in a DM"):
        asyncio.run(server.slash("settings", user=server.member, channel=dm))
    assert server.known_commands(None) == []
    _passes(server, server.member)  # in the server it is offered


@pytest.mark.parametrize("marks", [{}, {"contexts": [0, 1, 2]}, {"contexts": [1]}])
def test_a_command_allowed_in_dms_is_offered_there(marks: dict) -> None:
    server = LocalDiscord()
    _global(server, **marks)
    dm = server.dm_channel(server.member)
    with pytest.raises(RuntimeError, match="no bot is connected"):
        asyncio.run(server.slash("settings", user=server.member, channel=dm))
    assert [c["name"] for c in server.known_commands(None)] == ["settings"]


def test_contexts_without_the_guild_hide_a_global_command_in_servers() -> None:
    server = LocalDiscord()
    _global(server, contexts=[1])
    with pytest.raises(CommandHidden, match="does not offer /settings in "):
        asyncio.run(server.slash("settings", user=server.admin))
