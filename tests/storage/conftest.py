"""Fixtures for storage tests: a fresh database file per test and fast-retrying usage logs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.storage.db import Database, open_database
from bot.storage.usage import UsageLog

# Only a guard against hangs, never a performance assertion.
HANG_GUARD_S = 30.0

Settle = Callable[[Awaitable[Any]], Awaitable[Any]]
UsageLogFactory = Callable[..., UsageLog]


@pytest.fixture
def settle() -> Settle:
    """Await with a generous guard so a regression fails the test instead of hanging CI."""

    async def _settle(awaitable: Awaitable[Any]) -> Any:
        return await asyncio.wait_for(awaitable, HANG_GUARD_S)

    return _settle


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    # A missing parent directory on purpose: open_database must create it.
    return tmp_path / "data" / "bot.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await open_database(db_path)
    yield database
    await database.close()


@pytest.fixture
async def make_usage_log() -> AsyncIterator[UsageLogFactory]:
    """Build UsageLogs that retry within milliseconds; any left open are closed afterwards."""
    created: list[UsageLog] = []

    def _make(db: Database, **options: Any) -> UsageLog:
        options.setdefault("retry_initial_s", 0.001)
        options.setdefault("retry_max_s", 0.01)
        usage = UsageLog(db, **options)
        created.append(usage)
        return usage

    yield _make
    for usage in created:
        await asyncio.wait_for(usage.close(), HANG_GUARD_S)
