"""What the bot sent: every REST request, with waiters that resolve as requests arrive."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str


@dataclass
class RecordedRequest:
    """One REST request; `route` is the template, e.g. `/channels/{channel_id}/messages`."""

    method: str
    route: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    time: float = field(default_factory=time.monotonic)
    status: int | None = None
    # Discord's JSON error code of an error answer (40060, 10062, ...), else None.
    code: int | None = None
    # When the answer went out (time.monotonic()); None while the request is held.
    answered_at: float | None = None
    lacks_allowed_mentions: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


RequestPredicate = Callable[[RecordedRequest], bool]


class RequestLog:
    """Append-only request list; `last_time` feeds the quiescence helper."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.last_time = time.monotonic()
        self.in_flight = 0
        self._waiters: list[tuple[RequestPredicate, asyncio.Future[RecordedRequest]]] = []

    def add(self, request: RecordedRequest) -> None:
        self.requests.append(request)
        self.in_flight += 1
        self.last_time = request.time

    def finished(self, request: RecordedRequest) -> None:
        """Called once the response status is known, so waiters can look at it."""
        self.in_flight -= 1
        self.last_time = request.answered_at = time.monotonic()
        if not self._waiters:
            return
        still = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate(request):
                future.set_result(request)
            else:
                still.append((predicate, future))
        self._waiters = still

    async def wait_for(self, predicate: RequestPredicate, *, include_past: bool) -> RecordedRequest:
        if include_past:
            for request in self.requests:
                if request.status is not None and predicate(request):
                    return request
        future: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return await future
