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
