"""Builders and look-ups over the stand-in's model; messages are stored as Discord JSON."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from localdiscord import permissions as perm
from localdiscord.model import (
    DM_CHANNEL,
    Channel,
    Guild,
    Json,
    Member,
    Role,
    Snowflakes,
    User,
    iso_now,
)

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
_MENTION = re.compile(r"<@!?(\d+)>")


@dataclass
class Scenario:
    """Knobs of the stand-in that tests may change, also while a bot is connected."""

    token: str = "local-bot-token"
    message_content_allowed: bool = True
    shard_count: int = 1
    heartbeat_interval_ms: int = 41_250
    # Reject bodies over Discord's limits with 400/50035 as Discord would (always recorded).
    reject_over_limits: bool = True
    validate_openapi: bool = True
    resume_buffer: int = 50_000
    # Create Message with `enforce_nonce`: a repeat of a nonce by the same author within this
    # many seconds returns the first message (Discord documents "the past few minutes").
    nonce_window_s: float = 180.0
    # Discord forgets an interaction whose first answer (or deferral) comes later than this.
    first_answer_deadline_s: float = 3.0


@dataclass
class StoredFile:
    """An uploaded attachment, kept so tests can read back what the bot sent."""

    filename: str
    data: bytes
    content_type: str


class World:
    """Everything the stand-in knows. Builders return model objects; lookups are O(1)."""

    def __init__(self, scenario: Scenario | None = None, *, bot_name: str = "Bluebook Bot") -> None:
        self.scenario = scenario or Scenario()
        self.ids = Snowflakes()
        self.bot_user = User(self.ids.next(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.owner = User(self.ids.next(), "owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.deleted_channels: set[int] = set()
        self.message_channel: dict[int, int] = {}
        self.files: dict[int, StoredFile] = {}
        self.dm_by_user: dict[int, Channel] = {}
        # (author id, nonce) → (message id, channel id, monotonic time) for enforce_nonce.
        self.nonces: dict[tuple[int, str], tuple[int, int, float]] = {}
        # Application commands as the bot registered them: key None = global.
        self.commands: dict[int | None, list[Json]] = {}
        # Server admins' overrides (Server Settings → Integrations): (guild, command) -> users
        # who may use a command whatever its default_member_permissions.
        self.command_overrides: dict[tuple[int, str], set[int]] = {}
        self.base_url = ""

    # -- builders ---------------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, user_id: int | None = None) -> User:
        user = User(user_id or self.ids.next(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        shard: tuple[int, int] | None = None,
        bot_permissions: int = perm.BOT_DEFAULT,
        everyone_permissions: int = perm.EVERYONE_DEFAULT,
        guild_id: int | None = None,
    ) -> Guild:
        """A guild with an @everyone role, the bot as a member with its managed role."""
        guild = Guild(guild_id or self.ids.next(shard=shard), name, owner_id=self.owner.id)
        self.guilds[guild.id] = guild
        guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", everyone_permissions)
        bot_role = self.add_role(guild, self.bot_user.username, bot_permissions)
        bot_role.bot_id = self.bot_user.id
        guild.members[self.owner.id] = Member(self.owner, guild.id)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id, [bot_role.id])
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int) -> Role:
        role = Role(self.ids.next(), guild.id, name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_channel(self, guild: Guild, name: str, *, channel_id: int | None = None) -> Channel:
        channel = Channel(
            channel_id or self.ids.next(),
            name.lstrip("#"),
            guild_id=guild.id,
            position=len(guild.channels),
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        roles: Iterable[Role] = (),
        permissions: int | None = None,
        user_id: int | None = None,
    ) -> Member:
        """A human member; `permissions` gives them a personal role with exactly those bits."""
        user = self.add_user(name, user_id=user_id)
        role_ids = [r.id for r in roles]
        if permissions is not None:
            role_ids.append(self.add_role(guild, f"{name} role", permissions).id)
        member = Member(user, guild.id, role_ids)
        guild.members[user.id] = member
        return member

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_by_user.get(user.id)
        if channel is None:
            channel = Channel(self.ids.next(), "", kind=DM_CHANNEL, recipient=user)
            self.dm_by_user[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        for role in guild.roles.values():
            if role.bot_id == self.bot_user.id:
                role.permissions = permissions

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: int = 0, deny: int = 0
    ) -> None:
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites[target.id] = perm.Overwrite(target.id, kind, allow, deny)

    def delete_channel(self, channel: Channel) -> None:
        self.channels.pop(channel.id, None)
        self.deleted_channels.add(channel.id)
        if channel.guild_id is not None:
            self.guilds[channel.guild_id].channels.pop(channel.id, None)

    # -- look-ups -------------------------------------------------------------------------------

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def bot_permissions(self, channel: Channel) -> int:
        """The bot's permissions in a channel; in DMs Discord allows the text basics."""
        guild = self.guild_of(channel)
        if guild is None:
            return perm.BOT_DEFAULT
        return guild.permissions_in(self.bot_member(guild), channel)

    def member_permissions(self, channel: Channel, user: User) -> int:
        guild = self.guild_of(channel)
        if guild is None or user.id not in guild.members:
            return perm.EVERYONE_DEFAULT
        return guild.permissions_in(guild.members[user.id], channel)

    def find_message(self, message_id: int) -> Json | None:
        channel = self.channels.get(self.message_channel.get(message_id, 0))
        return channel.messages.get(message_id) if channel else None

    # -- messages -------------------------------------------------------------------------------

    def new_message(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        *,
        files: Iterable[StoredFile] = (),
        extra: dict[str, Any] | None = None,
    ) -> Json:
        """Build (not store) a message from a create body as Discord would echo it."""
        message: Json = {
            "id": str(self.ids.next()),
            "channel_id": str(channel.id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions(body.get("content") or ""),
            "mention_roles": [],
            "attachments": [self._store_file(channel, f) for f in files],
            "embeds": [dict(e, type=e.get("type", "rich")) for e in body.get("embeds") or []],
            "components": list(body.get("components") or []),
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
        }
        if channel.guild_id is not None:
            message["guild_id"] = str(channel.guild_id)
            guild = self.guilds[channel.guild_id]
            member = guild.members.get(author.id)
            if member is not None:
                message["member"] = member.payload(with_user=False)
        if extra:
            message.update(extra)
        return message

    def store_message(self, channel: Channel, message: Json) -> None:
        message_id = int(message["id"])
        channel.messages[message_id] = message
        self.message_channel[message_id] = channel.id

    def edit_message(
        self, channel: Channel, message: Json, body: dict[str, Any], files: Iterable[StoredFile]
    ) -> Json:
        """Apply PATCH semantics: only the keys present change; `attachments` lists what stays.
        A `content` of null removes the text, as Discord's edit takes it (its fields are
        nullable): an answer edited into embeds only keeps no text of the one before."""
        if "content" in body:
            message["content"] = body["content"] or ""
        if body.get("components") is not None:
            message["components"] = body["components"]
        if body.get("flags") is not None:
            # Ephemerality is fixed when a message is created; edits cannot change it.
            message["flags"] = int(body["flags"]) | (message["flags"] & MESSAGE_FLAG_EPHEMERAL)
        if "embeds" in body:
            message["embeds"] = [dict(e, type=e.get("type", "rich")) for e in body["embeds"] or []]
        kept = message["attachments"]
        if "attachments" in body:
            wanted = {str(a.get("id")) for a in body["attachments"] or []}
            kept = [a for a in kept if a["id"] in wanted]
        message["attachments"] = kept + [self._store_file(channel, f) for f in files]
        if "content" in body:
            message["mentions"] = self._mentions(message["content"])
        message["edited_timestamp"] = iso_now()
        return message

    def _store_file(self, channel: Channel, stored: StoredFile) -> Json:
        file_id = self.ids.next()
        self.files[file_id] = stored
        url = f"{self.base_url}/attachments/{channel.id}/{file_id}/{stored.filename}"
        return {
            "id": str(file_id),
            "filename": stored.filename,
            "size": len(stored.data),
            "url": url,
            "proxy_url": url,
            "content_type": stored.content_type,
        }

    def _mentions(self, content: str) -> list[Json]:
        ids = dict.fromkeys(int(m) for m in _MENTION.findall(content))
        return [self.users[i].payload() for i in ids if i in self.users]
