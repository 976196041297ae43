"""Connect a real discord.py client to a `LocalDiscord`.

    async with LocalDiscord() as server, connected(make_client, server) as client:
        handle = await server.slash("ping")
        assert (await handle.final_message())["content"] == "pong"

discord.py sleeps 5 s before every non-initial IDENTIFY (re-identify after an invalid
session, every shard after the first) in `Client.before_identify_hook`. Clients used with
the stand-in should skip it: mix in `NoIdentifyDelay` (or override the hook yourself; the
project's Bot takes a flag for it). Pass `guild_ready_timeout=0.1` to the client too, or
READY waits 2 s for guilds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import discord
import yarl

from localdiscord.server import LocalDiscord

ClientSource = discord.Client | Callable[[], discord.Client]


class NoIdentifyDelay:
    """Mixin for discord.Client subclasses: no 5 s pause before re-IDENTIFY (tests only)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


@contextlib.contextmanager
def discord_urls(server: LocalDiscord) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at `server`; restore them on exit."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = server.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


def _surface(task: asyncio.Task[Any]) -> None:
    """Re-raise what the client task died of (LoginFailure, PrivilegedIntentsRequired...)."""
    if task.done() and not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]


@contextlib.asynccontextmanager
async def connected(
    client: ClientSource,
    server: LocalDiscord,
    *,
    ready_timeout: float = 10.0,
    token: str | None = None,
) -> AsyncIterator[discord.Client]:
    """Start the client against `server`, wait for READY, and close it again on exit.

    The client task is watched by the server, so a crash fails waits at once; on exit its
    exception is raised in the test instead of vanishing.
    """
    instance = client if isinstance(client, discord.Client) else client()
    with discord_urls(server):
        task = asyncio.create_task(instance.start(token or server.token), name="discord-client")
        server.watch(task)
        try:
            await _wait_ready(instance, task, ready_timeout)
            yield instance
        finally:
            await instance.close()
            await asyncio.wait([task], timeout=5.0)
            if not task.done():
                task.cancel()
            server.unwatch(task)  # a later bot on the same server must not look stopped
            _surface(task)


async def _wait_ready(client: discord.Client, task: asyncio.Task[Any], timeout: float) -> None:
    async def ready() -> None:
        # wait_until_ready needs the client's loop objects, which start() creates.
        while client._ready is discord.utils.MISSING:
            await asyncio.sleep(0.005)
        await client.wait_until_ready()

    waiter = asyncio.create_task(ready())
    done, _ = await asyncio.wait(
        [waiter, task], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    if waiter in done:
        return
    waiter.cancel()
    if task in done:
        _surface(task)
        raise RuntimeError("the discord.py client stopped before READY")
    raise TimeoutError(f"the discord.py client was not READY within {timeout}s")
