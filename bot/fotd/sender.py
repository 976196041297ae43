"""The boundary the Discord glue implements so the fact-of-the-day logic never imports discord.

`PostSender` is what cogs/fotd.py implements; the errors it raises tell the service whether
to retry or pause, and their messages are shown in /factoftheday status.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Protocol


class SendError(Exception):
    """Posting failed; the message is short and is shown in /factoftheday status."""


class TransientSendError(SendError):
    """Worth retrying soon: Discord 5xx, rate limit, timeout, connection reset."""


class PermanentSendError(SendError):
    """Will not fix itself: deleted channel (404, 10003), missing permission (403, 50013)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class HistoryUnreadable(SendError):
    """The channel's history cannot be read (no Read Message History, or the post could be
    further back than the scan goes), so an earlier post cannot be ruled out."""


class PostSender(Protocol):
    async def send(
        self, guild_id: int, channel_id: int, fact_id: str, local_date: date, *, pack_key: str
    ) -> int:
        """Post fact `fact_id` of pack `pack_key` (the pack the day was claimed in) with
        `post_marker(local_date, fact_id)` in it and Discord's nonce
        `post_nonce(guild_id, local_date)` enforced; return the message id."""
        ...

    async def find_existing(
        self, guild_id: int, channel_id: int, local_date: date, fact_id: str, since: datetime
    ) -> int | None:
        """The id of the bot's message carrying this day's marker (`day_marker`, any fact)
        posted after `since`, if any; raises HistoryUnreadable if the channel cannot be
        searched that far or its history cannot be read."""
        ...


def day_marker(local_date: date) -> str:
    """The start of every footer of a day's post, whatever its fact: what a check looks for,
    since a lost or restored ledger may have chosen a different fact for the same day."""
    return f"Fact of the day · {local_date.isoformat()} · "


def post_marker(local_date: date, fact_id: str) -> str:
    """Text the glue puts in the post's footer so a restart can recognise the post."""
    return day_marker(local_date) + fact_id


def post_nonce(guild_id: int, local_date: date) -> str:
    """Discord's idempotency key for one server's post of one local day (24 of the 25
    characters Discord allows): a repeat within Discord's window returns the first message."""
    key = f"fotd:{guild_id}:{local_date.isoformat()}".encode()
    return hashlib.blake2b(key, digest_size=12).hexdigest()
