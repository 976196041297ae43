"""The boundary the Discord glue implements so the fact-of-the-day logic never imports discord."""

from __future__ import annotations

from datetime import date
from typing import Protocol


class SendError(Exception):
    """Posting failed; the message is short and is shown in /fotd status."""


class TransientSendError(SendError):
    """Worth retrying soon: Discord 5xx, rate limit, timeout, connection reset."""


class PermanentSendError(SendError):
    """Will not fix itself: deleted channel (404, 10003), missing permission (403, 50013)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PostSender(Protocol):
    async def send(self, guild_id: int, channel_id: int, fact_id: str, local_date: date) -> int:
        """Post the fact with `post_marker(local_date, fact_id)` in it; return the message id."""
        ...

    async def find_existing(
        self, guild_id: int, channel_id: int, local_date: date, fact_id: str
    ) -> int | None:
        """Return the id of the bot's recent message carrying this day's marker, if any."""
        ...


def post_marker(local_date: date, fact_id: str) -> str:
    """Text the glue puts in the post's footer so a restart can recognise the post."""
    return f"Fact of the day · {local_date.isoformat()} · {fact_id}"
