"""Usage summaries for /stats and the CLI, and their JSON, CSV and PNG forms."""

from __future__ import annotations

import csv
import gc
import io
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.replies.chart import render_daily_chart_png
from bot.storage.db import Database
from bot.storage.stats import (
    summary_to_csv,
    summary_to_json,
    usage_summary,
)
from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog

Settle = Callable[[Awaitable[Any]], Awaitable[Any]]  # the conftest `settle` fixture
UsageLogFactory = Callable[..., UsageLog]  # the conftest `make_usage_log` fixture

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC).timestamp()
DAY = 86_400.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def lookup(**fields: Any) -> UsageEvent:
    defaults: dict[str, Any] = {"kind": EventKind.SLASH, "command": "ref", "ts": NOW}
    defaults.update(fields)
    return UsageEvent(**defaults)


@pytest.fixture
async def filled(db: Database, make_usage_log: UsageLogFactory, settle: Settle) -> Database:
    usage = make_usage_log(db)
    events = [
        # 100 slash lookups today with latencies 1..100 ms.
        *(
            lookup(query="precedence", top_ref="3.2", result_count=3, latency_ms=float(ms))
            for ms in range(1, 101)
        ),
        lookup(command="search", query="Chargé d'affaires", top_ref="3.4", ts=NOW - 2 * DAY),
        lookup(command="search", query="chargé d'affaires", top_ref="3.4", ts=NOW - 2 * DAY),
        lookup(kind=EventKind.KEYWORD, command=None, query="zzz", result_count=0, ts=NOW - DAY),
        lookup(command="search", query="zzz", result_count=0, outcome=Outcome.NO_RESULT),
        lookup(command="search", query="=HYPERLINK(1)", result_count=0),
        # Autocomplete prefixes and fact posts are counted, but not ranked as questions.
        *(lookup(kind=EventKind.AUTOCOMPLETE, query="pre", result_count=0) for _ in range(5)),
        lookup(kind=EventKind.FACT, command=None, top_ref="3.9"),
        # Outside a 7-day window.
        lookup(query="old", top_ref="3.1", ts=NOW - 30 * DAY),
    ]
    for e in events:
        usage.log(e)
    await settle(usage.close())
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO usage_drops (day, dropped) VALUES (?, ?)",
            [("2025-06-14", 4), ("2025-06-15", 3), ("2025-05-01", 50)],
        )
    return db


async def test_summary_counts_rankings_and_latency(filled: Database) -> None:
    summary = await usage_summary(filled, 7, now=NOW)
    assert summary.events == 111
    assert summary.by_kind == {"slash": 104, "keyword": 1, "autocomplete": 5, "fact": 1}
    assert summary.by_command == {"ref": 100, "search": 4}
    assert summary.top_queries[0] == ("precedence", 100)
    assert ("chargé d'affaires", 2) in summary.top_queries
    assert all(q != "pre" for q, _ in summary.top_queries)
    assert summary.top_sections == ((None, "3.2", 100), (None, "3.4", 2))
    assert summary.no_result_queries == (("zzz", 2), ("=hyperlink(1)", 1))
    assert (summary.latency_p50_ms, summary.latency_p95_ms) == (50.0, 95.0)
    assert summary.dropped == 7


async def test_daily_counts_cover_every_day_of_the_window(filled: Database) -> None:
    summary = await usage_summary(filled, 7, now=NOW)
    assert [d for d, _ in summary.daily] == [f"2025-06-{d:02d}" for d in range(9, 16)]
    assert dict(summary.daily)["2025-06-13"] == 2
    assert dict(summary.daily)["2025-06-12"] == 0
    assert sum(n for _, n in summary.daily) == summary.events
    longer = await usage_summary(filled, 31, now=NOW)
    assert longer.events == 112 and longer.dropped == 7


async def test_json_has_the_documented_keys(filled: Database) -> None:
    data = summary_to_json(await usage_summary(filled, 7, now=NOW))
    assert {"events", "by_command", "no_result_queries", "dropped", "latency_ms", "daily"} <= (
        data.keys()
    )
    assert data["events"] == 111 and data["dropped"] == 7
    assert data["by_command"] == {"ref": 100, "search": 4}
    assert data["no_result_queries"][0] == {"query": "zzz", "count": 2}
    assert data["latency_ms"] == {"p50": 50.0, "p95": 95.0}
    assert json.loads(json.dumps(data)) == data


async def test_csv_is_long_format_and_defuses_formulas(filled: Database) -> None:
    text = summary_to_csv(await usage_summary(filled, 7, now=NOW))
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["metric", "key", "value"]
    assert ["events", "", "111"] in table
    assert ["by_command", "search", "4"] in table
    assert ["top_query", "chargé d'affaires", "2"] in table
    assert ["no_result_query", "'=hyperlink(1)", "1"] in table
    assert sum(1 for row in table if row[0] == "daily") == 7


async def test_empty_database_summary_and_chart(db: Database) -> None:
    summary = await usage_summary(db, 3, now=NOW)
    assert summary.events == 0 and summary.dropped == 0
    assert summary.latency_p50_ms is None and summary.latency_p95_ms is None
    assert [n for _, n in summary.daily] == [0, 0, 0]
    assert render_daily_chart_png(summary).startswith(PNG_SIGNATURE)


async def test_daily_chart_is_a_png(filled: Database) -> None:
    png = render_daily_chart_png(await usage_summary(filled, 30, now=NOW))
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1_000


async def test_a_chart_leaves_no_garbage_behind(filled: Database) -> None:
    """A figure's reference cycles hold its pixel buffer until a full collection, which the
    bot makes rare (bot/heap.py): the chart must not leave them for the collector."""
    summary = await usage_summary(filled, 30, now=NOW)
    render_daily_chart_png(summary)  # matplotlib's one-off imports and caches
    gc.collect()
    gc.disable()
    try:
        render_daily_chart_png(summary)
        left_for_the_collector = gc.collect()
    finally:
        gc.enable()
    assert left_for_the_collector < 100


async def test_days_must_be_positive(db: Database) -> None:
    with pytest.raises(ValueError, match="days"):
        await usage_summary(db, 0, now=NOW)


async def test_sections_are_ranked_per_edition_and_misses_split_and_counted(
    db: Database, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    usage = make_usage_log(db)
    events = [
        lookup(top_ref="3.1.1(2)", pack_key="2025-3"),
        lookup(top_ref="3.1.1(2)", pack_key="2025-3"),
        lookup(top_ref="3.1.1(2)", pack_key="2024-3"),
        *(lookup(query=f"word{n}", result_count=0) for n in range(12)),
        *(lookup(query=q, result_count=0) for q in ("3.1.7", "9.9", "3.1.1(2)a", "2024:§3.4")),
        lookup(query="3 drones", result_count=0),  # words that begin with a figure
    ]
    for e in events:
        usage.log(e)
    await settle(usage.close())

    summary = await usage_summary(db, 1, now=NOW)
    assert summary.top_sections == (("2025-3", "3.1.1(2)", 2), ("2024-3", "3.1.1(2)", 1))
    assert [row.qualified for row in summary.top_sections] == ["2025:3.1.1(2)", "2024:3.1.1(2)"]
    assert len(summary.no_result_queries) == 10 and summary.no_result_more == 3
    assert ("3 drones", 1) in summary.no_result_queries
    assert {q for q, _ in summary.unknown_refs} == {"3.1.7", "9.9", "3.1.1(2)a", "2024:§3.4"}
    assert summary.unknown_refs_more == 0

    wider = await usage_summary(db, 1, now=NOW, top_n=20)
    assert len(wider.no_result_queries) == 13 and wider.no_result_more == 0
    data = summary_to_json(summary)
    assert data["top_sections"][1] == {
        "edition": 2024,
        "pack": "2024-3",
        "ref": "3.1.1(2)",
        "count": 1,
    }
    assert (data["no_result_more"], len(data["unknown_refs"])) == (3, 4)
    table = list(csv.reader(io.StringIO(summary_to_csv(summary))))
    assert ["top_section", "2024:3.1.1(2)", "1"] in table
    assert ["no_result_more", "", "3"] in table
    # `bluebook-bot stats` text writes them as the CSV does (SectionCount.qualified).
    from bot.cli.ops_commands import stats_lines

    lines = stats_lines(summary)
    at = lines.index("top sections (edition:reference):")
    assert [line.split() for line in lines[at + 1 : at + 3]] == [
        ["2025:3.1.1(2)", "2"],
        ["2024:3.1.1(2)", "1"],
    ]


def test_top_sections_name_their_edition_unless_all_are_the_servers() -> None:
    from bot.replies.stats import section_rows
    from bot.storage.stats import SectionCount

    own = (SectionCount("2025-3", "3.1.1(2)", 2), SectionCount(None, "3.4", 1))
    assert section_rows(own, 2025) == [("3.1.1(2)", 2), ("3.4", 1)]
    mixed = (*own, SectionCount("2024-3", "3.1.1(2)", 1))
    assert section_rows(mixed, 2025) == [("2025:3.1.1(2)", 2), ("3.4", 1), ("2024:3.1.1(2)", 1)]
    assert section_rows(own[:1], 2026) == [("2025:3.1.1(2)", 2)]


async def test_misses_are_references_or_words_as_chat_lookups_read_them(
    db: Database, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    """A figure followed by words was searched as words (bot/pack/refs.py looks_like_ref),
    so it is listed among queries, not references; an edition before a reference is read
    off first."""
    usage = make_usage_log(db)
    words = ("1.5 degrees", "2.5 million", "10(a) plan")
    refs = ("3.1.1-3", "3.1.9@2025", "2025:3.1.9", "sec 3.1.1 (3)")
    for q in (*words, *refs):
        usage.log(lookup(query=q, result_count=0))
    await settle(usage.close())

    summary = await usage_summary(db, 1, now=NOW)
    assert {q for q, _ in summary.no_result_queries} == set(words)
    assert {q for q, _ in summary.unknown_refs} == set(refs)


async def test_fact_topic_and_verify_misses_are_no_content_gaps(
    db: Database, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    """`/fact topic:` searches the facts and `/verify` checks a claim: neither miss is a gap
    in the content, so "Queries that found nothing" lists only lookups of the content."""
    usage = make_usage_log(db)
    usage.log(lookup(command="fact", query="aquaculture", result_count=0))
    usage.log(lookup(command="verify", query="japan sent 9 drones", result_count=0))
    usage.log(lookup(command="search", query="whaling", result_count=0))
    usage.log(lookup(command="Find in Bluebook", query="krill quotas", result_count=0))
    usage.log(lookup(kind=EventKind.KEYWORD, command="lookup", query="3.9.9", result_count=0))
    await settle(usage.close())

    summary = await usage_summary(db, 1, now=NOW)
    assert {q for q, _ in summary.no_result_queries} == {"whaling", "krill quotas"}
    assert summary.unknown_refs == (("3.9.9", 1),)


async def test_cli_text_shows_what_stats_shows_and_its_rows_add_up(filled: Database) -> None:
    """`bluebook-bot stats` text: every kind of event, top queries and latency, as /stats and
    --json have them; its event rows add up to the total."""
    from bot.cli.ops_commands import stats_lines

    summary = await usage_summary(filled, 7, now=NOW)
    lines = stats_lines(summary)
    text = "\n".join(lines)
    assert "latency p50 50.0 ms, p95 95.0 ms" in lines[0]
    for heading in ("slash commands:", "other events:", "top queries:"):
        assert heading in lines, text
    assert any(line.split() == ["chat", "lookups", "1"] for line in lines), text
    assert any(line.split() == ["precedence", "100"] for line in lines), text
    start = lines.index("slash commands:") + 1
    end = lines.index("by edition:") if "by edition:" in lines else lines.index("top queries:")
    rows = [line for line in lines[start:end] if line.startswith("  ")]
    assert sum(int(line.split()[-1]) for line in rows) == summary.events, text


async def test_what_search_searched_is_words_even_shaped_like_a_reference(
    db: Database, make_usage_log: UsageLogFactory, settle: Settle
) -> None:
    """`/search 1.5` and the menu searched words; `[[1.5.2]]` in chat was read as a
    reference (second review)."""
    usage = make_usage_log(db)
    usage.log(lookup(command="search", query="3.1.9", result_count=0))
    usage.log(lookup(command="Find in Bluebook", query="3.1.8", result_count=0))
    usage.log(lookup(kind=EventKind.KEYWORD, command="lookup", query="3.1.7", result_count=0))
    await settle(usage.close())

    summary = await usage_summary(db, 1, now=NOW)
    assert {q for q, _ in summary.no_result_queries} == {"3.1.9", "3.1.8"}
    assert summary.unknown_refs == (("3.1.7", 1),)
