"""`health`, `stats` and `fotd plan`: commands for the people who run the bot."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.cli.common import CliError, print_json, settings_of
from bot.replies.stats import KIND_NAMES, edition_rows
from bot.storage.db import MigrationError, open_database
from bot.storage.heartbeat import (
    HEARTBEAT_MAX_AGE_S,
    ProcessBeat,
    health_problem,
    read_heartbeats,
)
from bot.storage.stats import (
    DEFAULT_TOP_N,
    MAX_TOP_N_CLI,
    UsageSummary,
    summary_to_csv,
    summary_to_json,
    usage_summary,
)
from bot.storage.usage import EventKind


def register(sub: Any) -> None:
    p = sub.add_parser("health", help="exit 0 while every running bot process's heartbeat is fresh")
    p.add_argument("--db", type=Path, help="the bot's database (default: BLUEBOOK_DB)")
    p.add_argument(
        "--max-age",
        type=_seconds,
        default=HEARTBEAT_MAX_AGE_S,
        metavar="SECONDS",
        help=f"how old a heartbeat may be (default: {HEARTBEAT_MAX_AGE_S:g})",
    )
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("stats", help="usage statistics from the database")
    p.add_argument("--db", type=Path, help="the bot's database (default: BLUEBOOK_DB)")
    p.add_argument("--days", type=int, default=30, help="the last this many days (default: 30)")
    p.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP_N,
        help=f"how many rows per ranking (1-{MAX_TOP_N_CLI}, default {DEFAULT_TOP_N})",
    )
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON instead of text")
    fmt.add_argument("--csv", action="store_true", help="print CSV instead of text")
    p.set_defaults(func=cmd_stats)

    fotd = sub.add_parser("fotd", help="fact of the day")
    fsub = fotd.add_subparsers(dest="fotd_cmd", metavar="COMMAND", required=True)
    p = fsub.add_parser(
        "plan",
        help="the upcoming posts for a guild",
        description="List a server's coming fact-of-the-day posts: date, local post time and "
        "zone, reference, fact id.",
    )
    p.add_argument("--guild", type=int, required=True, help="the server (guild) id")
    p.add_argument(
        "--days", type=int, default=30, help="how many posts to list (1-3660, default 30)"
    )
    p.add_argument("--db", type=Path, help="the bot's database (default: BLUEBOOK_DB)")
    p.add_argument(
        "--json",
        action="store_true",
        help='print [{"date", "fact_id", "edition", "ref", "at"}] as JSON',
    )
    p.set_defaults(func=cmd_fotd_plan)


def _seconds(text: str) -> float:
    """A positive number of seconds, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


def db_path(args: argparse.Namespace) -> Path:
    if args.db is not None:
        return Path(args.db)
    return settings_of(args).bluebook_db


def cmd_health(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        print(f"unhealthy: no database at {path}", file=sys.stderr)
        return 1

    async def check() -> list[ProcessBeat]:
        db = await open_database(path, read_only=True)
        try:
            return await read_heartbeats(db)
        finally:
            await db.close()

    try:
        beats = asyncio.run(check())
    except (sqlite3.Error, MigrationError, OSError) as exc:
        print(f"unhealthy: cannot read the database: {exc}", file=sys.stderr)
        return 1
    problem = health_problem(beats, max_age_s=args.max_age)
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise CliError("--days must be 1 or more", code=2)
    if not 1 <= args.top <= MAX_TOP_N_CLI:
        raise CliError(f"--top must be between 1 and {MAX_TOP_N_CLI}", code=2)
    path = db_path(args)
    if not path.exists():
        raise CliError(f"no database at {path}")

    async def summarise() -> Any:
        db = await open_database(path, read_only=True)
        try:
            return await usage_summary(db, args.days, top_n=args.top)
        finally:
            await db.close()

    try:
        summary = asyncio.run(summarise())
    except (sqlite3.Error, MigrationError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    if args.csv:
        sys.stdout.write(summary_to_csv(summary))
    elif args.json:
        print_json(summary_to_json(summary))
    else:
        print("\n".join(stats_lines(summary)))
    return 0


def stats_lines(summary: UsageSummary) -> list[str]:
    """`stats` as text: what /stats shows (every server's events), so the rows under
    "slash commands" and "other events" add up to the event total."""
    data = summary_to_json(summary)
    days = "1 day" if summary.days == 1 else f"{summary.days} days"
    p50, p95 = summary.latency_p50_ms, summary.latency_p95_ms
    latency = (
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        if p50 is not None and p95 is not None
        else "no timed events yet"
    )
    lines = [f"{data['events']} events in {days}; dropped: {data['dropped']}; latency {latency}"]
    others = [
        (KIND_NAMES.get(kind, kind), n)
        for kind, n in summary.by_kind.items()
        if kind != EventKind.SLASH
    ]
    commands = list(summary.by_command.items())
    # Slash commands whose name was not logged (none are, today) would leave the rows short.
    unnamed = summary.by_kind.get(EventKind.SLASH, 0) - sum(n for _, n in commands)
    if unnamed > 0:
        commands.append(("(no command name)", unnamed))
    lists: list[tuple[str, list[tuple[str, int]], int]] = [
        ("slash commands", sorted(commands, key=lambda kv: (-kv[1], kv[0])), 0),
        ("other events", sorted(others, key=lambda kv: (-kv[1], kv[0])), 0),
        ("by edition", edition_rows(summary.by_pack), 0),
        ("top queries", list(summary.top_queries), 0),
        (
            "top sections (edition:reference)",
            [(row.qualified, row.uses) for row in summary.top_sections],
            0,
        ),
        ("queries that found nothing", list(summary.no_result_queries), summary.no_result_more),
        ("references not found", list(summary.unknown_refs), summary.unknown_refs_more),
    ]
    for title, rows, more in lists:
        if rows:
            lines.append(f"{title}:")
        lines += [f"  {name:<28} {count}" for name, count in rows]
        if more:
            lines.append(f"  … and {more} more (--top N shows more)")
    return lines


def cmd_fotd_plan(args: argparse.Namespace) -> int:
    from bot.cli.common import library_from_args
    from bot.fotd.clock import SystemClock
    from bot.fotd.rotation import FactRotation, NoFactsError
    from bot.fotd.service import (
        FotdNotConfiguredError,
        FotdService,
        OnePack,
        PlannedPost,
        plan_json,
        plan_lines,
    )
    from bot.fotd.store import FotdStore
    from bot.pack.refs import written_ref
    from bot.storage.editions import EditionSettings

    if not 1 <= args.days <= 3660:
        raise CliError("--days must be between 1 and 3660", code=2)
    path = db_path(args)
    if not path.exists():
        raise CliError(f"no database at {path}")
    library = library_from_args(args)
    # The server's edition (/settings edition) decides which facts it draws from: those of
    # every chapter of that edition, as the bot's fact of the day (Library.facts); `plan`
    # fills this once it has read the edition.
    refs: dict[str, str] = {}
    # The edition of those facts, and the one the server reads: they differ while the
    # server's has none, and a reference of the other is then written with its year.
    editions: dict[str, int] = {}

    async def plan() -> list[Any]:
        db = await open_database(path, read_only=True)
        try:
            # As the bot does (LibraryInService.for_guild): the server's edition, else the newest;
            # its facts, else the newest edition's with some (Library.facts_key decides).
            year = await EditionSettings(db).get(args.guild)
            pack_key = library.facts_key(library.key_for(year) or library.newest_key)
            refs.clear()
            refs.update({f.id: f.ref for _, f in library.facts(pack_key)})
            reading = library.key_for(year) or library.newest_key
            editions["facts"] = library.packs[pack_key].manifest.edition_year
            editions["reading"] = library.packs[reading].manifest.edition_year
            facts = OnePack(lambda: list(refs), pack_key)
            service = FotdService(FotdStore(db), FactRotation(), SystemClock(), facts)
            return await service.plan(args.guild, args.days)
        except FotdNotConfiguredError:
            return []
        finally:
            await db.close()

    add_facts = (
        "Draft some with `content facts suggest --write`, confirm them (a headline, no "
        "`draft: true`), then reload the bot."
    )
    no_facts = CliError(
        f"guild {args.guild}'s edition has no facts yet (nor has any other): nothing to "
        f"plan. {add_facts}"
    )
    try:
        posts = asyncio.run(plan())
    except (sqlite3.Error, MigrationError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from None
    except NoFactsError:
        raise no_facts from None
    unset = f"no fact of the day is set up for guild {args.guild} in {path}"
    if not posts and not refs:
        raise CliError(f"{unset}, and its edition has no facts yet. {add_facts}")
    if not posts:
        # No schedule stored for this guild: the order it would get, starting today.
        print(f"note: {unset}; the order it would get, from today", file=sys.stderr)
        start = datetime.now(UTC).date()
        planned = FactRotation().plan(args.guild, None, start, args.days, list(refs))
        posts = [PlannedPost(day, fact) for day, fact in planned]

    def ref_of(fact_id: str) -> str:
        return refs.get(fact_id, "?")

    def written(fact_id: str) -> str:
        ref = refs.get(fact_id)
        return "?" if ref is None else written_ref(ref, editions["facts"], editions["reading"])

    if args.json:
        print_json(plan_json(posts, ref_of, editions["facts"]))
    else:
        for line in plan_lines(posts, written):
            print(line)
    return 0
