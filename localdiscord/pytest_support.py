"""Pytest fixtures for tests that drive a bot through the local Discord.

In a conftest.py:

    from localdiscord.pytest_support import local_discord  # noqa: F401 (a fixture)

The fixture yields a started `LocalDiscord` and, at teardown, fails the test if any
request broke Discord's limits or the OpenAPI spec.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from localdiscord.server import LocalDiscord


async def checked_server(**options: object) -> AsyncIterator[LocalDiscord]:
    """Start a server; after the test, stop it and fail on recorded violations."""
    server = await LocalDiscord.start(**options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        await server.stop()
    if server.violations:
        listing = "\n  ".join(server.violations)
        pytest.fail(f"the bot broke Discord's rules:\n  {listing}", pytrace=False)


@pytest.fixture
async def local_discord() -> AsyncIterator[LocalDiscord]:
    """A started LocalDiscord (default scenario) that fails the test on violations."""
    async for server in checked_server():
        yield server
