"""A polite HTTP client for one site: one request at a time, robots.txt, retries, conditional GETs.

Polite the way a well-behaved crawler is: at least `delay` seconds between the starts of two
requests, a User-Agent that names the project and where to find it, robots.txt honoured,
429 / 5xx / time-outs retried with exponential backoff (a 429's Retry-After is obeyed), and
any other answer turned into one clear error line.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 10  # redirects in a row before a request fails (aiohttp's default)


def user_agent() -> str:
    """`bluebook-bot/<version> (+<repository>)`: who is asking and where to read about it."""
    try:
        meta = metadata.metadata("bluebook-bot")
        version = meta["Version"]
        urls = [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or []]
    except metadata.PackageNotFoundError:
        version, urls = "dev", []
    where = urls[0] if urls else "Diplomatic Bluebook reference bot for Discord"
    return f"bluebook-bot/{version} (+{where})"


class FetchError(Exception):
    """A request that cannot succeed; `str()` is one line naming the address and the reason."""


@dataclass(frozen=True)
class FetchOptions:
    delay: float = 1.0  # seconds between the starts of two requests
    timeout: float = 30.0  # seconds for one request, connection to last byte
    attempts: int = 4  # tries of one request on 429 / 5xx / time-out
    backoff: float = 2.0  # seconds before the 2nd try; doubled for each further one
    max_wait: float = 300.0  # a Retry-After longer than this is an error, not a wait


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    media_type: str | None = None  # "text/html"; None when the site sends no Content-Type
    charset: str | None = None  # as the Content-Type declares it


Sleep = Callable[[float], Awaitable[None]]


class PoliteClient:
    """Requests to one site, one at a time; use as `async with PoliteClient(...) as client`."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or FetchOptions()
        self.user_agent = user_agent()
        self.requests = 0
        self._sleep = sleep
        self._clock = clock
        self._last_start: float | None = None
        self._robots: dict[str, RobotFileParser] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PoliteClient:
        self._session = aiohttp.ClientSession(
            headers={"User-Agent": self.user_agent},
            timeout=aiohttp.ClientTimeout(total=self.options.timeout),
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets this client fetch `url` (read once per host)."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            robots = RobotFileParser()
            answer = await self._request(urljoin(host, "/robots.txt"), {})
            if answer.status == 200:
                robots.parse(answer.body.decode("utf-8", "replace").splitlines())
            elif 400 <= answer.status < 500:
                robots.parse([])  # no robots.txt: everything is allowed (RFC 9309)
            else:
                robots.parse(["User-agent: *", "Disallow: /"])
            self._robots[host] = robots
        return self._robots[host].can_fetch(self.user_agent, url)

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET `url`; 200, 304 and 404 are answers, anything else raises FetchError."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        answer = await self._request(url, headers)
        if answer.status in (200, 304, 404, 410):
            return answer
        raise FetchError(f"{url}: the site answered HTTP {answer.status}")

    async def _request(self, url: str, headers: dict[str, str]) -> Response:
        """One GET, retried on 429 / 5xx / time-outs / dropped connections."""
        assert self._session is not None, "use PoliteClient in `async with`"
        reason = ""
        for attempt in range(self.options.attempts):
            await self._wait_turn()
            self.requests += 1
            wait = self.options.backoff * 2**attempt
            try:
                async with self._session.get(
                    url, headers=headers, max_redirects=MAX_REDIRECTS
                ) as r:
                    body = await r.read()
                    if r.status not in RETRY_STATUSES:
                        return Response(
                            str(r.url),
                            r.status,
                            body,
                            r.headers.get("ETag"),
                            r.headers.get("Last-Modified"),
                            r.content_type if "Content-Type" in r.headers else None,
                            r.charset,
                        )
                    reason = f"HTTP {r.status}"
                    asked = retry_after(r.headers.get("Retry-After"))
                    if asked is not None:
                        if asked > self.options.max_wait:
                            raise FetchError(
                                f"{url}: the site asks to wait {asked:.0f} s (HTTP {r.status}); "
                                "try again later"
                            )
                        wait = max(wait, asked)
            except TimeoutError:
                reason = f"no answer within {self.options.timeout:g} s"
            except aiohttp.ClientConnectionError as exc:
                reason = connection_failure(exc)
            except aiohttp.TooManyRedirects:
                raise FetchError(
                    f"{url}: too many redirects ({MAX_REDIRECTS} in a row; a redirect loop?)"
                ) from None
            except aiohttp.ClientResponseError as exc:
                detail = f" ({exc.message})" if exc.message else ""
                raise FetchError(f"{url}: the answer cannot be read{detail}") from None
            except aiohttp.ClientError as exc:
                raise FetchError(f"{url}: {exc}") from None
            if attempt + 1 < self.options.attempts:
                await self._sleep(wait)
        raise FetchError(f"{url}: {reason} after {self.options.attempts} tries")

    async def _wait_turn(self) -> None:
        now = self._clock()
        if self._last_start is not None:
            left = self.options.delay - (now - self._last_start)
            if left > 0:
                await self._sleep(left)
        self._last_start = self._clock()


def connection_failure(exc: aiohttp.ClientConnectionError) -> str:
    """What went wrong with the connection, in words a user reads (no Python class names)."""
    if _host_not_found(exc):
        return "could not connect (host not found)"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "could not connect (the TLS handshake or certificate failed)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"could not connect ({_os_reason(exc.os_error)})"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the site closed the connection"
    if isinstance(exc, OSError):
        return f"the connection broke ({_os_reason(exc)})"
    return "the connection broke"


def _host_not_found(exc: aiohttp.ClientConnectionError) -> bool:
    """A failed name look-up: aiohttp's own class from 3.10.10 on, before it (pyproject allows
    3.9) a ClientConnectorError around the resolver's socket.gaierror."""
    dns_error = getattr(aiohttp, "ClientConnectorDNSError", None)
    if dns_error is not None and isinstance(exc, dns_error):
        return True
    return isinstance(exc, aiohttp.ClientConnectorError) and isinstance(
        exc.os_error, socket.gaierror
    )


def _os_reason(exc: OSError) -> str:
    """'connection refused', 'no route to host': the system's words for an errno."""
    if exc.errno and exc.errno > 0:
        return os.strerror(exc.errno).lower()
    return "network error"


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
