"""Which bot reply answers which message, so edits and deletions can follow the source.

The cog's rules: deleting a message deletes its reply; editing it re-plans the reply with
`plan_edit`; a wastebasket reaction from the person who asked deletes the reply. The
ledger is in memory only: after a restart old replies simply stop following their source.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.lookups.extract import Lookup

# Replies remembered before the least recently used is forgotten. Edits and deletions come
# soon after a message, so a few thousand covers hours of a busy server in little memory.
MAX_LEDGER_ENTRIES = 5_000
# The reaction that lets the asker remove a reply.
WASTEBASKET = "\N{WASTEBASKET}"
# Discord may send the emoji with this variation selector appended (🗑️).
_EMOJI_PRESENTATION = "\N{VARIATION SELECTOR-16}"

EditPlan = Literal["keep", "edit", "delete"]


@dataclass(frozen=True)
class LedgerEntry:
    source_id: int
    reply_id: int
    asker_id: int
    lookup_keys: tuple[str, ...]


@dataclass
class InFlight:
    """What happened to a source message while its reply was being sent."""

    deleted: bool = False
    edited_text: str | None = None


class ReplyLedger:
    """Bounded least-recently-used map between source messages and the bot's replies.

    A reply being sent is not in the map yet, so an edit or deletion of its source in that
    moment is noted (`note_edit`, `note_delete`) and handed over by `finish` once the reply
    exists, for the cog to mend it.
    """

    def __init__(self, max_entries: int = MAX_LEDGER_ENTRIES) -> None:
        self.max_entries = max_entries
        self._by_source: OrderedDict[int, LedgerEntry] = OrderedDict()
        self._source_by_reply: dict[int, int] = {}
        self._in_flight: dict[int, InFlight] = {}

    def begin(self, source_id: int) -> None:
        """A reply to `source_id` is about to be sent."""
        self._in_flight[source_id] = InFlight()

    def finish(self, source_id: int) -> InFlight:
        """The reply was sent (or failed): what happened to its source meanwhile."""
        return self._in_flight.pop(source_id, InFlight())

    def in_flight(self, source_id: int) -> bool:
        """Whether a reply to `source_id` is being worked out or sent right now."""
        return source_id in self._in_flight

    def note_delete(self, source_id: int) -> None:
        if source_id in self._in_flight:
            self._in_flight[source_id].deleted = True

    def note_edit(self, source_id: int, text: str) -> None:
        if source_id in self._in_flight:
            self._in_flight[source_id].edited_text = text

    def __len__(self) -> int:
        return len(self._by_source)

    def record(
        self, source_id: int, reply_id: int, asker_id: int, lookup_keys: Iterable[str]
    ) -> LedgerEntry:
        """Remember that `reply_id` answers `source_id`, replacing any earlier reply."""
        self.forget(source_id)
        entry = LedgerEntry(source_id, reply_id, asker_id, tuple(lookup_keys))
        self._by_source[source_id] = entry
        self._source_by_reply[reply_id] = source_id
        while len(self._by_source) > self.max_entries:
            _, evicted = self._by_source.popitem(last=False)
            self._source_by_reply.pop(evicted.reply_id, None)
        return entry

    def reply_for(self, source_id: int) -> LedgerEntry | None:
        """The entry for a source message, if its reply is still remembered."""
        entry = self._by_source.get(source_id)
        if entry is not None:
            self._by_source.move_to_end(source_id)
        return entry

    def source_for(self, reply_id: int) -> LedgerEntry | None:
        """The entry for one of the bot's replies, if remembered."""
        source_id = self._source_by_reply.get(reply_id)
        return None if source_id is None else self.reply_for(source_id)

    def forget(self, source_id: int) -> LedgerEntry | None:
        """Drop a source message's entry (its reply was deleted); returns what was dropped."""
        entry = self._by_source.pop(source_id, None)
        if entry is not None:
            self._source_by_reply.pop(entry.reply_id, None)
        return entry


def plan_edit(old_keys: Iterable[str], new_lookups: Sequence[Lookup]) -> EditPlan:
    """What to do with a reply when its source message is edited.

    No lookups left: delete. The same lookups, in any order: keep (re-sending would only
    flicker). Otherwise: edit the reply to answer the new lookups.
    """
    if not new_lookups:
        return "delete"
    if {lookup.key for lookup in new_lookups} == set(old_keys):
        return "keep"
    return "edit"


def is_removal_request(emoji: str, reactor_id: int, entry: LedgerEntry) -> bool:
    """True when a reaction asks to delete the reply: the wastebasket, from the asker."""
    return emoji.replace(_EMOJI_PRESENTATION, "") == WASTEBASKET and reactor_id == entry.asker_id
