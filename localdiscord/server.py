"""`LocalDiscord`: the stand-in server (REST + gateway on 127.0.0.1) and its scripted API."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from localdiscord import permissions as perm
from localdiscord.faults import (
    APPLIED_DROP,
    APPLIED_ERROR,
    APPLIED_HANG,
    DROP,
    HANG,
    LATE,
    RATE_LIMIT,
    SERVER_ERROR,
    SLOW,
    Fault,
    FaultPlan,
)
from localdiscord.gateway import GatewayHub, GatewayLogEntry
from localdiscord.interactions import InteractionStore
from localdiscord.model import Channel, Guild, Json, Member, Role, User
from localdiscord.recording import RecordedRequest, RequestLog, RequestPredicate
from localdiscord.rest import API_PREFIX, RestApi
from localdiscord.rest_messages import MessageRoutes
from localdiscord.scripting import InteractionScripts
from localdiscord.world import Scenario, World

T = TypeVar("T")
# Ids of the default guild, #general, admin and member with `stable_ids=True` (the console),
# so settings the bot keeps per server and user survive a restart.
STABLE_IDS = {
    "guild": 1_180_000_000_000_000_001,
    "general": 1_180_000_000_000_000_002,
    "admin": 1_180_000_000_000_000_003,
    "member": 1_180_000_000_000_000_004,
}


class BotStopped(RuntimeError):
    """The connected discord.py client's task ended while a test was waiting on it."""


class LocalDiscord(InteractionScripts):
    """A Discord stand-in for one test (or one console session).

    With `default_scenario=True` it holds guild "Local Guild" (`.guild`) with `#general`
    (`.general`), an administrator `.admin` and a plain member `.member`; `stable_ids=True`
    gives those the same ids in every run.
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        default_scenario: bool = True,
        stable_ids: bool = False,
        **scenario_options: Any,
    ) -> None:
        self.world = World(scenario or Scenario(**scenario_options))
        self.hub = GatewayHub(self.world)
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.store = InteractionStore()
        self.api = RestApi(self.world, self.hub, self.log, self.faults)
        self.messages = MessageRoutes(self.world, self.hub, self.store)
        self._runner: web.AppRunner | None = None
        self._watched: list[asyncio.Task[Any]] = []
        self.port = 0
        if default_scenario:
            ids = STABLE_IDS if stable_ids else {}
            world = self.world
            self.guild = world.add_guild("Local Guild", guild_id=ids.get("guild"))
            self.general = world.add_channel(self.guild, "general", channel_id=ids.get("general"))
            self.admin = world.add_member(
                self.guild, "admin", permissions=perm.ADMINISTRATOR, user_id=ids.get("admin")
            )
            self.member = world.add_member(self.guild, "member", user_id=ids.get("member"))

    # -- lifecycle -----------------------------------------------------------------------------

    @classmethod
    async def start(cls, port: int = 0, **options: Any) -> LocalDiscord:
        """Create a server (options as for the constructor) and listen on 127.0.0.1:`port`."""
        server = cls(**options)
        await server.listen(port)
        return server

    async def listen(self, port: int = 0) -> None:
        self._runner = web.AppRunner(self._app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.base_url = self.base_url
        self.hub.url = self.gateway_url

    async def stop(self) -> None:
        self.api.stopping.set()
        await self.hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        if self._runner is None:
            await self.listen()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        api, msg = self.api, self.messages
        webhook = "/webhooks/{application_id}/{token}"
        message = "/channels/{channel_id}/messages/{message_id}"
        routes: list[tuple[str, str, Callable[..., Awaitable[Any]]]] = [
            ("GET", "/users/@me", api.get_me),
            ("GET", "/oauth2/applications/@me", api.get_application),
            ("GET", "/gateway", api.get_gateway),
            ("GET", "/gateway/bot", api.get_gateway_bot),
            ("PUT", "/applications/{application_id}/commands", api.put_commands),
            ("GET", "/applications/{application_id}/commands", api.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", api.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", api.get_commands),
            ("POST", "/interactions/{interaction_id}/{token}/callback", msg.callback),
            ("POST", webhook, msg.followup),
            ("GET", webhook + "/messages/@original", msg.get_webhook_message),
            ("PATCH", webhook + "/messages/@original", msg.edit_webhook_message),
            ("DELETE", webhook + "/messages/@original", msg.delete_webhook_message),
            ("GET", webhook + "/messages/{message_id}", msg.get_webhook_message),
            ("PATCH", webhook + "/messages/{message_id}", msg.edit_webhook_message),
            ("DELETE", webhook + "/messages/{message_id}", msg.delete_webhook_message),
            ("GET", "/channels/{channel_id}", msg.get_channel),
            ("POST", "/channels/{channel_id}/messages", msg.create_message),
            ("GET", "/channels/{channel_id}/messages", msg.list_messages),
            ("GET", message, msg.get_message),
            ("PATCH", message, msg.edit_message),
            ("DELETE", message, msg.delete_message),
            ("PUT", message + "/reactions/{emoji}/@me", msg.add_own_reaction),
            ("DELETE", message + "/reactions/{emoji}/@me", msg.remove_own_reaction),
            ("GET", "/guilds/{guild_id}", api.get_guild),
            ("GET", "/guilds/{guild_id}/channels", api.get_guild_channels),
            ("GET", "/guilds/{guild_id}/members/{user_id}", api.get_member),
            ("POST", "/users/@me/channels", msg.open_dm),
            ("GET", "/users/{user_id}", api.get_user),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API_PREFIX + path, api.wrap(handler))
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", api.wrap(api.not_implemented))
        app.router.add_get("/gateway", self.hub.handle)
        app.router.add_get("/attachments/{channel_id}/{file_id}/{filename}", self._attachment)
        return app

    async def _attachment(self, request: web.Request) -> web.Response:
        stored = self.world.files.get(int(request.match_info["file_id"]))
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, headers={"Content-Type": stored.content_type})

    # -- what tests read ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def scenario(self) -> Scenario:
        return self.world.scenario

    @property
    def token(self) -> str:
        return self.world.scenario.token

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        return self.world.bot_user

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.log.requests

    @property
    def violations(self) -> list[str]:
        return self.api.violations

    @property
    def gateway_log(self) -> list[GatewayLogEntry]:
        return self.hub.log

    def requests_without_allowed_mentions(self) -> list[RecordedRequest]:
        """Message-sending requests whose body had no `allowed_mentions` (not a violation)."""
        return [r for r in self.log.requests if r.lacks_allowed_mentions]

    def commands(self, guild: Guild | None = None) -> list[Json]:
        """Commands the bot registered: for `guild`, or the global ones."""
        return self.world.commands.get(guild.id if guild else None, [])

    # -- building the world -----------------------------------------------------------------------

    def add_guild(self, name: str, *, shard: int | None = None) -> Guild:
        """A guild (bot included); `shard` picks an id owned by that shard of `shard_count`."""
        aim = None if shard is None else (shard, self.world.scenario.shard_count)
        return self.world.add_guild(name, shard=aim)

    def add_channel(self, guild: Guild, name: str) -> Channel:
        return self.world.add_channel(guild, name)

    def add_role(self, guild: Guild, name: str, permissions: int) -> Role:
        return self.world.add_role(guild, name, permissions)

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        roles: tuple[Role, ...] = (),
        permissions: int | None = None,
    ) -> Member:
        return self.world.add_member(guild, name, roles=roles, permissions=permissions)

    def dm_channel(self, user: User | Member) -> Channel:
        return self.world.dm_channel(user.user if isinstance(user, Member) else user)

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        self.world.set_bot_permissions(guild, permissions)

    def set_overwrite(
        self, channel: Channel, target: Role | Member | User, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set `target`'s overwrite in `channel`; the bot gets CHANNEL_UPDATE, as from Discord."""
        self.world.set_overwrite(channel, target, allow=allow, deny=deny)
        self.hub.dispatch("CHANNEL_UPDATE", channel.payload(), guild_id=channel.guild_id)

    def delete_channel(self, channel: Channel) -> None:
        self.world.delete_channel(channel)

    def allow_command(self, guild: Guild, name: str, user: User | Member) -> None:
        """A server admin lets `user` use `/name` despite its default_member_permissions
        (Server Settings → Integrations); the bot's own permission check still applies."""
        who = user.user if isinstance(user, Member) else user
        self.world.command_overrides.setdefault((guild.id, name), set()).add(who.id)

    # -- faults --------------------------------------------------------------------------------

    def rate_limit(
        self, pattern: str, *, count: int = 1, retry_after: float = 0.05, is_global: bool = False
    ) -> Fault:
        """Answer the next `count` matching requests with 429 (see `Fault` for patterns)."""
        return self.faults.add(
            Fault(RATE_LIMIT, pattern, count, retry_after=retry_after, is_global=is_global)
        )

    def server_error(
        self, pattern: str, *, count: int | None = 1, status: int = 500, applied: bool = False
    ) -> Fault:
        """Answer the next `count` matching requests with `status`; with `applied`, only after
        handling them (the request took effect, but the caller is told it failed)."""
        kind = APPLIED_ERROR if applied else SERVER_ERROR
        return self.faults.add(Fault(kind, pattern, count, status=status))

    def slow_responses(self, pattern: str, delay: float, *, count: int | None = None) -> Fault:
        return self.faults.add(Fault(SLOW, pattern, count, delay=delay))

    def late_responses(self, pattern: str, delay: float, *, count: int | None = 1) -> Fault:
        """Handle matching requests at once but answer after `delay` (a reply in flight)."""
        return self.faults.add(Fault(LATE, pattern, count, delay=delay))

    def hang_responses(
        self, pattern: str, *, count: int | None = None, applied: bool = False
    ) -> Fault:
        """Never answer matching requests (until the server stops); with `applied`, only after
        handling them (the request took effect, but the caller never hears of it)."""
        return self.faults.add(Fault(APPLIED_HANG if applied else HANG, pattern, count))

    def drop_responses(
        self, pattern: str, *, count: int | None = 1, applied: bool = False
    ) -> Fault:
        """Close the connection of matching requests with no answer; with `applied`, only after
        handling them (the request took effect, but the caller hears only the disconnect)."""
        return self.faults.add(Fault(APPLIED_DROP if applied else DROP, pattern, count))

    def clear_faults(self) -> None:
        self.faults.clear()

    def drop_connection(self, shard_id: int = 0, *, code: int | None = None) -> None:
        """Cut the gateway socket: no close frame when `code` is None; the bot should RESUME."""
        self.hub.drop(shard_id, code=code)

    def send_reconnect(self, shard_id: int = 0) -> None:
        self.hub.send_reconnect(shard_id)

    def invalidate_session(self, shard_id: int = 0, *, resumable: bool) -> None:
        self.hub.invalidate_session(shard_id, resumable=resumable)

    # -- waiting -------------------------------------------------------------------------------

    def watch(self, task: asyncio.Task[Any]) -> None:
        """Make waits fail fast with this task's error if it ends (the harness does this)."""
        self._watched.append(task)

    def unwatch(self, task: asyncio.Task[Any]) -> None:
        """Stop watching `task` (the harness does this once the bot has stopped on purpose)."""
        if task in self._watched:
            self._watched.remove(task)

    async def _guard(self, awaitable: Awaitable[T], timeout: float, what: str) -> T:
        waiter = asyncio.ensure_future(awaitable)
        watched = [t for t in self._watched if not t.cancelled()]
        for task in watched:
            if task.done():
                waiter.cancel()
                raise BotStopped(f"the bot stopped before {what}") from task.exception()
        done, _ = await asyncio.wait(
            [waiter, *watched], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if waiter in done:
            return waiter.result()
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        for task in done:
            raise BotStopped(f"the bot stopped before {what}") from task.exception()
        raise TimeoutError(f"timed out after {timeout}s waiting for {what}")

    async def wait_for_request(
        self, predicate: RequestPredicate, timeout: float = 5.0, *, include_past: bool = False
    ) -> RecordedRequest:
        """The next answered request matching `predicate` (or an earlier one if include_past)."""
        return await self._guard(
            self.log.wait_for(predicate, include_past=include_past), timeout, "a matching request"
        )

    async def wait_for_gateway(
        self, kind: str, *, shard_id: int | None = None, timeout: float = 5.0
    ) -> GatewayLogEntry:
        """The next gateway log entry of `kind` (identify, resume, resume_failed, closed...)."""
        return await self._guard(
            self.hub.wait_for(lambda e: e.kind == kind and shard_id in (None, e.shard_id)),
            timeout,
            f"gateway {kind}",
        )

    async def quiesce(self, idle: float = 0.15, timeout: float = 10.0) -> None:
        """Wait until neither the bot nor the stand-in did anything for `idle` seconds."""

        async def idle_wait() -> None:
            while True:
                last = max(self.log.last_time, self.hub.last_activity)
                left = last + idle - time.monotonic()
                if left <= 0 and not self.log.in_flight:
                    return
                await asyncio.sleep(max(left, 0.01))

        await self._guard(idle_wait(), timeout, "the bot to go quiet")

    async def bot_messages(self, channel: Channel | None = None, idle: float = 0.15) -> list[Json]:
        """After quiescence: the bot's messages in `channel` (default #general), oldest first."""
        await self.quiesce(idle)
        where = self._where(channel, None)
        bot_id = str(self.bot_user.id)
        return [m for m in where.messages.values() if m["author"]["id"] == bot_id]

    def assert_no_violations(self) -> None:
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"the bot broke Discord's rules:\n  {listing}")
