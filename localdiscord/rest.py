"""The REST side: request parsing, recording, auth, faults, checks, and the simple routes.

Every route goes through `RestApi._wrap`, so every request is recorded and checked the
same way. Responses carry `Content-Type: application/json` exactly: discord.py compares
the header verbatim, and aiohttp's `json_response` would append a charset.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from localdiscord import limits
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
from localdiscord.gateway import GatewayHub
from localdiscord.model import Json
from localdiscord.recording import RecordedRequest, RequestLog, UploadedFile
from localdiscord.world import World

API_PREFIX = "/api/v10"
# Routes Discord serves without the bot token (the interaction token is the credential).
TOKEN_ROUTES = ("/webhooks/", "/interactions/")


def _openapi_spec() -> Any:
    """The spec checker, or None without the spec file or jsonschema (a dev dependency:
    `bluebook-bot console` must run without it)."""
    try:
        from localdiscord.openapi import load_spec
    except ImportError:
        return None
    return load_spec()


class ApiError(Exception):
    """An error answer in Discord's shape: `{"message": ..., "code": ...}`."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _server_error(status: int) -> web.Response:
    reason = {500: "Internal Server Error", 502: "Bad Gateway"}.get(status, "Error")
    return json_response(status, {"message": f"{status}: {reason}", "code": 0})


class _Dropped(web.Response):
    """What a handler returns after closing the connection: aiohttp writes nothing of it."""


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.close()
    return _Dropped(status=500)


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")


@dataclass
class ApiRequest:
    """What a route handler gets: URL parameters, parsed JSON (or payload_json) and files."""

    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[UploadedFile] = field(default_factory=list)
    record: RecordedRequest | None = None

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(404, 0, "404: Not Found") from None


Result = tuple[int, Any]
RouteHandler = Callable[[ApiRequest], Awaitable[Result]]


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> web.Response:
    headers = dict(headers or {})
    if status == 204:
        return web.Response(status=204, headers=headers)
    headers["Content-Type"] = "application/json"
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=headers)


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    if request.content_type == "multipart/form-data":
        payload: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read(decode=False)
            if name == "payload_json":
                payload = json.loads(data)
            else:
                filename = part.filename or name
                ctype = part.headers.get("Content-Type", "application/octet-stream")
                files.append(UploadedFile(name, filename, bytes(data), ctype))
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


class RestApi:
    """Routes, checks and faults. Route handlers live here and in `rest_messages`."""

    def __init__(self, world: World, hub: GatewayHub, log: RequestLog, faults: FaultPlan) -> None:
        self.world, self.hub, self.log, self.faults = world, hub, log, faults
        self.violations: list[str] = []
        self.stopping = asyncio.Event()

    # -- the pipeline ------------------------------------------------------------------------------

    def wrap(self, handler: RouteHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            resource = request.match_info.route.resource
            canonical = resource.canonical if resource is not None else request.path
            route = canonical.removeprefix(API_PREFIX)
            path = request.path.removeprefix(API_PREFIX)
            record = RecordedRequest(request.method, route, path, dict(request.query), None)
            self.log.add(record)
            try:
                record.json, record.files = await parse_body(request)
                response = await self._process(request, record, handler)
            except ApiError as exc:
                record.code = exc.code
                response = json_response(exc.status, {"message": exc.message, "code": exc.code})
            record.status = None if isinstance(response, _Dropped) else response.status
            self.log.finished(record)
            return response

        return endpoint

    async def _process(
        self, request: web.Request, record: RecordedRequest, handler: RouteHandler
    ) -> web.Response:
        self._check_auth(request, record.path)
        fault = self.faults.take(record.method, record.path, record.route)
        if fault is not None and fault.kind == DROP:
            return _drop(request)
        if fault is not None and fault.kind not in (
            LATE,
            APPLIED_ERROR,
            APPLIED_HANG,
            APPLIED_DROP,
        ):
            early = await self._apply_fault(fault)
            if early is not None:
                return early
        self._check_body(record)
        api_request = ApiRequest(
            dict(request.match_info), dict(request.query), record.json, record.files, record
        )
        status, payload = await handler(api_request)
        if fault is not None and fault.kind == LATE:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.kind == APPLIED_ERROR:
            return _server_error(fault.status)
        if fault is not None and fault.kind == APPLIED_HANG:
            return await self._held()
        if fault is not None and fault.kind == APPLIED_DROP:
            return _drop(request)
        return json_response(status, payload)

    async def _held(self) -> web.Response:
        await self.stopping.wait()
        return json_response(503, {"message": "Service stopping", "code": 0})

    def _check_auth(self, request: web.Request, path: str) -> None:
        header = request.headers.get("Authorization")
        if header is None and path.startswith(TOKEN_ROUTES):
            return
        if header != f"Bot {self.world.scenario.token}":
            raise ApiError(401, 0, "401: Unauthorized")

    async def _apply_fault(self, fault: Fault) -> web.Response | None:
        if fault.kind == SLOW:
            await asyncio.sleep(fault.delay)
            return None
        if fault.kind == HANG:
            return await self._held()
        if fault.kind == SERVER_ERROR:
            return _server_error(fault.status)
        if fault.kind == RATE_LIMIT:
            scope = "global" if fault.is_global else "user"
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(fault.retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Scope": scope,
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
                "code": 0,
            }
            return json_response(429, body, headers)
        raise AssertionError(f"unknown fault kind {fault.kind}")

    def _check_body(self, record: RecordedRequest) -> None:
        if record.json is None:
            return
        where = f"{record.method} {record.path}"
        record.lacks_allowed_mentions = limits.lacks_allowed_mentions(
            record.method, record.route, record.json
        )
        problems = limits.check_request(record.method, record.route, record.json)
        if self.world.scenario.validate_openapi:
            spec = _openapi_spec()
            if spec is not None:
                self.violations += [
                    f"{where}: {p}" for p in spec.check(record.method, record.route, record.json)
                ]
        if problems:
            self.violations += [f"{where}: {p}" for p in problems]
            if self.world.scenario.reject_over_limits:
                raise ApiError(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    # -- simple routes -------------------------------------------------------------------------

    async def get_me(self, req: ApiRequest) -> Result:
        return 200, dict(self.world.bot_user.payload(), verified=True, mfa_enabled=False)

    async def get_application(self, req: ApiRequest) -> Result:
        world = self.world
        return 200, {
            "id": str(world.application_id),
            "name": world.bot_user.username,
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": world.owner.payload(),
            "team": None,
            "flags": self.hub.app_flags(),
            "bot": world.bot_user.payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
            "install_params": None,
            "approximate_guild_count": len(world.guilds),
        }

    async def get_gateway(self, req: ApiRequest) -> Result:
        return 200, {"url": self.hub.url}

    async def get_gateway_bot(self, req: ApiRequest) -> Result:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 14_400_000, "max_concurrency": 1}
        return 200, {
            "url": self.hub.url,
            "shards": self.world.scenario.shard_count,
            "session_start_limit": limit,
        }

    def _command_scope(self, req: ApiRequest) -> int | None:
        if req.int_param("application_id") != self.world.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "guild_id" not in req.params:
            return None
        guild_id = req.int_param("guild_id")
        if guild_id not in self.world.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return guild_id

    async def put_commands(self, req: ApiRequest) -> Result:
        scope = self._command_scope(req)
        if not isinstance(req.body, list):
            raise ApiError(400, 50035, "Invalid Form Body: expected a list of commands")
        known = {(c["name"], c.get("type", 1)): c["id"] for c in self.world.commands.get(scope, [])}
        stored = []
        for body in req.body:
            kind = body.get("type", 1)
            command: Json = {
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **body,
                "type": kind,
                "id": known.get((body.get("name"), kind)) or str(self.world.ids.next()),
                "application_id": str(self.world.application_id),
                "version": str(self.world.ids.next()),
            }
            if scope is not None:
                command["guild_id"] = str(scope)
            stored.append(command)
        self.world.commands[scope] = stored
        return 200, stored

    async def get_commands(self, req: ApiRequest) -> Result:
        return 200, self.world.commands.get(self._command_scope(req), [])

    def _guild(self, req: ApiRequest) -> Any:
        guild = self.world.guilds.get(req.int_param("guild_id"))
        if guild is None:
            raise not_found(10004, "Guild")
        return guild

    async def get_guild(self, req: ApiRequest) -> Result:
        guild = self._guild(req)
        data = guild.payload(bot_member=self.world.bot_member(guild))
        for key in ("channels", "members", "threads", "voice_states", "presences"):
            data.pop(key, None)
        return 200, data

    async def get_guild_channels(self, req: ApiRequest) -> Result:
        return 200, [c.payload() for c in self._guild(req).channels.values()]

    async def get_member(self, req: ApiRequest) -> Result:
        member = self._guild(req).members.get(req.int_param("user_id"))
        if member is None:
            raise not_found(10007, "Member")
        return 200, member.payload()

    async def get_user(self, req: ApiRequest) -> Result:
        user = self.world.users.get(req.int_param("user_id"))
        if user is None:
            raise not_found(10013, "User")
        return 200, user.payload()

    async def not_implemented(self, req: ApiRequest) -> Result:
        record = req.record
        if record is not None:
            self.violations.append(
                f"{record.method} {record.path}: the local Discord does not implement this route"
            )
        return 404, {"message": "404: Not Found", "code": 0}
