"""Fixtures for fact-of-the-day tests: a real database file, a fake clock and a fake channel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.fotd.clock import FakeClock
from bot.fotd.rotation import FactRotation
from bot.fotd.service import FotdService, OnePack
from bot.fotd.store import FotdStore
from bot.storage.db import Database, open_database

from .fakes import FACTS, Channels, FakeSender, utc


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await open_database(db_path)
    yield database
    await database.close()


@pytest.fixture
def store(db: Database) -> FotdStore:
    return FotdStore(db)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(utc("2026-06-01 00:00"))


@pytest.fixture
def facts() -> list[str]:
    """Mutable on purpose: tests add and remove facts while the service runs."""
    return list(FACTS)


@pytest.fixture
def channels() -> Channels:
    return Channels()


@pytest.fixture
def sender(channels: Channels, clock: FakeClock) -> FakeSender:
    return FakeSender(channels, clock)


ServiceFactory = Callable[..., FotdService]


@pytest.fixture
def make_service(clock: FakeClock, facts: list[str]) -> ServiceFactory:
    def _make(store: FotdStore, **options: object) -> FotdService:
        source = options.pop("facts", None) or OnePack(lambda: facts)
        return FotdService(store, FactRotation(), clock, source, **options)  # type: ignore[arg-type]

    return _make


@pytest.fixture
def service(store: FotdStore, make_service: ServiceFactory) -> FotdService:
    return make_service(store)
