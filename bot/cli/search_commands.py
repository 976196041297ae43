"""`search`: the library search the bot runs, on the command line; one query or one per line
from stdin. `verify`: /verify's check of a quote."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bot.cli.common import (
    CliError,
    add_edition,
    content_dir,
    invalid_content,
    pack_key_for_year,
    print_json,
)
from bot.pack.loader import ContentError
from bot.pack.model import Pack
from bot.pack.refs import written_ref
from bot.replies.also_in import held_at, held_elsewhere, paragraph_in
from bot.replies.verify import render_diff
from bot.search.library import LibraryResponse, LibraryResult
from bot.search.verify import (
    MIN_QUOTE_CHARS,
    MIN_QUOTE_WORDS,
    DiffOp,
    LibraryVerdict,
    split_quote,
)
from bot.served import ServedLibrary

MAX_LIMIT = 25


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="search the Bluebook and quote the best passages")
    p.add_argument("query", nargs="*", help="the words to look for")
    p.add_argument("--limit", type=int, default=5, help=f"results per query (1-{MAX_LIMIT})")
    p.add_argument("--stdin", action="store_true", help="read one query per line")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_edition(p)
    p.set_defaults(func=cmd_search)
    register_verify(sub)


def register_verify(sub: Any) -> None:
    p = sub.add_parser("verify", help="check whether a quote is verbatim in the Bluebook")
    p.add_argument("quote", nargs="+", help="the words as someone quoted them")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_edition(p)
    p.set_defaults(func=cmd_verify)


def _marked(ops: tuple[DiffOp, ...]) -> str:
    """The differences as text, wdiff's way: [-quoted-]{+text+}."""
    return render_diff(ops, quoted="[-{}-]", text="{{+{}+}}", between="", quote=str)


def _served_library(args: argparse.Namespace) -> ServedLibrary:
    try:
        return ServedLibrary.load(content_dir(args))
    except ContentError as exc:
        raise invalid_content(exc) from None


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the quote is verbatim, 1 when it is not (or not found), 2 when too short.

    As /verify: the edition asked for (`--edition`, or "2023:" before the quote), else the
    newest, is checked first, then the other editions held."""
    if not " ".join(args.quote).strip():
        raise CliError("give a quote, e.g. bluebook-bot verify 'the quoted words'", code=2)
    asked = split_quote(" ".join(args.quote), args.edition)
    library = _served_library(args)
    found = library.verify(asked.ref, pack_key=pack_key_for_year(library.library, asked.edition))
    verdict = found.verdict
    year = library.pack(found.pack_key).year
    if args.json:
        data = verdict.to_dict()
        data["edition"] = year
        data["pack"] = found.pack_key
        data["checked_first"] = library.pack(found.checked_first).year
        data["also_in"] = _years(library, tuple(k for k, _ in found.also_in), but=year)
        first = verdict.matches[0].ref if verdict.verbatim and verdict.matches else ""
        data["also_in_refs"] = [
            {"edition": y, "ref": there or first}
            for y, there in held_at(_packs(library), found.also_in, year=year, ref=first)
        ]
        print_json(data)
    elif verdict.too_short:
        raise CliError(
            f"too short to check: quote at least {MIN_QUOTE_WORDS} words and "
            f"{MIN_QUOTE_CHARS} characters",
            code=2,
        )
    else:
        _print_verdict(library, found)
    if verdict.too_short:
        return 2
    return 0 if verdict.verbatim else 1


def _print_verdict(library: ServedLibrary, found: LibraryVerdict) -> None:
    verdict = found.verdict
    year = library.pack(found.pack_key).year

    # An edition other than the newest, the one read by default, says which, and how to open
    # it: "2023:3.2.2(2)¶1" (also when --edition asked for it).
    def written(ref: str) -> str:
        return written_ref(ref, year, library.newest.year)

    edition = (
        f" in {year}, not in {library.pack(found.checked_first).year}" if found.elsewhere else ""
    )
    if verdict.verbatim:
        refs = list(dict.fromkeys(written(m.ref) for m in verdict.matches))
        joined = " into ".join(refs) if verdict.across else ", ".join(refs)
        # Where the check found the quote in each other edition: not looked for again.
        held = held_at(_packs(library), found.also_in, year=year, ref=verdict.matches[0].ref)
        also = _also(held)
        note = f" (also in {also})" if also else ""
        print(f"verbatim{' across paragraphs' if verdict.across else ''}{edition}: {joined}{note}")
    elif verdict.closest is not None and verdict.differs_only_in:
        closest = verdict.closest
        print(f"verbatim except for {verdict.differs_only_in}{edition}: {written(closest.ref)}")
        print(f"  the chapter says: {closest.passage}")
    elif verdict.closest is not None:
        parts = verdict.matches if verdict.across else (verdict.closest,)
        where = " into ".join(written(p.ref) for p in parts)
        print(f"not verbatim; closest{edition}: {where} ({verdict.similarity:.0f}% similar)")
        print(f"  the chapter says: {' / '.join(p.passage for p in parts)}")
        print(f"  differences ([-quoted-]{{+text+}}): {_marked(verdict.diff)}")
    else:
        tips = ", ".join(verdict.suggestions[:5])
        checked = ", ".join(map(str, _years(library, found.checked)))
        print(
            f"not found: nothing in the chapter is close (checked {checked})"
            + (f"; try: {tips}" if tips else "")
        )


def _years(library: ServedLibrary, pack_keys: tuple[str, ...], but: int | None = None) -> list[int]:
    """The editions of `pack_keys`, each once, `but` left out (chapters of one edition are it)."""
    return [y for y in dict.fromkeys(library.pack(k).year for k in pack_keys) if y != but]


def _packs(library: ServedLibrary) -> dict[str, Pack]:
    return {k: s.pack for k, s in library.packs.items()}


def _also(held: list[tuple[int, str | None]]) -> str:
    """The other editions holding a passage (`held_elsewhere`, `held_at`): "2024 at
    2024:3.1.1(2)¶1, 2023"."""
    return ", ".join(f"{y} at {written_ref(there, y)}" if there else str(y) for y, there in held)


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
        ref_in = paragraph_in(result.paragraph, result.ref)
        held = held_elsewhere(
            _packs(library), found.also_in, year=year, ref=result.ref, ref_in=ref_in
        )
        also = _also(held)
        note = f"; also in {also}" if also else ""
        ref = written_ref(result.ref, year, library.newest.year)
        print(f"[{ref}] {result.title}  ({year}, score {result.score:.2f}{note})")
        print(f"  {result.excerpt}\n")


def cmd_search(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"--limit must be between 1 and {MAX_LIMIT}", code=2)
    if args.stdin and args.query:
        raise CliError("give a query or --stdin, not both", code=2)
    if not args.stdin and not " ".join(args.query).strip():
        raise CliError("give a query, e.g. bluebook-bot search GCAP (or --stdin)", code=2)
    library = _served_library(args)
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
