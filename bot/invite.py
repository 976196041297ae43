"""The permissions the bot asks for when it is invited, and the invite URL built from them.

Bit positions are Discord's (docs: Permissions); kept here, not taken from discord.py,
because bot/ does not import discord. tests/ops checks the integer against discord.py.
"""

from __future__ import annotations

# Why each one: answer (view, send, embed); the /stats chart (attach); a keyword lookup's
# reply and fact of the day's after-restart check (history); answers inside threads.
INVITE_PERMISSIONS: dict[str, int] = {
    "view_channel": 10,
    "send_messages": 11,
    "embed_links": 14,
    "attach_files": 15,
    "read_message_history": 16,
    "send_messages_in_threads": 38,
}


def invite_permissions_value() -> int:
    """The permission integer of the invite URL."""
    return sum(1 << bit for bit in INVITE_PERMISSIONS.values())


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot with its commands and the permissions above."""
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={invite_permissions_value()}"
    )
