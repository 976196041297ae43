"""The /stats reply: totals, top queries and sections, misses, latency, and a chart."""

from __future__ import annotations

from bot.pack.library import parse_key
from bot.replies.common import QUOTE_COLOUR, Reply, clip
from bot.replies.limits import EMBED_FIELD_VALUE_MAX
from bot.replies.markdown import code as code_span
from bot.replies.markdown import escape
from bot.storage.stats import MAX_TOP_N, SectionCount, UsageSummary
from bot.storage.usage import EventKind

CHART_NAME = "usage.png"


def _list(
    pairs: tuple[tuple[str, int], ...] | list[tuple[str, int]],
    *,
    code: bool = False,
    more: int = 0,
) -> str:
    """One row per pair, as many as fit in a field, then "… and N more" for the rest
    (`more`: those the summary already left out)."""
    if not pairs:
        return "none"
    rows = [f"{code_span(k)} × {n}" if code else f"{escape(clip(k, 80))} × {n}" for k, n in pairs]
    shown: list[str] = []
    room = EMBED_FIELD_VALUE_MAX - len("\n… and 1000000 more")
    for row in rows:
        if sum(len(r) + 1 for r in shown) + len(row) > room:
            break
        shown.append(row)
    left = more + len(rows) - len(shown)
    return "\n".join([*shown, f"… and {left} more"] if left else shown)


def section_rows(sections: tuple[SectionCount, ...], reading: int | None) -> list[tuple[str, int]]:
    """Top sections as a reader cites them: each with its edition (`2024:3.1.1(2)`) unless
    every one listed is of `reading`, the edition the server reads, as unqualified
    references are everywhere else."""
    plain = all(row.edition in (None, reading) for row in sections)
    return [(row.ref if plain else row.qualified, row.uses) for row in sections]


def edition_rows(by_pack: dict[str, int]) -> list[tuple[str, int]]:
    """Pack keys as readers know them: '2031-3' → '2031, chapter 3'."""
    rows = []
    for key, n in by_pack.items():
        parsed = parse_key(key)
        rows.append((f"{parsed[0]}, chapter {parsed[1]}" if parsed else key, n))
    return rows


# The events that are not slash commands, as a reader calls them (also `stats`' text).
KIND_NAMES: dict[str, str] = {
    EventKind.KEYWORD: "chat lookups",
    EventKind.BUTTON: "buttons",
    EventKind.AUTOCOMPLETE: "autocomplete",
    EventKind.FACT: "daily facts",
}


def stats_reply(
    summary: UsageSummary, chart_png: bytes | None, *, reading: int | None = None
) -> Reply:
    """/stats for a server that reads edition `reading` (None: no one edition)."""
    by_command = sorted(summary.by_command.items(), key=lambda kv: (-kv[1], kv[0]))
    others = sorted(
        (
            (KIND_NAMES.get(kind, kind), n)
            for kind, n in summary.by_kind.items()
            if kind != EventKind.SLASH
        ),
        key=lambda kv: (-kv[1], kv[0]),
    )
    latency = (
        f"p50 {summary.latency_p50_ms:.1f} ms · p95 {summary.latency_p95_ms:.1f} ms"
        if summary.latency_p50_ms is not None and summary.latency_p95_ms is not None
        else "no timed events yet"
    )
    embed: dict = {
        "title": f"Usage over the last {_days(summary.days)}",
        "description": f"**{summary.events}** events · latency {latency}"
        # Events are dropped before they are filed by server: the count is every server's.
        + (f" · {summary.dropped} not logged (all servers)" if summary.dropped else ""),
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "By command", "value": _list(by_command), "inline": True},
            {"name": "Other events", "value": _list(others), "inline": True},
            {
                "name": "Top sections",
                "value": _list(section_rows(summary.top_sections, reading), code=True),
                "inline": True,
            },
            {"name": "By edition", "value": _list(edition_rows(summary.by_pack))},
            {"name": "Top queries", "value": _list(summary.top_queries)},
            {
                "name": "Queries that found nothing",
                "value": _list(summary.no_result_queries, more=summary.no_result_more),
            },
        ],
        "footer": {"text": "User ids are stored only as keyed hashes; see the README."},
    }
    if summary.unknown_refs:
        unknown = _list(summary.unknown_refs, code=True, more=summary.unknown_refs_more)
        embed["fields"].append({"name": "References not found", "value": unknown})
    # At top:25 the lists say "… and N more" and offer nothing further: the CLI's
    # `stats --top N` is the operator's, over every server's data.
    if (summary.no_result_more or summary.unknown_refs_more) and summary.top_n < MAX_TOP_N:
        embed["footer"]["text"] += f" More rows: /stats top:{MAX_TOP_N}."
    files = []
    if chart_png:
        embed["image"] = {"url": f"attachment://{CHART_NAME}"}
        files.append((CHART_NAME, chart_png))
    return Reply(embeds=[embed], files=files, ephemeral=True)


def _days(days: int) -> str:
    return "day" if days == 1 else f"{days} days"
