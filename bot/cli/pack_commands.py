"""`toc`, `section`, `fact` and `content check|import`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import (
    CliError,
    add_edition,
    edition_key,
    library_from_args,
    pack_from_args,
    print_json,
)
from bot.facts import closest_ids, pick_fact
from bot.pack.importer import import_text
from bot.pack.library import check_library, split_edition
from bot.pack.model import Section
from bot.pack.parser import ParseError
from bot.pack.refs import RefIndex
from bot.pack.views import fact_json, section_json, toc_json


def register(sub: Any) -> None:
    p = sub.add_parser("toc", help="show the outline with references")
    p.add_argument("--json", action="store_true")
    add_edition(p)
    p.set_defaults(func=cmd_toc)

    p = sub.add_parser("section", help="show a section or paragraph by reference or title")
    p.add_argument(
        "ref",
        nargs="+",
        help="e.g. 3.1.1(3), §3.1.1(3)¶1, 2024:3.1.1(3) or 'territorial integrity'",
    )
    p.add_argument("--json", action="store_true")
    add_edition(p)
    p.set_defaults(func=cmd_section)

    p = sub.add_parser("fact", help="a random fact, one by id, or all of them")
    p.add_argument("id", nargs="?")
    p.add_argument("--all", action="store_true")
    p.add_argument("--topic")
    p.add_argument("--json", action="store_true")
    add_edition(p)
    p.set_defaults(func=cmd_fact)

    content = sub.add_parser("content", help="check or import content packs")
    csub = content.add_subparsers(dest="content_cmd", required=True)
    p = csub.add_parser("check", help="validate a pack; prints file:line: message")
    p.set_defaults(func=cmd_check)
    p = csub.add_parser("import", help="turn a Bluebook-style chapter text into a pack")
    p.add_argument("file", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--source-url")
    p.set_defaults(func=cmd_import)


def _print_tree(section: Section, depth: int = 0) -> None:
    print(f"{'  ' * depth}{section.ref:<{14 - 2 * depth}}  {section.heading}")
    for child in section.children:
        _print_tree(child, depth + 1)


def cmd_toc(args: argparse.Namespace) -> int:
    pack = pack_from_args(args)
    if args.json:
        print_json(toc_json(pack))
    else:
        _print_tree(pack.root)
        print(f"({pack.manifest.title})")
    return 0


def cmd_section(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    qualified = split_edition(" ".join(args.ref))
    # A qualified reference names its edition; it wins over --edition.
    key = edition_key(library, qualified.edition or args.edition)
    pack = library.packs[key]
    text = qualified.ref
    found = RefIndex(pack).resolve(text)
    if found.section is None:
        closest = ", ".join(f"{s.ref} {s.title}" for s in found.suggestions[:3])
        raise CliError(f"unknown reference '{text}'" + (f"; closest: {closest}" if closest else ""))
    data = section_json(pack, found.section, found.paragraph)
    data["edition"] = pack.manifest.edition_year
    data["pack"] = key
    if args.json:
        print_json(data)
        return 0
    print(pack.manifest.title)
    print(" › ".join(data["path"]))
    print(f"[{data['ref']}] {found.section.heading}\n")
    for p in data["paragraphs"]:
        print(f"{p['ref']}  {p['text']}\n")
    print(f"Source: {data['source_url']}")
    return 0


def cmd_fact(args: argparse.Namespace) -> int:
    pack = pack_from_args(args)
    if args.all:
        facts = [fact_json(f) for f in pack.facts]
        if args.json:
            print_json(facts)
        else:
            for f in facts:
                print(f"{f['id']:<40} {f['ref']:<12} {f['headline']}")
        return 0
    if args.id:
        fact = pack.fact_by_id.get(args.id)
        if fact is None:
            near = closest_ids(pack.facts, args.id)
            raise CliError(
                f"unknown fact '{args.id}'" + (f"; closest: {', '.join(near)}" if near else "")
            )
    else:
        fact = pick_fact(pack.facts, args.topic)
        if fact is None:
            raise CliError(f"no fact on '{args.topic}'" if args.topic else "the pack has no facts")
    if args.json:
        print_json(fact_json(fact))
    else:
        print(
            f"{fact.headline}\n\n> {fact.quote}\n\n— {fact.ref}, {pack.manifest.title}"
            f"  ({pack.manifest.source_url})"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    library, problems = check_library(args.content)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if not p.warning]
    if errors or library is None:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    for key, pack in library.packs.items():
        label = f"{key}: " if len(library) > 1 else ""
        print(
            f"ok: {label}{len(pack.sections)} sections, {len(pack.paragraphs)} paragraphs, "
            f"{len(pack.facts)} facts, {len(pack.glossary.terms)} glossary terms",
            file=sys.stderr,
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        problems = import_text(args.file, args.out, source_url=args.source_url)
    except ParseError as exc:
        raise CliError(f"{args.file}:{exc.line}: {exc.message}") from None
    except OSError as exc:
        raise CliError(f"cannot import: {exc}") from None
    for problem in problems:
        print(problem)
    if any(not p.warning for p in problems):
        return 1
    print(f"wrote pack to {args.out}", file=sys.stderr)
    return 0
