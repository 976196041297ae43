"""Aggregates over the usage log for `/stats [days]` and `bluebook-bot stats`."""

from __future__ import annotations

import csv
import io
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from bot.pack.library import parse_key, split_edition
from bot.pack.refs import looks_like_ref, written_ref
from bot.storage.db import Database
from bot.storage.usage import EventKind

DEFAULT_TOP_N = 10
# What /stats can show per list (Discord's 1024-character field); the CLI allows more.
MAX_TOP_N = 25
MAX_TOP_N_CLI = 1000
# Rankings of what people look up leave out autocomplete (half-typed prefixes) and fact
# posts (the bot's own choice, not a reader's question).
_LOOKUP_KINDS = (EventKind.SLASH.value, EventKind.BUTTON.value, EventKind.KEYWORD.value)
# The only text spliced into SQL here: constant fragments. Every value is a parameter.
_IN_WINDOW = "ts >= ? AND ts < ?"
_IN_WINDOW_OF_GUILD = "ts >= ? AND ts < ? AND guild_id = ?"
_IS_LOOKUP = "kind IN (?, ?, ?)"
# Misses that are no gap in the content: `/fact topic:` searches the facts, not the chapter,
# and a `/verify` quote not found is a claim the Bluebook does not make. The "found
# nothing" lists leave them out (docs/operations.md).
_NOT_CONTENT_GAPS = ("fact", "verify")
_IS_CONTENT_GAP = "COALESCE(command, '') NOT IN (?, ?)"


class SectionCount(NamedTuple):
    """How often a section was the answer: its pack ('2024-3'; None for events logged before
    the library), reference and count. The same reference in two editions is two sections."""

    pack: str | None
    ref: str
    uses: int

    @property
    def edition(self) -> int | None:
        parsed = parse_key(self.pack or "")
        return parsed[0] if parsed else None

    @property
    def qualified(self) -> str:
        """The reference with its edition, as a reader types it: '2024:3.1.1(2)'."""
        return self.ref if self.edition is None else written_ref(self.ref, self.edition)


class Ranked(NamedTuple):
    """The first `top_n` of a ranking, and how many more there were beyond them."""

    rows: tuple[tuple[str, int], ...]
    more: int


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Usage over `days` whole UTC days ending today; `daily` has one entry per day."""

    days: int
    since: float
    until: float
    events: int
    by_kind: dict[str, int]
    by_command: dict[str, int]
    top_queries: tuple[tuple[str, int], ...]
    top_sections: tuple[SectionCount, ...]
    # Queries that found nothing: words, and references (as chat lookups tell them), each the
    # first `top_n` with the number of distinct ones left out.
    no_result_queries: tuple[tuple[str, int], ...]
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    daily: tuple[tuple[str, int], ...]
    dropped: int
    # Lookups per pack quoted ('2025-3'); events from before the library are not counted.
    by_pack: dict[str, int] = field(default_factory=dict)
    no_result_more: int = 0
    unknown_refs: tuple[tuple[str, int], ...] = ()
    unknown_refs_more: int = 0
    top_n: int = DEFAULT_TOP_N


def _window(days: int, now: float) -> tuple[date, float, float]:
    today = datetime.fromtimestamp(now, UTC).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp()
    return first, since, since + days * 86400


# The commands whose query is searched as words, never read as a reference.
SEARCHED_COMMANDS = ("search", "Find in Bluebook")
_SEARCHED = ", ".join("?" * len(SEARCHED_COMMANDS))


async def _counts(db: Database, sql: str, params: tuple[Any, ...]) -> list[tuple[str, int]]:
    return [(str(r[0]), int(r[1])) for r in await db.fetchall(sql, params)]


async def _percentile(
    db: Database, scope: str, window: tuple[Any, ...], n: int, p: float
) -> float | None:
    if n == 0:
        return None
    # Nearest-rank percentile: an actual observed latency, no interpolation.
    offset = max(math.ceil(p / 100 * n), 1) - 1
    row = await db.fetchone(
        f"SELECT latency_ms FROM usage_events WHERE {scope} AND latency_ms IS NOT NULL "
        "ORDER BY latency_ms LIMIT 1 OFFSET ?",
        (*window, offset),
    )
    return None if row is None else float(row[0])


async def usage_summary(
    db: Database,
    days: int,
    *,
    guild_id: int | None = None,
    now: float | None = None,
    top_n: int = DEFAULT_TOP_N,
) -> UsageSummary:
    """Summarise the last `days` UTC days (today included): of one server's events when
    `guild_id` is given (what /stats shows its admins), else of every event."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    first, since, until = _window(days, time.time() if now is None else now)
    scope = _IN_WINDOW if guild_id is None else _IN_WINDOW_OF_GUILD
    window: tuple[Any, ...] = (since, until) if guild_id is None else (since, until, guild_id)
    lookup = (*window, *_LOOKUP_KINDS)

    by_kind = await _counts(
        db,
        f"SELECT kind, COUNT(*) FROM usage_events WHERE {scope} GROUP BY kind",
        window,
    )
    # "Per command" means slash commands; other kinds are counted in by_kind.
    by_command = await _counts(
        db,
        f"SELECT command, COUNT(*) AS n FROM usage_events WHERE {scope} "
        "AND kind = ? AND command IS NOT NULL GROUP BY command ORDER BY n DESC, command",
        (*window, EventKind.SLASH.value),
    )
    top_queries = await _counts(
        db,
        f"SELECT query, COUNT(*) AS n FROM usage_events WHERE {scope} AND {_IS_LOOKUP} "
        "AND query IS NOT NULL GROUP BY query ORDER BY n DESC, query LIMIT ?",
        (*lookup, top_n),
    )
    by_pack = await _counts(
        db,
        f"SELECT pack, COUNT(*) AS n FROM usage_events WHERE {scope} AND {_IS_LOOKUP} "
        "AND pack IS NOT NULL GROUP BY pack ORDER BY pack DESC",
        lookup,
    )
    # By pack and reference: 2024's 3.1.1(2) and 2025's 3.1.1(2) may be different sections.
    top_sections = [
        SectionCount(None if r[0] is None else str(r[0]), str(r[1]), int(r[2]))
        for r in await db.fetchall(
            f"SELECT pack, top_ref, COUNT(*) AS n FROM usage_events WHERE {scope} "
            f"AND {_IS_LOOKUP} AND top_ref IS NOT NULL GROUP BY pack, top_ref "
            "ORDER BY n DESC, top_ref, pack DESC LIMIT ?",
            (*lookup, top_n),
        )
    ]
    # Every distinct query that found nothing (a bounded set: the log is purged), split
    # into words and references, so neither list hides the other and the rest is counted.
    rows = await db.fetchall(
        f"SELECT query, command IN ({_SEARCHED}) AS searched, COUNT(*) AS n FROM usage_events "
        f"WHERE {scope} AND {_IS_LOOKUP} AND {_IS_CONTENT_GAP} AND result_count = 0 "
        "AND query IS NOT NULL GROUP BY query, searched",
        (*SEARCHED_COMMANDS, *lookup, *_NOT_CONTENT_GAPS),
    )
    # A reference (a section not held) or words (a gap in the content or the glossary), told
    # apart as chat lookups tell [[...]] apart (bot/lookups/extract.py): "2024:§3.4" is a
    # reference after its edition; what /search or the menu searched is words ("1.5").
    counted: dict[tuple[bool, str], int] = {}
    for query, searched, n in rows:
        is_ref = not searched and looks_like_ref(split_edition(str(query)).ref)
        counted[(is_ref, str(query))] = counted.get((is_ref, str(query)), 0) + int(n)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0][1]))
    words = _first([(q, n) for (ref, q), n in ordered if not ref], top_n)
    refs = _first([(q, n) for (ref, q), n in ordered if ref], top_n)
    per_day = dict(
        await _counts(
            db,
            "SELECT date(ts, 'unixepoch') AS day, COUNT(*) FROM usage_events "
            f"WHERE {scope} GROUP BY day",
            window,
        )
    )
    daily = tuple(
        (day, per_day.get(day, 0))
        for day in ((first + timedelta(days=i)).isoformat() for i in range(days))
    )
    latency_row = await db.fetchone(
        f"SELECT COUNT(latency_ms) FROM usage_events WHERE {scope}", window
    )
    latencies = int(latency_row[0]) if latency_row else 0
    dropped_row = await db.fetchone(
        "SELECT COALESCE(SUM(dropped), 0) FROM usage_drops WHERE day >= ? AND day <= ?",
        (daily[0][0], daily[-1][0]),
    )
    return UsageSummary(
        days=days,
        since=since,
        until=until,
        events=sum(count for _, count in by_kind),
        by_kind=dict(by_kind),
        by_command=dict(by_command),
        top_queries=tuple(top_queries),
        top_sections=tuple(top_sections),
        no_result_queries=words.rows,
        no_result_more=words.more,
        unknown_refs=refs.rows,
        unknown_refs_more=refs.more,
        top_n=top_n,
        latency_p50_ms=await _percentile(db, scope, window, latencies, 50),
        latency_p95_ms=await _percentile(db, scope, window, latencies, 95),
        daily=daily,
        dropped=int(dropped_row[0]) if dropped_row else 0,
        by_pack=dict(by_pack),
    )


def _first(rows: list[tuple[str, int]], top_n: int) -> Ranked:
    return Ranked(tuple(rows[:top_n]), max(len(rows) - top_n, 0))


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


def summary_to_json(summary: UsageSummary) -> dict[str, Any]:
    """A JSON-ready dict (the shape `stats --json` prints)."""
    return {
        "days": summary.days,
        "since": _iso(summary.since),
        "until": _iso(summary.until),
        "events": summary.events,
        "dropped": summary.dropped,
        "by_kind": dict(summary.by_kind),
        "by_command": dict(summary.by_command),
        "by_pack": dict(summary.by_pack),
        "top_queries": [{"query": q, "count": n} for q, n in summary.top_queries],
        "top_sections": [
            {"edition": row.edition, "pack": row.pack, "ref": row.ref, "count": row.uses}
            for row in summary.top_sections
        ],
        "no_result_queries": [{"query": q, "count": n} for q, n in summary.no_result_queries],
        "no_result_more": summary.no_result_more,
        "unknown_refs": [{"query": q, "count": n} for q, n in summary.unknown_refs],
        "unknown_refs_more": summary.unknown_refs_more,
        "latency_ms": {"p50": summary.latency_p50_ms, "p95": summary.latency_p95_ms},
        "daily": [{"date": d, "events": n} for d, n in summary.daily],
    }


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Queries are user text; a leading =, +, - or @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def summary_to_csv(summary: UsageSummary) -> str:
    """Long-format CSV (`metric,key,value`), one row per figure."""
    rows: list[tuple[str, object, object]] = [
        ("days", "", summary.days),
        ("events", "", summary.events),
        ("dropped", "", summary.dropped),
        ("latency_p50_ms", "", summary.latency_p50_ms),
        ("latency_p95_ms", "", summary.latency_p95_ms),
    ]
    rows += [("by_kind", k, n) for k, n in summary.by_kind.items()]
    rows += [("by_command", k, n) for k, n in summary.by_command.items()]
    rows += [("by_pack", k, n) for k, n in summary.by_pack.items()]
    rows += [("top_query", q, n) for q, n in summary.top_queries]
    rows += [("top_section", row.qualified, row.uses) for row in summary.top_sections]
    rows += [("no_result_query", q, n) for q, n in summary.no_result_queries]
    rows += [("no_result_more", "", summary.no_result_more)]
    rows += [("unknown_ref", q, n) for q, n in summary.unknown_refs]
    rows += [("unknown_refs_more", "", summary.unknown_refs_more)]
    rows += [("daily", d, n) for d, n in summary.daily]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("metric", "key", "value"))
    writer.writerows((metric, _cell(key), _cell(value)) for metric, key, value in rows)
    return out.getvalue()
