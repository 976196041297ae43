"""`search`: the engine on the command line, one query or one per line from stdin."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bot.cli.common import CliError, pack_from_args, print_json
from bot.search import SearchEngine, SearchResponse

MAX_LIMIT = 25


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="search the chapter and quote the best passages")
    p.add_argument("query", nargs="*", help="the words to look for")
    p.add_argument("--limit", type=int, default=5, help=f"results per query (1-{MAX_LIMIT})")
    p.add_argument("--stdin", action="store_true", help="read one query per line")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)


def _print_text(response: SearchResponse) -> None:
    if not response.results:
        tips = ", ".join(response.suggestions[:5])
        print(f"no match for {response.query!r}" + (f"; try: {tips}" if tips else ""))
        return
    for result in response.results:
        print(f"[{result.ref}] {result.title}  (score {result.score:.2f})")
        print(f"  {result.excerpt}\n")


def cmd_search(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"--limit must be between 1 and {MAX_LIMIT}", code=2)
    if args.stdin and args.query:
        raise CliError("give a query or --stdin, not both", code=2)
    if not args.stdin and not args.query:
        raise CliError("give a query, e.g. bluebook-bot search GCAP (or --stdin)", code=2)
    engine = SearchEngine.build(pack_from_args(args))
    if not args.stdin:
        response = engine.search(" ".join(args.query), limit=args.limit)
        if args.json:
            print_json([r.to_dict() for r in response.results])
        else:
            _print_text(response)
        return 0
    for line in sys.stdin:
        query = line.rstrip("\n")
        started = time.perf_counter()
        response = engine.search(query, limit=args.limit)
        elapsed = (time.perf_counter() - started) * 1000
        if args.json:
            row = {
                "query": query,
                "results": [r.to_dict() for r in response.results],
                "elapsed_ms": round(elapsed, 3),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            print(f"# {query}  ({elapsed:.2f} ms)")
            _print_text(response)
    return 0
