"""While storage is unavailable the fact-of-the-day loop says so once, then once when it
ends, and posts the day when storage is back."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta

from .fakes import CHANNEL, GUILD, utc


async def test_a_storage_outage_is_logged_once_then_its_end(
    service, clock, sender, channels, db_path, caplog
):
    clock.set(utc("2026-05-31 23:00"))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    clock.set(utc("2026-06-01 00:00"))
    # Another process holds the write lock: every claim fails as "database is locked".
    lock = sqlite3.connect(db_path, timeout=5, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    caplog.set_level(logging.INFO, logger="bot.fotd")
    try:
        for _ in range(5):
            assert await service.tick(sender) == []
            clock.advance(timedelta(seconds=30))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    [event] = await service.tick(sender)
    assert event.outcome == "sent"
    assert len(channels.messages) == 1
    records = [r for r in caplog.records if r.name.startswith("bot.fotd")]
    assert not [r for r in records if r.exc_info], "a traceback was logged"
    assert [r.getMessage().split()[0] for r in records if r.levelno >= logging.WARNING] == [
        "fotd.storage_unavailable",
        "fotd.storage_back",
    ]
