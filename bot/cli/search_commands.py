"""`search`: the library search the bot runs, on the command line; one query or one per line
from stdin."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bot.cli.common import CliError, add_edition, content_dir, pack_key_for_year, print_json
from bot.pack.loader import ContentError
from bot.search.library import LibraryResponse, LibraryResult
from bot.served import ServedLibrary

MAX_LIMIT = 25


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="search the chapter and quote the best passages")
    p.add_argument("query", nargs="*", help="the words to look for")
    p.add_argument("--limit", type=int, default=5, help=f"results per query (1-{MAX_LIMIT})")
    p.add_argument("--stdin", action="store_true", help="read one query per line")
    p.add_argument("--json", action="store_true")
    add_edition(p)
    p.set_defaults(func=cmd_search)


def _years(library: ServedLibrary, pack_keys: tuple[str, ...]) -> list[int]:
    return [library.pack(k).year for k in pack_keys]


def result_json(library: ServedLibrary, found: LibraryResult) -> dict[str, Any]:
    data = found.result.to_dict()
    data["edition"] = library.pack(found.pack_key).year
    data["pack"] = found.pack_key
    data["also_in"] = _years(library, found.also_in)
    return data


def _print_text(library: ServedLibrary, response: LibraryResponse) -> None:
    if not response.results:
        tips = ", ".join(response.suggestions[:5])
        print(f"no match for {response.query!r}" + (f"; try: {tips}" if tips else ""))
        return
    if response.only_elsewhere:
        year = library.pack(response.pack_key).year
        print(f"(nothing in {year}; found in other editions)")
    for found in response.results:
        result = found.result
        year = library.pack(found.pack_key).year
        also = _years(library, found.also_in)
        note = f"; also in {', '.join(map(str, also))}" if also else ""
        print(f"[{result.ref}] {result.title}  ({year}, score {result.score:.2f}{note})")
        print(f"  {result.excerpt}\n")


def cmd_search(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"--limit must be between 1 and {MAX_LIMIT}", code=2)
    if args.stdin and args.query:
        raise CliError("give a query or --stdin, not both", code=2)
    if not args.stdin and not " ".join(args.query).strip():
        raise CliError("give a query, e.g. bluebook-bot search GCAP (or --stdin)", code=2)
    try:
        library = ServedLibrary.load(content_dir(args))
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"content pack is invalid ({len(exc.problems)} problem(s))") from None
    pack_key = pack_key_for_year(library.library, args.edition)
    if not args.stdin:
        response = library.search(" ".join(args.query), pack_key=pack_key, limit=args.limit)
        if args.json:
            print_json([result_json(library, r) for r in response.results])
        else:
            _print_text(library, response)
        return 0
    for line in sys.stdin:
        query = line.rstrip("\n")
        if not query.strip() and not args.json:
            continue  # a blank line asks nothing (--json keeps a row per line, to line up)
        started = time.perf_counter()
        response = library.search(query, pack_key=pack_key, limit=args.limit)
        elapsed = (time.perf_counter() - started) * 1000
        if args.json:
            row = {
                "query": query,
                "results": [result_json(library, r) for r in response.results],
                "elapsed_ms": round(elapsed, 3),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            print(f"# {query}  ({elapsed:.2f} ms)")
            _print_text(library, response)
    return 0
