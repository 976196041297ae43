"""The usage log: what is stored, privacy of user ids, and behaviour when the database fails."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bench.usage_bench import run_usage_benchmark
from bot.storage.db import Database, load_migrations, open_database
from bot.storage.settings import LookupSettings, LookupSwitches
from bot.storage.usage import (
    MAX_QUERY_CHARS,
    EventKind,
    Outcome,
    UsageEvent,
    UsageLog,
    hash_user_id,
    stored_query,
)

Settle = Callable[[Awaitable[Any]], Awaitable[Any]]  # the conftest `settle` fixture
UsageLogFactory = Callable[..., UsageLog]  # the conftest `make_usage_log` fixture

USER = 987_654_321_098_765_432
GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
DAY = 86_400.0


def event(i: int = 0, **changes: Any) -> UsageEvent:
    fields: dict[str, Any] = {
        "kind": EventKind.SLASH,
        "command": "ref",
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "user_id": USER + i,
        "query": "Precedence",
        "top_ref": "3.2",
        "result_count": 1,
        "latency_ms": 5.0,
    }
    fields.update(changes)
    return UsageEvent(**fields)


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def messages(caplog: pytest.LogCaptureFixture, marker: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if marker in r.getMessage()]


async def test_every_kind_of_event_is_written(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    usage.start()
    for kind in EventKind:
        usage.log(
            event(
                kind=kind,
                command=f"cmd-{kind.value}",
                query=f"  Query   {kind.value.upper()} ",
                outcome=Outcome.ERROR if kind is EventKind.BUTTON else Outcome.OK,
                error_class="TimeoutError" if kind is EventKind.BUTTON else None,
            )
        )
    await settle(usage.flush())
    stored = rows(
        db_path,
        "SELECT kind, command, query, top_ref, result_count, latency_ms, outcome, error_class,"
        " guild_id, channel_id FROM usage_events ORDER BY id",
    )
    assert [r[0] for r in stored] == [k.value for k in EventKind]
    button = stored[[k for k in EventKind].index(EventKind.BUTTON)]
    assert button == (
        "button", "cmd-button", "query button", "3.2", 1, 5.0, "error", "TimeoutError",
        GUILD, CHANNEL,
    )  # fmt: skip
    assert usage.stats.written == len(EventKind)


async def test_user_ids_are_stored_only_as_keyed_hashes(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    usage.start()
    for _ in range(3):
        usage.log(event(user_id=USER))
    await settle(usage.flush())
    wal = Path(f"{db_path}-wal")
    assert wal.stat().st_size > 0, "the events should still be in the WAL"
    for path in (db_path, wal):
        data = path.read_bytes()
        assert str(USER).encode() not in data
        assert USER.to_bytes(8, "big") not in data
    hashes = {r[0] for r in rows(db_path, "SELECT user_hash FROM usage_events")}
    assert hashes == {hash_user_id(db.salt, USER)}
    assert hash_user_id(b"another installation salt", USER) not in hashes
    await usage.close()
    await db.close()  # checkpoints the WAL into the main file
    assert str(USER).encode() not in db_path.read_bytes()


async def test_a_kept_user_hash_is_the_hash_of_the_salt_in_use(
    db: Database,
    db_path: Path,
    make_usage_log: UsageLogFactory,
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hashes are kept per user (a bounded few), and never outlive the salt they were made
    with."""
    monkeypatch.setattr("bot.storage.usage.USER_HASHES_KEPT", 2)
    usage = make_usage_log(db)
    usage.start()
    first_salt = db.salt
    for i in (0, 1, 0, 2, 3, 0):
        usage.log(event(i))
    await settle(usage.flush())
    db.salt = b"a salt made after the database file was replaced"
    usage.log(event(0))
    await settle(usage.flush())
    written = [r[0] for r in rows(db_path, "SELECT user_hash FROM usage_events ORDER BY id")]
    expected = [hash_user_id(first_salt, USER + i) for i in (0, 1, 0, 2, 3, 0)]
    assert written == [*expected, hash_user_id(db.salt, USER)]
    assert len(usage._hashes) <= 2
    await usage.close()


async def test_close_flushes_everything_queued(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db, batch_size=50)
    for i in range(1_200):
        assert usage.log(event(i))
    await settle(usage.close())
    assert usage.stats.written == 1_200
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(1_200,)]
    assert not usage.log(event()), "a closed log accepts nothing"
    assert usage.stats.dropped == 1


async def test_events_logged_close_together_share_one_transaction(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory
) -> None:
    usage = make_usage_log(db, linger_s=30.0)
    usage.start()
    for i in range(40):  # one at a time, as interactions log them
        assert usage.log(event(i))
        await asyncio.sleep(0)
    # flush() cuts the 30 s wait short: the bound is a hang guard, not a timing.
    await asyncio.wait_for(usage.flush(), timeout=10)
    assert usage.stats.written == 40
    assert usage.stats.batches == 1
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(40,)]


async def test_without_linger_each_quiet_event_is_its_own_transaction(
    db: Database, make_usage_log: UsageLogFactory
) -> None:
    """The control for the test above."""
    usage = make_usage_log(db, linger_s=0.0)
    usage.start()
    for i in range(5):
        assert usage.log(event(i))
        await asyncio.wait_for(usage.flush(), timeout=10)
    assert usage.stats.batches == 5


async def test_close_does_not_wait_out_the_linger(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory
) -> None:
    usage = make_usage_log(db, linger_s=30.0)
    usage.start()
    assert usage.log(event())
    await asyncio.sleep(0.01)  # the writer has the event and is waiting for more
    await asyncio.wait_for(usage.close(), timeout=10)
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(1,)]


async def test_full_queue_drops_are_counted_and_persisted(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db, maxsize=3)
    assert [usage.log(event(i)) for i in range(5)] == [True, True, True, False, False]
    assert (usage.stats.queued, usage.stats.dropped, usage.stats.dropped_queue_full) == (3, 2, 2)
    await settle(usage.close())
    assert usage.stats.written == 3
    assert rows(db_path, "SELECT SUM(dropped) FROM usage_drops") == [(2,)]


async def test_locked_database_drops_are_counted_then_writing_resumes(
    db: Database,
    db_path: Path,
    make_usage_log: UsageLogFactory,
    settle: Settle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.usage")
    usage = make_usage_log(db, batch_size=5)
    usage.start()
    usage.log(event())
    await settle(usage.flush())
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        accepted = [usage.log(event(i)) for i in range(20)]
        assert all(accepted) and usage.pending == 20, "log() must not wait for the database"
        await settle(usage.flush())
        assert usage.stats.written == 1
        assert usage.stats.dropped_write_failed == 20
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert len(messages(caplog, "usage_log_write_failed")) == 1, "one warning per outage"
    assert messages(caplog, "usage_log_resumed") == []

    for i in range(7):
        usage.log(event(i))
    await settle(usage.flush())
    assert usage.stats.written == 8
    assert len(messages(caplog, "usage_log_resumed")) == 1
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(8,)]
    assert rows(db_path, "SELECT SUM(dropped) FROM usage_drops") == [(20,)]


async def test_read_only_database_drops_counted_and_reads_still_work(
    db_path: Path,
    make_usage_log: UsageLogFactory,
    settle: Settle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.usage")
    await (await open_database(db_path)).close()
    # mode=ro fails writes even as root, unlike chmod 0444.
    read_only = await open_database(db_path, read_only=True)
    try:
        usage = make_usage_log(read_only, batch_size=4)
        usage.start()
        assert all(usage.log(event(i)) for i in range(10))
        await settle(usage.flush())
        assert (usage.stats.written, usage.stats.dropped) == (0, 10)
        assert len(messages(caplog, "usage_log_write_failed")) == 1
        settings = LookupSettings(read_only)
        switches = await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL)
        assert switches == LookupSwitches(explicit=True, passive=False)
        await settle(usage.close())
    finally:
        await read_only.close()
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(0,)]


async def test_deleted_file_is_recreated_and_writing_resumes(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    usage.start()
    usage.log(event())
    await settle(usage.flush())
    salt = db.salt
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    for i in range(5):
        usage.log(event(i, query="after"))
    await settle(usage.flush())
    assert db_path.exists()
    assert usage.stats.written == 6 and usage.stats.dropped == 0
    assert rows(db_path, "SELECT query, COUNT(*) FROM usage_events GROUP BY query") == [
        ("after", 5)
    ]
    assert rows(db_path, "PRAGMA user_version") == [(len(load_migrations()),)]
    # The recreated file hashes with the same key, which is still only in the key file.
    assert db.salt == salt
    assert rows(db_path, "SELECT salt FROM installation") == [(b"",)]


async def test_batch_committed_into_a_deleted_file_counts_as_dropped(
    db: Database,
    db_path: Path,
    make_usage_log: UsageLogFactory,
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usage = make_usage_log(db)
    usage.start()
    usage.log(event())
    await settle(usage.flush())
    db_path.unlink()
    real_check = db.file_replaced
    calls = 0

    def deleted_after_first_check() -> bool:
        # The deletion lands between the pre-write check and the commit.
        nonlocal calls
        calls += 1
        return False if calls == 1 else real_check()

    monkeypatch.setattr(db, "file_replaced", deleted_after_first_check)
    for i in range(4):
        usage.log(event(i))
    await settle(usage.flush())
    assert usage.stats.dropped_write_failed == 4
    usage.log(event())
    await settle(usage.flush())
    assert usage.stats.written == 2
    assert rows(db_path, "SELECT COUNT(*) FROM usage_events") == [(1,)]
    assert rows(db_path, "SELECT SUM(dropped) FROM usage_drops") == [(4,)]


async def test_close_during_an_outage_drops_the_rest_without_retrying(
    db: Database,
    db_path: Path,
    make_usage_log: UsageLogFactory,
    settle: Settle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usage = make_usage_log(db, batch_size=10, retry_initial_s=60, retry_max_s=60)
    usage.start()
    usage.log(event())
    await settle(usage.flush())
    attempts = 0
    real_transaction = db.transaction

    def counting_transaction() -> Any:
        nonlocal attempts
        attempts += 1
        return real_transaction()

    monkeypatch.setattr(db, "transaction", counting_transaction)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        for i in range(50):
            usage.log(event(i))
        await settle(usage.close())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # SIGTERM must not wait for five busy timeouts: one failed batch, the rest dropped.
    assert attempts <= 2  # the failed batch, plus close()'s attempt to persist the drop count
    assert usage.stats.written == 1
    assert usage.stats.dropped == 50
    assert usage.pending == 0


async def test_a_bad_event_is_counted_and_the_writer_survives(
    db: Database, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    usage.start()
    usage.log(event(kind="slash"))  # a caller bug: a plain str, not an EventKind
    await settle(usage.flush())
    assert usage.stats.dropped_write_failed == 1
    usage.log(event())
    await settle(usage.flush())
    assert usage.stats.written == 1


async def test_one_bad_row_in_a_batch_drops_only_that_row(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    usage.start()
    await settle(usage.flush())
    # Queued together, so they share one batch; the database takes every row but one.
    for i in range(50):
        usage.log(event(i, query=f"q{i}", guild_id=2**70 if i == 17 else GUILD))
    usage.log(event(99, kind="slash"))  # and one event that is not even a row
    await settle(usage.flush())
    assert usage.stats.written == 49
    assert usage.stats.dropped == usage.stats.dropped_write_failed == 2
    stored = [r[0] for r in rows(db_path, "SELECT query FROM usage_events ORDER BY id")]
    assert stored == [f"q{i}" for i in range(50) if i != 17]
    assert rows(db_path, "SELECT SUM(dropped) FROM usage_drops") == [(2,)]
    usage.log(event(query="after"))
    await settle(usage.flush())
    assert usage.stats.written == 50


async def test_purge_removes_events_older_than_retention(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    now = time.time()
    usage = make_usage_log(db)
    usage.start()
    await settle(usage.flush())
    for age_days in (200, 181, 170, 1):
        usage.log(event(query=f"age {age_days}", ts=now - age_days * DAY))
    await settle(usage.flush())
    assert await usage.purge(now=now) == 2  # default retention: 180 days
    assert rows(db_path, "SELECT query FROM usage_events ORDER BY ts") == [("age 170",), ("age 1",)]
    assert await usage.purge(older_than_days=30, now=now) == 1


async def test_writer_purges_at_start(
    db: Database, db_path: Path, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    old = time.time() - 400 * DAY
    first = make_usage_log(db)
    first.log(event(query="ancient", ts=old))
    await settle(first.close())
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO usage_drops (day, dropped) VALUES ('2000-01-01', 3)")
    second = make_usage_log(db, retention_days=180)
    second.start()
    second.log(event(query="fresh"))
    await settle(second.flush())
    assert rows(db_path, "SELECT query FROM usage_events") == [("fresh",)]
    assert rows(db_path, "SELECT COUNT(*) FROM usage_drops") == [(0,)]


@given(st.text())
@example("x" * (MAX_QUERY_CHARS - 1) + " tail")
def test_normalised_queries_are_stable_and_bounded(text: str) -> None:
    once = stored_query(text)
    if once is not None:
        assert len(once) <= MAX_QUERY_CHARS
        assert stored_query(once) == once


def test_equal_questions_normalise_alike() -> None:
    assert stored_query("  VIENNA\tConvention ") == stored_query("vienna convention")
    assert stored_query("   ") is None


@pytest.mark.parametrize(
    "query",
    ["\u201cGCAP\u201d \u2013 Japan\u2019s", "ＮＳＳ", "peace\u200bkeeping", "U.S.  Forces"],
)
def test_the_usage_log_keeps_the_query_as_search_reads_it(pack, query: str) -> None:
    from bot.search import SearchEngine

    searched = SearchEngine.build(pack).search(query).normalized
    assert stored_query(query) == searched


async def test_benchmark_reports_its_figures(tmp_path: Path) -> None:
    result = await run_usage_benchmark(2_000, path=tmp_path / "bench.db")
    assert result["written"] == 2_000 and result["dropped"] == 0
    assert {"events_per_s", "max_loop_stall_ms", "seconds"} <= result.keys()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("3.1.1(3)A(a)", "3.1.1(3)A(a)"),
        ("3.1.1(2)A@2024", "3.1.1(2)A@2024"),
        ("２０２４:3.1.1(3)a", "2024:3.1.1(3)a"),
        ("  Sec 3.1.1 (3)B ", "sec 3.1.1 (3)B"),
        ("SEC 3.1.1(2)", "sec 3.1.1(2)"),
        ("Vienna Convention", "vienna convention"),
    ],
)
def test_a_reference_is_stored_as_typed_as_case_tells_its_parts_apart(
    typed: str, stored: str
) -> None:
    """`.A` is a part and `(a)` an item: "References not found" shows what was typed."""
    assert stored_query(typed) == stored
