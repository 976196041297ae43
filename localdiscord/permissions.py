"""Discord permission bits and the channel-permission algorithm, enough for the stand-in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_GUILD = 1 << 5
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38

MANAGE_ROLES = 1 << 28

ALL_PERMISSIONS = (1 << 53) - 1

# What a text channel's overwrite can change, by discord.py's names (what the console takes).
CHANNEL_FLAGS = {
    "view_channel": VIEW_CHANNEL,
    "send_messages": SEND_MESSAGES,
    "embed_links": EMBED_LINKS,
    "attach_files": ATTACH_FILES,
    "read_message_history": READ_MESSAGE_HISTORY,
    "add_reactions": ADD_REACTIONS,
    "use_external_emojis": USE_EXTERNAL_EMOJIS,
    "mention_everyone": MENTION_EVERYONE,
    "manage_messages": MANAGE_MESSAGES,
    "send_messages_in_threads": SEND_MESSAGES_IN_THREADS,
    "use_application_commands": USE_APPLICATION_COMMANDS,
    "create_instant_invite": CREATE_INSTANT_INVITE,
    "send_tts_messages": 1 << 12,
    "manage_channels": 1 << 4,
    "manage_roles": MANAGE_ROLES,
    "manage_webhooks": 1 << 29,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "use_external_stickers": 1 << 37,
}
# Server-wide permissions: Discord does not take them in a channel overwrite.
SERVER_FLAGS = (
    "administrator",
    "manage_guild",
    "kick_members",
    "ban_members",
    "view_audit_log",
    "view_guild_insights",
    "change_nickname",
    "manage_nicknames",
    "moderate_members",
)

# How Discord's client names the bits a command may need (default_member_permissions).
NAMES = {
    ADMINISTRATOR: "Administrator",
    MANAGE_GUILD: "Manage Server",
    MANAGE_MESSAGES: "Manage Messages",
    SEND_MESSAGES: "Send Messages",
    VIEW_CHANNEL: "View Channels",
}


def label(bit: int) -> str:
    """`Send Messages` for SEND_MESSAGES: how the bot's own messages name a channel permission."""
    name = next((n for n, b in CHANNEL_FLAGS.items() if b == bit), None)
    return (
        name.replace("_", " ").title()
        if name
        else NAMES.get(bit, f"permission bit {bit.bit_length() - 1}")
    )


def names(bits: int) -> str:
    """`Manage Server`, `Administrator`, ... for the set bits (unnamed ones by number)."""
    found = [NAMES.get(1 << i, f"permission bit {i}") for i in range(64) if bits >> i & 1]
    return ", ".join(found)


# What a freshly created @everyone role allows in a new Discord server (text-relevant part).
EVERYONE_DEFAULT = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# What the invite link of a typical reference bot asks for.
BOT_DEFAULT = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | ADD_REACTIONS
    | USE_EXTERNAL_EMOJIS
    | SEND_MESSAGES_IN_THREADS
)

# Without SEND_MESSAGES these are implicitly denied in a text channel (Discord's rule).
NEEDS_SEND = MENTION_EVERYONE | SEND_MESSAGES_IN_THREADS | EMBED_LINKS | ATTACH_FILES


@dataclass
class Overwrite:
    """A channel permission overwrite; kind 0 targets a role, 1 a member."""

    target_id: int
    kind: int
    allow: int = 0
    deny: int = 0


def base_permissions(
    *,
    user_id: int,
    owner_id: int,
    everyone: int,
    role_permissions: Iterable[int],
) -> int:
    """Guild-level permissions: @everyone plus the member's roles; owner and admins get all."""
    if user_id == owner_id:
        return ALL_PERMISSIONS
    perms = everyone
    for value in role_permissions:
        perms |= value
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def channel_permissions(
    base: int,
    *,
    guild_id: int,
    user_id: int,
    role_ids: Iterable[int],
    overwrites: Mapping[int, Overwrite],
) -> int:
    """Apply a channel's overwrites in Discord's order: @everyone, roles together, member."""
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    perms = base
    everyone = overwrites.get(guild_id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in role_ids:
        ow = overwrites.get(role_id)
        if ow is not None and ow.kind == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    member = overwrites.get(user_id)
    if member is not None and member.kind == 1:
        perms = (perms & ~member.deny) | member.allow
    if not perms & VIEW_CHANNEL:
        return 0
    if not perms & SEND_MESSAGES:
        perms &= ~NEEDS_SEND
    return perms
