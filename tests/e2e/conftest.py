"""The real bot, connected through the local Discord, with a fresh database per test."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import BluebookBot, BotOptions
from bot.process import build_bot
from bot.served import ServedLibrary
from bot.services import Services, open_services
from localdiscord import LocalDiscord, connected
from localdiscord.pytest_support import local_discord  # noqa: F401 (a fixture)
from tests.samples import LIBRARY as SAMPLE_LIBRARY


@dataclass
class Harness:
    server: LocalDiscord
    bot: BluebookBot
    services: Services
    db_path: Path


@pytest.fixture(scope="session")
def shipped_library() -> ServedLibrary:
    return ServedLibrary.load(None)


@pytest.fixture(scope="module")
def sample_content() -> ServedLibrary:
    """The sample library of tests/samples (three editions, 2026 without facts)."""
    return ServedLibrary.load(SAMPLE_LIBRARY)


def local_options(server: LocalDiscord, **overrides: Any) -> BotOptions:
    options = BotOptions(
        dev_guild=server.guild.id,
        skip_identify_delay=True,
        guild_ready_timeout=0.1,
        owner_ids={server.world.owner.id},
        fotd_interval=3600,
    )
    for key, value in overrides.items():
        setattr(options, key, value)
    return options


@contextlib.asynccontextmanager
async def running_bot(
    server: LocalDiscord,
    db_path: Path,
    *,
    library: ServedLibrary | None = None,
    services_args: dict[str, Any] | None = None,
    **overrides: Any,
) -> AsyncIterator[Harness]:
    async with open_services(
        db_path=db_path, content_dir=None, library=library, heartbeat=False, **(services_args or {})
    ) as services:
        bot = build_bot(services, local_options(server, **overrides))
        async with connected(bot, server):
            yield Harness(server, bot, services, db_path)


@pytest.fixture
async def bluebook(local_discord, tmp_path, shipped_library) -> AsyncIterator[Harness]:  # noqa: F811
    async with running_bot(local_discord, tmp_path / "bluebook.db", library=shipped_library) as h:
        yield h
    # Nothing the bot sent may ping anyone: every send carries allowed_mentions.
    unsafe = local_discord.requests_without_allowed_mentions()
    assert not unsafe, [f"{r.method} {r.path}" for r in unsafe]


@pytest.fixture
async def sample(local_discord, tmp_path, sample_content) -> AsyncIterator[Harness]:  # noqa: F811
    """The bot serving the sample library."""
    async with running_bot(local_discord, tmp_path / "b.db", library=sample_content) as h:
        yield h
    assert not local_discord.requests_without_allowed_mentions()
