"""Acting as Discord users: slash commands, autocomplete, buttons, context menus, chat.

Mixed into `LocalDiscord`; each helper dispatches what the Discord client would and returns
something to await the bot's answer with.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from localdiscord import permissions as perm
from localdiscord.gateway import GatewayHub
from localdiscord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    InteractionRecord,
    InteractionStore,
)
from localdiscord.limits import MAX_CONTENT
from localdiscord.model import Channel, Guild, Json, Member, Role, User
from localdiscord.options import (
    CHANNEL,
    ROLE,
    OptionError,
    OptionValues,
    UnknownCommand,
    build_options,
)
from localdiscord.recording import RequestLog
from localdiscord.rest_messages import MessageRoutes
from localdiscord.world import World

T = TypeVar("T")
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
Actor = User | Member
MessageRef = Json | int | str


# Where an interaction happens (the `context` of an interaction, the `contexts` of a command).
GUILD_CONTEXT = 0
BOT_DM_CONTEXT = 1


class CommandHidden(OptionError):
    """Discord's client does not offer the command here: not to this member (its
    default_member_permissions), or not in this kind of channel (its contexts)."""


def offered_in(command: Json, guild: Guild | None) -> bool:
    """Whether Discord's client offers `command` in `guild` (None: a DM with the bot).

    A guild command exists only in its guild, where `contexts` does not apply. A global one is
    offered where its `contexts` allow; without `contexts`, everywhere except that
    `dm_permission: false` (what discord.py sends for guild_only) hides it in DMs."""
    if "guild_id" in command:
        return guild is not None and int(command["guild_id"]) == guild.id
    contexts = command.get("contexts")
    if contexts is not None:
        return (GUILD_CONTEXT if guild is not None else BOT_DM_CONTEXT) in contexts
    return guild is not None or command.get("dm_permission", True) is not False


class MessageRefused(ValueError):
    """What Discord's client will not send, e.g. a message over 2,000 characters."""


def _check_user_content(content: str) -> None:
    if len(content) > MAX_CONTENT:
        raise MessageRefused(
            f"Discord refuses messages over {MAX_CONTENT:,} characters; this one has "
            f"{len(content):,}"
        )


class InteractionHandle:
    """Await what the bot did with one interaction."""

    def __init__(self, scripts: InteractionScripts, record: InteractionRecord) -> None:
        self._scripts, self.record = scripts, record

    @property
    def id(self) -> int:
        return self.record.id

    async def response(self, timeout: float = 5.0) -> Json:
        """The interaction callback body (`{"type": ..., "data": ...}`)."""
        await self._scripts._guard(
            self._until(lambda: self.record.callback is not None),
            timeout,
            f"a response to interaction {self.id}",
        )
        assert self.record.callback is not None
        return self.record.callback

    async def settled(self, timeout: float = 5.0, idle: float = 0.1) -> InteractionRecord:
        """Wait for the answer (past a deferral), then until it is unchanged for `idle` s."""
        await self.response(timeout)
        if self.record.callback_type in (5, 6):
            # The callback itself was update 1; the deferred answer is any later one.
            await self._scripts._guard(
                self._until(lambda: self.record.updates >= 2),
                timeout,
                f"the deferred answer to interaction {self.id}",
            )
        await self._scripts._guard(self._idle(idle), timeout, "the answer to settle")
        return self.record

    async def final_message(self, timeout: float = 5.0, idle: float = 0.1) -> Json:
        """The message the user ends up seeing: the original if alone, else the last one."""
        messages = (await self.settled(timeout, idle)).messages()
        if not messages:
            raise AssertionError(
                f"interaction {self.id} produced no message: {self.record.callback}"
            )
        return messages[-1]

    async def messages(self, timeout: float = 5.0, idle: float = 0.1) -> list[Json]:
        """The original response and all follow-ups, once settled."""
        return (await self.settled(timeout, idle)).messages()

    async def _until(self, condition: Callable[[], object]) -> None:
        while not condition():
            self.record.changed.clear()
            await self.record.changed.wait()

    async def _idle(self, idle: float) -> None:
        while (left := self.record.last_change + idle - time.monotonic()) > 0:
            self.record.changed.clear()
            try:
                await asyncio.wait_for(self.record.changed.wait(), left)
            except TimeoutError:
                return


class InteractionScripts:
    world: World
    hub: GatewayHub
    store: InteractionStore
    messages: MessageRoutes
    log: RequestLog
    general: Channel
    member: Member

    async def _guard(self, awaitable: Awaitable[T], timeout: float, what: str) -> T:
        raise NotImplementedError

    # -- look-ups ----------------------------------------------------------------------------

    def _where(self, channel: Channel | None, guild: Guild | None) -> Channel:
        if channel is not None:
            return channel
        if guild is not None:
            return next(iter(guild.channels.values()))
        return self.general

    def _user(self, actor: Actor | None) -> User:
        if actor is None:
            return self.member.user
        return actor.user if isinstance(actor, Member) else actor

    def _registered(self, guild: Guild | None) -> list[Json]:
        scoped = self.world.commands.get(guild.id, []) if guild is not None else []
        return scoped + self.world.commands.get(None, [])

    def known_commands(self, guild: Guild | None = None) -> list[Json]:
        """The commands Discord's client offers in `guild` (None: a DM with the bot)."""
        return [c for c in self._registered(guild) if offered_in(c, guild)]

    def find_command(self, name: str, guild: Guild | None, kind: int = 1) -> Json:
        for command in self._registered(guild):
            if command["name"] == name and command.get("type", 1) == kind:
                if not offered_in(command, guild):
                    where = "in a DM with the bot" if guild is None else f"in {guild.name}"
                    raise CommandHidden(
                        f"Discord does not offer /{name} {where}: its contexts are "
                        f"{command.get('contexts')}, dm_permission "
                        f"{command.get('dm_permission', True)}"
                    )
                return command
        known = [c["name"] for c in self.known_commands(guild) if c.get("type", 1) == kind]
        raise UnknownCommand(name, known)

    def find_bot_message(self, message: MessageRef) -> Json:
        message_id = int(message["id"] if isinstance(message, dict) else message)
        stored = self.world.find_message(message_id)
        if stored is not None:
            return stored
        found = self.store.find_message(message_id)
        if found is None:
            raise LookupError(f"no message {message_id} on the local Discord")
        return found[1]

    def _resolve(self, kind: int, value: Any, channel: Channel) -> tuple[str, dict[str, Json]]:
        guild = self.world.guild_of(channel)
        if kind == CHANNEL:
            target = value if isinstance(value, Channel) else self._channel_named(value, guild)
            data = dict(
                target.payload(),
                permissions=str(self.world.member_permissions(target, self._user(None))),
            )
            return str(target.id), {"channels": {str(target.id): data}}
        if kind == ROLE or (isinstance(value, Role) and guild is not None):
            role = value if isinstance(value, Role) else self._role_named(value, guild)
            return str(role.id), {"roles": {str(role.id): role.payload()}}
        user = value.user if isinstance(value, Member) else value
        if not isinstance(user, User):
            user = self._user_named(value)
        entries: dict[str, Json] = {"users": {str(user.id): user.payload()}}
        if guild is not None and user.id in guild.members:
            entries["members"] = {
                str(user.id): dict(
                    guild.members[user.id].payload(with_user=False),
                    permissions=str(self.world.member_permissions(channel, user)),
                )
            }
        return str(user.id), entries

    def _channel_named(self, value: Any, guild: Guild | None) -> Channel:
        for channel in self.world.channels.values():
            if str(value).lstrip("#<>") in (channel.name, str(channel.id)):
                return channel
        raise OptionError(f"no channel {value!r}")

    def _role_named(self, value: Any, guild: Guild | None) -> Role:
        for role in guild.roles.values() if guild else []:
            if str(value).lstrip("@<&>") in (role.name, str(role.id)):
                return role
        raise OptionError(f"no role {value!r}")

    def _user_named(self, value: Any) -> User:
        for user in self.world.users.values():
            if str(value).lstrip("@<!>") in (user.username, str(user.id)):
                return user
        raise OptionError(f"no user {value!r}")

    # -- interactions ----------------------------------------------------------------------------

    def _dispatch_interaction(
        self, kind: int, data: Json, user: User, channel: Channel, *, message: Json | None = None
    ) -> InteractionHandle:
        if not self.hub.current:
            raise RuntimeError("no bot is connected to the local Discord gateway")
        world = self.world
        guild = world.guild_of(channel)
        record = InteractionRecord(
            world.ids.next(),
            self.store.new_token(),
            kind,
            channel,
            user,
            {},
            target_message=message,
        )
        payload: Json = {
            "id": str(record.id),
            "application_id": str(world.application_id),
            "type": kind,
            "data": data,
            "token": record.token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": dict(
                channel.payload(), permissions=str(world.member_permissions(channel, user))
            ),
            "app_permissions": str(world.bot_permissions(channel)),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "authorizing_integration_owners": {"0": str(guild.id) if guild else "0"},
            "context": GUILD_CONTEXT if guild else BOT_DM_CONTEXT,
        }
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise LookupError(f"{user.username} is not a member of {guild.name}")
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=dict(
                    member.payload(), permissions=str(world.member_permissions(channel, user))
                ),
            )
        else:
            payload["user"] = user.payload()
        if message is not None:
            # The message as it is at the press: the payload is serialised later, when the
            # session sends it, by which time another press's edit may have changed it.
            payload["message"] = copy.deepcopy(message)
        record.payload = payload
        self.store.add(record)
        self.hub.dispatch("INTERACTION_CREATE", payload, guild_id=guild.id if guild else None)
        return InteractionHandle(self, record)

    def _check_default_permissions(self, command: Json, user: User, channel: Channel) -> None:
        """Refuse as Discord's client does: it does not offer the command to this member."""
        needed = command.get("default_member_permissions")
        guild = self.world.guild_of(channel)
        if needed is None or guild is None:
            return
        bits = int(needed)
        if user.id in self.world.command_overrides.get((guild.id, command["name"]), set()):
            return
        if guild.owner_id == user.id:
            return
        have = self.world.member_permissions(channel, user)
        if have & perm.ADMINISTRATOR or (bits and have & bits == bits):
            return
        raise CommandHidden(
            f"{user.username} cannot use /{command['name']}: Discord offers it only to members "
            f"with {perm.names(bits) if bits else 'Administrator'}"
        )

    def _command_data(
        self,
        name: str,
        channel: Channel,
        values: OptionValues,
        kind: int,
        focused: str | None = None,
        user: User | None = None,
    ) -> Json:
        command_name, *path = name.split()
        command = self.find_command(command_name, self.world.guild_of(channel))
        if user is not None:
            self._check_default_permissions(command, user, channel)
        options, resolved = build_options(
            command, path, values, lambda t, v: self._resolve(t, v, channel), focused=focused
        )
        data: Json = {"id": command["id"], "name": command["name"], "type": 1, "options": options}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    async def slash(
        self,
        name: str,
        options: OptionValues = None,
        *,
        user: Actor | None = None,
        channel: Channel | None = None,
        guild: Guild | None = None,
    ) -> InteractionHandle:
        """Run `/name` (subcommands as words: "fact status") with options by name or position."""
        where = self._where(channel, guild)
        who = self._user(user)
        data = self._command_data(name, where, options, APPLICATION_COMMAND, user=who)
        return self._dispatch_interaction(APPLICATION_COMMAND, data, who, where)

    async def autocomplete(
        self,
        name: str,
        option: str,
        value: str,
        others: Mapping[str, Any] | None = None,
        *,
        user: Actor | None = None,
        channel: Channel | None = None,
        timeout: float = 5.0,
    ) -> list[Json]:
        """Type `value` into `option` of `/name`; returns the bot's choices."""
        where = self._where(channel, None)
        values = {**(others or {}), option: value}
        who = self._user(user)
        data = self._command_data(name, where, values, AUTOCOMPLETE, focused=option, user=who)
        handle = self._dispatch_interaction(AUTOCOMPLETE, data, who, where)
        callback = await handle.response(timeout)
        return list((callback.get("data") or {}).get("choices") or [])

    async def context_menu(
        self, name: str, message: MessageRef, *, user: Actor | None = None
    ) -> InteractionHandle:
        """Run the message context-menu command `name` on `message`."""
        target = self.find_bot_message(message)
        channel = self.world.channels[int(target["channel_id"])]
        command = self.find_command(name, self.world.guild_of(channel), kind=3)
        self._check_default_permissions(command, self._user(user), channel)
        data: Json = {
            "id": command["id"],
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return self._dispatch_interaction(APPLICATION_COMMAND, data, self._user(user), channel)

    async def press_button(
        self,
        message: MessageRef,
        custom_id: str,
        *,
        user: Actor | None = None,
        stale: bool = False,
    ) -> InteractionHandle:
        """Press an enabled button of a message the bot sent.

        With `stale=True`, press a button of `message` as the caller holds it (a snapshot),
        as a client does that has not yet drawn the message's latest edit: Discord sends the
        message as it is now, which may no longer carry the button."""
        target = self.find_bot_message(message)
        shown = message if stale and isinstance(message, dict) else target
        buttons = {
            c.get("custom_id"): c
            for row in shown.get("components", [])
            for c in row.get("components", [])
            if c.get("type") == 2
        }
        button = buttons.get(custom_id)
        if button is None:
            raise LookupError(
                f"message {target['id']} has no button {custom_id!r}; "
                f"it has {[k for k in buttons if k]}"
            )
        if button.get("disabled"):
            raise LookupError(f"button {custom_id!r} is disabled")
        channel = self.world.channels[int(target["channel_id"])]
        data = {"custom_id": custom_id, "component_type": 2}
        return self._dispatch_interaction(
            MESSAGE_COMPONENT, data, self._user(user), channel, message=target
        )

    # -- chat ------------------------------------------------------------------------------------

    def send_message(
        self, channel: Channel | None = None, author: Actor | None = None, content: str = ""
    ) -> Json:
        """A user posts `content`; the bot gets MESSAGE_CREATE (mention it with `<@id>`)."""
        _check_user_content(content)
        where = self._where(channel, None)
        message = self.world.new_message(where, self._user(author), {"content": content})
        self.messages.add_to_channel(where, message)
        return message

    def edit_message(self, message: MessageRef, content: str) -> Json:
        _check_user_content(content)
        stored = self.find_bot_message(message)
        channel = self.world.channels[int(stored["channel_id"])]
        self.world.edit_message(channel, stored, {"content": content}, [])
        self.messages.publish("MESSAGE_UPDATE", channel, stored)
        return stored

    def delete_message(self, message: MessageRef) -> None:
        stored = self.find_bot_message(message)
        channel = self.world.channels[int(stored["channel_id"])]
        channel.messages.pop(int(stored["id"]), None)
        self.messages.publish("MESSAGE_DELETE", channel, stored)

    def add_reaction(self, message: MessageRef, emoji: str, user: Actor | None = None) -> None:
        stored = self.find_bot_message(message)
        channel = self.world.channels[int(stored["channel_id"])]
        who = self._user(user)
        event: Json = {
            "user_id": str(who.id),
            "channel_id": str(channel.id),
            "message_id": stored["id"],
            "emoji": {"id": None, "name": emoji},
            "type": 0,
            "burst": False,
            "message_author_id": stored["author"]["id"],
        }
        guild = self.world.guild_of(channel)
        if guild is not None:
            event["guild_id"] = str(guild.id)
            if who.id in guild.members:
                event["member"] = guild.members[who.id].payload()
        if guild is None or self.hub.bot_can_view(channel.id):
            self.hub.dispatch("MESSAGE_REACTION_ADD", event, guild_id=channel.guild_id)
