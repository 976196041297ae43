"""The reply ledger, edit planning and the wastebasket reaction."""

from bot.lookups.extract import Lookup
from bot.lookups.replies import (
    WASTEBASKET,
    LedgerEntry,
    ReplyLedger,
    is_removal_request,
    plan_edit,
)


def query(key: str) -> Lookup:
    return Lookup("query", key, key, words=key)


def test_record_and_find_both_ways() -> None:
    ledger = ReplyLedger()
    entry = ledger.record(1, 101, 7, ["gcap"])
    assert entry == LedgerEntry(1, 101, 7, ("gcap",))
    assert ledger.reply_for(1) == entry
    assert ledger.source_for(101) == entry
    assert ledger.reply_for(101) is None
    assert ledger.source_for(1) is None


def test_forget() -> None:
    ledger = ReplyLedger()
    ledger.record(1, 101, 7, ["gcap"])
    assert ledger.forget(1) is not None
    assert ledger.reply_for(1) is None
    assert ledger.source_for(101) is None
    assert ledger.forget(1) is None


def test_record_again_replaces_the_reply() -> None:
    ledger = ReplyLedger()
    ledger.record(1, 101, 7, ["gcap"])
    ledger.record(1, 102, 7, ["nss"])
    assert ledger.source_for(101) is None
    entry = ledger.source_for(102)
    assert entry is not None
    assert entry.lookup_keys == ("nss",)
    assert len(ledger) == 1


def test_eviction_of_least_recently_used() -> None:
    ledger = ReplyLedger(max_entries=2)
    ledger.record(1, 101, 7, [])
    ledger.record(2, 102, 7, [])
    ledger.reply_for(1)  # touching 1 makes 2 the oldest
    ledger.record(3, 103, 7, [])
    assert len(ledger) == 2
    assert ledger.reply_for(2) is None
    assert ledger.source_for(102) is None
    assert ledger.reply_for(1) is not None
    assert ledger.reply_for(3) is not None


def test_default_bound() -> None:
    ledger = ReplyLedger()
    for i in range(5_001):
        ledger.record(i, 100_000 + i, 7, [])
    assert len(ledger) == 5_000
    assert ledger.reply_for(0) is None
    assert ledger.source_for(100_000) is None


def test_plan_edit_delete_when_no_lookups_left() -> None:
    assert plan_edit(("gcap",), []) == "delete"


def test_plan_edit_keep_when_unchanged() -> None:
    assert plan_edit(("gcap", "nss"), [query("gcap"), query("nss")]) == "keep"
    assert plan_edit(("gcap", "nss"), [query("nss"), query("gcap")]) == "keep"


def test_plan_edit_edit_when_changed() -> None:
    assert plan_edit(("gcap",), [query("nss")]) == "edit"
    assert plan_edit(("gcap",), [query("gcap"), query("nss")]) == "edit"
    assert plan_edit(("gcap", "nss"), [query("gcap")]) == "edit"


def test_wastebasket_from_asker_removes() -> None:
    entry = LedgerEntry(1, 101, 7, ("gcap",))
    assert is_removal_request(WASTEBASKET, 7, entry)
    assert is_removal_request(WASTEBASKET + "\N{VARIATION SELECTOR-16}", 7, entry)


def test_other_reactions_or_people_do_not_remove() -> None:
    entry = LedgerEntry(1, 101, 7, ("gcap",))
    assert not is_removal_request(WASTEBASKET, 8, entry)
    assert not is_removal_request("\N{THUMBS UP SIGN}", 7, entry)
