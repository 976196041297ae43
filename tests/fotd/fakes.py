"""Fakes shared by the fact-of-the-day tests: a fake channel, its sender, and constants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.fotd.clock import FakeClock
from bot.fotd.sender import HistoryUnreadable
from bot.storage.db import open_database

FACTS = [f"fact-{n:02d}" for n in range(1, 8)]
GUILD = 1001
CHANNEL = 2002


class Killed(BaseException):
    """The process dies here; BaseException so no `except Exception` in the code catches it."""


@dataclass(frozen=True)
class Message:
    guild_id: int
    channel_id: int
    fact_id: str
    local_date: date
    message_id: int
    at: datetime


@dataclass
class Channels:
    """What Discord holds: outlives any one fake process, like the real channels do."""

    messages: list[Message] = field(default_factory=list)
    # Discord's nonce: a repeat of a (guild, day) post within this long returns the first.
    nonce_window: timedelta | None = None

    def posts_for(self, guild_id: int, local_date: date) -> list[Message]:
        return [m for m in self.messages if (m.guild_id, m.local_date) == (guild_id, local_date)]


class FakeSender:
    """PostSender over `Channels`; can fail or kill the process around a send."""

    def __init__(self, channels: Channels, clock: FakeClock) -> None:
        self.channels = channels
        self.clock = clock
        self.send_errors: list[BaseException] = []  # raised by the next sends, in order
        self.find_errors: list[BaseException] = []
        self.kill_after_send = False
        self.send_calls: list[datetime] = []
        self.find_calls = 0
        self.history_readable = True

    async def send(
        self, guild_id: int, channel_id: int, fact_id: str, local_date: date, *, pack_key: str = ""
    ) -> int:
        self.send_calls.append(self.clock.now())
        if self.send_errors:
            raise self.send_errors.pop(0)
        window = self.channels.nonce_window
        for earlier in self.channels.posts_for(guild_id, local_date):
            if window is not None and self.clock.now() - earlier.at <= window:
                return earlier.message_id
        message = Message(
            guild_id,
            channel_id,
            fact_id,
            local_date,
            message_id=9000 + len(self.channels.messages),
            at=self.clock.now(),
        )
        self.channels.messages.append(message)
        if self.kill_after_send:
            raise Killed("process died after Discord accepted the message")
        return message.message_id

    async def find_existing(
        self, guild_id: int, channel_id: int, local_date: date, fact_id: str, since: datetime
    ) -> int | None:
        self.find_calls += 1
        if self.find_errors:
            raise self.find_errors.pop(0)
        if not self.history_readable:
            raise HistoryUnreadable("no Read Message History")
        # Like the real check: the bot's post for that day (any fact) since `since`.
        for m in self.channels.messages:
            same_day = (m.guild_id, m.channel_id, m.local_date) == (
                guild_id,
                channel_id,
                local_date,
            )
            if same_day and m.at >= since:
                return m.message_id
        return None


async def create_database(path: Path) -> None:
    """A fresh database file with every migration applied, as the bot leaves it."""
    db = await open_database(path)
    await db.close()


def utc(text: str) -> datetime:
    """'2026-03-08 07:00' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
