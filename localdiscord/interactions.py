"""Interaction state on the stand-in: what was dispatched and everything the bot answered."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from localdiscord.model import Channel, Json, User

APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types allowed per interaction type (Discord rejects the others).
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {4, 5, 9},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}


@dataclass
class InteractionRecord:
    """One interaction; `changed` is set whenever the bot responds, edits or follows up."""

    id: int
    token: str
    kind: int
    channel: Channel
    user: User
    payload: Json
    target_message: Json | None = None
    callback: Json | None = None
    original: Json | None = None
    followups: list[Json] = field(default_factory=list)
    original_deleted: bool = False
    updates: int = 0
    created: float = field(default_factory=time.monotonic)
    last_change: float = field(default_factory=time.monotonic)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else self.callback.get("type")

    def touch(self) -> None:
        self.updates += 1
        self.last_change = time.monotonic()
        self.changed.set()

    def messages(self) -> list[Json]:
        """The original response (if any, not deleted) followed by the follow-ups."""
        first = [] if self.original is None or self.original_deleted else [self.original]
        return first + self.followups


class InteractionStore:
    """Interactions by id and by token, both O(1)."""

    def __init__(self) -> None:
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        self.message_owner: dict[int, InteractionRecord] = {}

    def new_token(self) -> str:
        return "itok_" + secrets.token_urlsafe(24)

    def add(self, record: InteractionRecord) -> None:
        self.by_id[record.id] = record
        self.by_token[record.token] = record

    def own_message(self, record: InteractionRecord, message: Json) -> None:
        self.message_owner[int(message["id"])] = record

    def find_message(self, message_id: int) -> tuple[InteractionRecord, Json] | None:
        """An interaction's message (also an ephemeral one) by id."""
        record = self.message_owner.get(message_id)
        if record is None:
            return None
        for message in record.messages():
            if int(message["id"]) == message_id:
                return record, message
        return None


def interaction_metadata(record: InteractionRecord) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "type": record.kind,
        "user": record.user.payload(),
        "authorizing_integration_owners": record.payload.get("authorizing_integration_owners", {}),
    }
