"""The gateway websocket: HELLO/IDENTIFY/READY, RESUME with replay, shards, intents, faults.

Each connection has one writer task fed by a queue, so events keep their order (which the
zlib stream needs too) and dispatching is a cheap synchronous call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from localdiscord import permissions as perm
from localdiscord.model import Json
from localdiscord.world import World

log = logging.getLogger(__name__)

MESSAGE_CONTENT_INTENT = 1 << 15
GUILD_MESSAGES_INTENT = 1 << 9
# event -> (intent needed in a guild, intent needed in a DM)
EVENT_INTENTS = {
    "CHANNEL_UPDATE": (1 << 0, 1 << 0),
    "MESSAGE_CREATE": (1 << 9, 1 << 12),
    "MESSAGE_UPDATE": (1 << 9, 1 << 12),
    "MESSAGE_DELETE": (1 << 9, 1 << 12),
    "MESSAGE_REACTION_ADD": (1 << 10, 1 << 13),
}
CONTENT_FIELDS = {"content": "", "embeds": [], "attachments": [], "components": []}


def shard_of(guild_id: int, count: int) -> int:
    return (guild_id >> 22) % count


@dataclass
class GatewayLogEntry:
    """kind is identify, resume, resume_failed, closed, rejected."""

    kind: str
    shard_id: int
    session_id: str | None = None
    intents: int | None = None
    code: int | None = None


class Connection:
    """One websocket; `send` enqueues, the writer task encodes (and zlib-compresses)."""

    def __init__(self, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.request = request
        self.ws = ws
        self._zlib = zlib.compressobj() if request.query.get("compress") == "zlib-stream" else None
        self._queue: asyncio.Queue[Json | tuple[str, int]] = asyncio.Queue()
        self.writer = asyncio.create_task(self._write())

    def send(self, payload: Json) -> None:
        self._queue.put_nowait(payload)

    def close(self, code: int) -> None:
        self._queue.put_nowait(("close", code))

    def abort(self) -> None:
        self._queue.put_nowait(("abort", 0))

    async def _write(self) -> None:
        while True:
            item = await self._queue.get()
            if isinstance(item, tuple):
                kind, code = item
                if kind == "abort":
                    if self.request.transport is not None:
                        self.request.transport.abort()
                else:
                    await self.ws.close(code=code)
                return
            text = json.dumps(item, separators=(",", ":"))
            try:
                if self._zlib is None:
                    await self.ws.send_str(text)
                else:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
            except (ConnectionError, RuntimeError):
                return


@dataclass
class Session:
    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    buffer: deque[Json]
    seq: int = 0
    alive: bool = True
    connection: Connection | None = field(default=None, repr=False)

    def dispatch(self, event: str, data: Any) -> None:
        self.seq += 1
        payload = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.buffer.append(payload)
        if self.connection is not None:
            self.connection.send(payload)


class GatewayHub:
    """All gateway sessions; routes guild events to the shard that owns the guild."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.url = ""
        self.sessions: dict[str, Session] = {}
        self.current: dict[int, Session] = {}
        self.connections: set[Connection] = set()
        self.log: list[GatewayLogEntry] = []
        self.last_activity = time.monotonic()
        self._waiters: list[tuple[Callable[[GatewayLogEntry], bool], asyncio.Future[Any]]] = []

    # -- connection handling ---------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(request, ws)
        self.connections.add(conn)
        hello = {"heartbeat_interval": self.world.scenario.heartbeat_interval_ms}
        conn.send({"op": 10, "d": hello, "s": None, "t": None})
        session: Session | None = None
        client_code: int | None = None
        try:
            while True:
                msg = await ws.receive()
                if msg.type is WSMsgType.CLOSE:
                    client_code = msg.data
                    break
                if msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                    break
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op, data = payload.get("op"), payload.get("d") or {}
                if op == 1:
                    conn.send({"op": 11, "d": None, "s": None, "t": None})
                elif op == 2:
                    session = self._identify(conn, data)
                elif op == 6:
                    session = self._resume(conn, data)
        finally:
            self.connections.discard(conn)
            code = client_code if client_code is not None else ws.close_code
            if session is not None and session.connection is conn:
                session.connection = None
                # A client's close frame with 1000/1001 ends its session, as on Discord.
                if client_code in (1000, 1001):
                    session.alive = False
                self._record(
                    GatewayLogEntry("closed", session.shard_id, session.session_id, code=code)
                )
            conn.writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await conn.writer
        return ws

    def _reject(self, conn: Connection, shard_id: int, code: int) -> None:
        self._record(GatewayLogEntry("rejected", shard_id, code=code))
        conn.close(code)

    def _identify(self, conn: Connection, data: Json) -> Session | None:
        shard_id, count = data.get("shard") or [0, 1]
        intents = int(data.get("intents") or 0)
        if data.get("token") != self.world.scenario.token:
            self._reject(conn, shard_id, 4004)
            return None
        if intents & MESSAGE_CONTENT_INTENT and not self.world.scenario.message_content_allowed:
            self._reject(conn, shard_id, 4014)
            return None
        if not 0 <= shard_id < count:
            self._reject(conn, shard_id, 4010)
            return None
        old = self.current.get(shard_id)
        if old is not None:
            old.alive = False
        session = Session(
            uuid.uuid4().hex,
            shard_id,
            count,
            intents,
            deque(maxlen=self.world.scenario.resume_buffer),
        )
        session.connection = conn
        self.sessions[session.session_id] = session
        self.current[shard_id] = session
        self._record(GatewayLogEntry("identify", shard_id, session.session_id, intents))
        guilds = [g for g in self.world.guilds.values() if shard_of(g.id, count) == shard_id]
        bot = self.world.bot_user
        session.dispatch(
            "READY",
            {
                "v": 10,
                "user": dict(bot.payload(), verified=True, mfa_enabled=False, email=None),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.url,
                "shard": [shard_id, count],
                "application": {"id": str(self.world.application_id), "flags": self.app_flags()},
                "private_channels": [],
                "presences": [],
                "relationships": [],
                "user_settings": {},
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "auth": {},
            },
        )
        for guild in guilds:
            session.dispatch("GUILD_CREATE", guild.payload(bot_member=self.world.bot_member(guild)))
        return session

    def _resume(self, conn: Connection, data: Json) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        seq = int(data.get("seq") or 0)
        oldest = session.buffer[0]["s"] if session and session.buffer else 1
        if (
            session is None
            or not session.alive
            or data.get("token") != self.world.scenario.token
            or seq + 1 < oldest
        ):
            shard_id = session.shard_id if session else 0
            self._record(GatewayLogEntry("resume_failed", shard_id, data.get("session_id")))
            conn.send({"op": 9, "d": False, "s": None, "t": None})
            return None
        if session.connection is not None and session.connection is not conn:
            session.connection.close(4000)
        session.connection = conn
        for payload in session.buffer:
            if payload["s"] > seq:
                conn.send(payload)
        self._record(
            GatewayLogEntry("resume", session.shard_id, session.session_id, session.intents)
        )
        session.dispatch("RESUMED", {})
        return session

    def app_flags(self) -> int:
        gateway_message_content = 1 << 18
        return gateway_message_content if self.world.scenario.message_content_allowed else 0

    # -- dispatch -----------------------------------------------------------------------------------

    def dispatch(self, event: str, data: Json, *, guild_id: int | None = None) -> None:
        """Send an event to the shard owning `guild_id` (shard 0 for DMs), as Discord filters it."""
        self.last_activity = time.monotonic()
        shard_id = 0 if guild_id is None else None
        if guild_id is not None:
            count = next(iter(self.current.values())).shard_count if self.current else 1
            shard_id = shard_of(guild_id, count)
        session = self.current.get(shard_id or 0)
        if session is None or not session.alive:
            return
        needed = EVENT_INTENTS.get(event)
        if needed is not None and not session.intents & needed[0 if guild_id else 1]:
            return
        if (
            event in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            and guild_id is not None
            and not session.intents & MESSAGE_CONTENT_INTENT
            and not self._bot_sees_content(data)
        ):
            data = dict(data, **CONTENT_FIELDS)
        session.dispatch(event, data)

    def bot_can_view(self, channel_id: int) -> bool:
        channel = self.world.channels.get(channel_id)
        return channel is not None and bool(self.world.bot_permissions(channel) & perm.VIEW_CHANNEL)

    def _bot_sees_content(self, message: Json) -> bool:
        bot_id = str(self.world.bot_user.id)
        if message.get("author", {}).get("id") == bot_id:
            return True
        return any(user.get("id") == bot_id for user in message.get("mentions", []))

    # -- faults and observation -------------------------------------------------------------------

    def _session(self, shard_id: int) -> Session:
        session = self.current.get(shard_id)
        if session is None:
            raise LookupError(f"no gateway session for shard {shard_id}")
        return session

    def drop(self, shard_id: int = 0, *, code: int | None = None) -> None:
        """Drop the socket: without a close frame (code None) or with `code`."""
        session = self._session(shard_id)
        if session.connection is not None:
            conn, session.connection = session.connection, None
            conn.abort() if code is None else conn.close(code)

    def send_reconnect(self, shard_id: int = 0) -> None:
        conn = self._session(shard_id).connection
        if conn is not None:
            conn.send({"op": 7, "d": None, "s": None, "t": None})

    def invalidate_session(self, shard_id: int = 0, *, resumable: bool) -> None:
        session = self._session(shard_id)
        if not resumable:
            session.alive = False
        if session.connection is not None:
            session.connection.send({"op": 9, "d": resumable, "s": None, "t": None})

    def _record(self, entry: GatewayLogEntry) -> None:
        self.log.append(entry)
        still = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate(entry):
                future.set_result(entry)
            else:
                still.append((predicate, future))
        self._waiters = still

    async def wait_for(self, predicate: Callable[[GatewayLogEntry], bool]) -> GatewayLogEntry:
        """The next log entry (from now on) matching `predicate`."""
        future: asyncio.Future[GatewayLogEntry] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return await future

    async def close_all(self) -> None:
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001)
