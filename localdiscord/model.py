"""The stand-in's world: users, guilds, roles, channels, members and messages, as Discord JSON."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from localdiscord import permissions as perm

DISCORD_EPOCH_MS = 1_420_070_400_000
TEXT_CHANNEL = 0
DM_CHANNEL = 1

Json = dict[str, Any]


class Snowflakes:
    """Monotonic Discord-style ids; can aim an id at a shard (ids carry the time in bits 22+)."""

    def __init__(self) -> None:
        self._ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._seq = 0

    def next(self, *, shard: tuple[int, int] | None = None) -> int:
        now = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if now > self._ms:
            self._ms, self._seq = now, 0
        else:
            self._seq += 1
            if self._seq >= 1 << 22:
                self._ms, self._seq = self._ms + 1, 0
        if shard is not None:
            shard_id, count = shard
            while self._ms % count != shard_id:
                self._ms, self._seq = self._ms + 1, 0
        return (self._ms << 22) | self._seq


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False

    def payload(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": None if self.bot else self.username,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.bot_id is not None,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Member:
    user: User
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, with_user: bool = True) -> Json:
        data: Json = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": self.joined_at,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class Channel:
    id: int
    name: str
    kind: int = TEXT_CHANNEL
    guild_id: int | None = None
    position: int = 0
    overwrites: dict[int, perm.Overwrite] = field(default_factory=dict)
    recipient: User | None = None
    # Insertion-ordered by id, so "newest first" is reversed(messages).
    messages: dict[int, Json] = field(default_factory=dict)

    def payload(self) -> Json:
        if self.kind == DM_CHANNEL:
            recipients = [self.recipient.payload()] if self.recipient else []
            return {
                "id": str(self.id),
                "type": DM_CHANNEL,
                "recipients": recipients,
                "last_message_id": self._last_id(),
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.kind,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [
                {"id": str(o.target_id), "type": o.kind, "allow": str(o.allow), "deny": str(o.deny)}
                for o in self.overwrites.values()
            ],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": self._last_id(),
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _last_id(self) -> str | None:
        for message_id in reversed(self.messages):
            return str(message_id)
        return None


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def base_permissions(self, member: Member) -> int:
        return perm.base_permissions(
            user_id=member.id,
            owner_id=self.owner_id,
            everyone=self.everyone.permissions,
            role_permissions=(
                self.roles[r].permissions for r in member.role_ids if r in self.roles
            ),
        )

    def permissions_in(self, member: Member, channel: Channel) -> int:
        """Discord's computed permissions of a member in one of this guild's channels."""
        return perm.channel_permissions(
            self.base_permissions(member),
            guild_id=self.id,
            user_id=member.id,
            role_ids=member.role_ids,
            overwrites=channel.overwrites,
        )

    def payload(self, *, bot_member: Member) -> Json:
        """The full GUILD_CREATE body (only the bot's own member, as without presences intent)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner_id),
            "roles": [r.payload() for r in self.roles.values()],
            "channels": [c.payload() for c in self.channels.values()],
            "members": [bot_member.payload()],
            "member_count": len(self.members),
            "joined_at": bot_member.joined_at,
            "large": False,
            "unavailable": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "voice_states": [],
            "presences": [],
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "afk_timeout": 300,
            "afk_channel_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "description": None,
            "banner": None,
            "splash": None,
            "discovery_splash": None,
            "vanity_url_code": None,
            "application_id": None,
            "premium_progress_bar_enabled": False,
        }
