"""`toc`, `section`, `fact` and `content check|import`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import (
    CliError,
    add_edition,
    content_dir,
    library_from_args,
    pack_from_args,
    pack_key_for_year,
    print_json,
)
from bot.facts import closest_ids, pick_fact
from bot.pack.importer import ImportFailure, ImportReport
from bot.pack.importer.filing import file_pages
from bot.pack.library import (
    check_library,
    is_single_pack,
    pack_dir_for,
    parse_key,
    split_edition,
)
from bot.pack.loader import check_pack, shipped_content_dir
from bot.pack.model import Section
from bot.pack.refs import RefIndex
from bot.pack.suggest import append_drafts, suggest_facts
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
    p = csub.add_parser(
        "import", help="add pages (text, copied text or saved .html) to a pack, or make one"
    )
    p.add_argument("file", type=Path, nargs="+")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a pack, or a library: pages are filed into DIR/<edition>/chapter<N>/",
    )
    p.add_argument("--page", help="the page id of the one file, e.g. c030102")
    p.add_argument("--edition", type=int, help="the edition year, if the page does not say")
    p.add_argument("--strict", action="store_true", help="warnings are errors; nothing written")
    p.set_defaults(func=cmd_import)
    facts = csub.add_parser("facts", help="work on the fact index")
    fsub = facts.add_subparsers(dest="facts_cmd", required=True)
    p = fsub.add_parser("suggest", help="candidate facts for sections that have none")
    p.add_argument("ref", nargs="?", help="only this section and those below it")
    p.add_argument("--write", action="store_true", help="append them to facts.yaml as drafts")
    add_edition(p)
    p.set_defaults(func=cmd_facts_suggest)


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
    key = pack_key_for_year(library, qualified.edition or args.edition)
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
    for note in data["notes"]:
        label = f"*{note['label']} " if note["label"] else ""
        print(f"{note['ref']}  [{note['kind']}] {label}{note['text']}")
    if data["notes"]:
        print()
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
        section = pack.sections.get(fact.ref) or pack.section_of(pack.paragraphs[fact.ref])
        print(
            f"{fact.headline}\n\n> {fact.quote}\n\n— {fact.ref}, {pack.manifest.title}"
            f"  ({pack.source_url(section)})"
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    library, problems = check_library(content_dir(args))
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
        reports = file_pages(
            args.file, args.out, page=args.page, edition=args.edition, strict=args.strict
        )
    except ImportFailure as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot import: {exc}") from None
    for report in reports:
        if len(reports) > 1 or report.pack_dir != args.out:
            print(f"pack {report.pack_dir}:")
        print_import_report(report)
    warnings = sum(len(r.warnings) for r in reports)
    if args.strict and warnings:
        print(f"error: {warnings} warning(s) with --strict; nothing written", file=sys.stderr)
        return 1
    status = 0
    for report in reports:
        errors = report.errors
        print(
            f"wrote {len(report.pages)} page(s) to {report.pack_dir}; content check: "
            f"{len(errors)} error(s), {len(report.problems) - len(errors)} warning(s)",
            file=sys.stderr,
        )
        status = status or (1 if errors else 0)
    print(f"serve or check it with `--content {args.out}`", file=sys.stderr)
    return status


def print_import_report(report: ImportReport) -> None:
    """The pages, the outline with references, then every warning and broken fact."""
    for page in report.pages:
        edition = page.edition or "?"
        print(f"page {page.page} ({page.placed_by}): edition {edition}, chapter {page.chapter}")
        print(f"  {page.file} -> {page.source_url}")
    imported = {p.page for p in report.pages}
    print("outline:")
    for entry in report.outline:
        mark = "+" if entry.page in imported else " "
        print(f"{mark} {entry.ref:<18} {entry.heading}")
    for warning in report.warnings:
        print(warning)
    for fact in report.broken_facts:
        print(f"{fact} (broken by this import)")


def _one_pack_dir(args: argparse.Namespace) -> Path:
    """The pack `facts suggest` reads and writes: `--content` itself when it is one pack,
    else the pack of `--edition` (default: the newest) in that library."""
    chosen = content_dir(args)
    root = Path(chosen) if chosen is not None else shipped_content_dir()
    if is_single_pack(root):
        return root
    key = pack_key_for_year(library_from_args(args), args.edition)
    found = parse_key(key)
    assert found is not None  # keys come from the library itself
    return pack_dir_for(root, *found)


def cmd_facts_suggest(args: argparse.Namespace) -> int:
    if args.write and content_dir(args) is None:
        raise CliError("--write changes a pack: name one with --content DIR (not the shipped pack)")
    pack_dir = _one_pack_dir(args)
    pack, problems = check_pack(pack_dir)
    if pack is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise CliError("content pack is invalid; run `content check`")
    section = None
    if args.ref:
        found = RefIndex(pack).resolve(args.ref)
        if found.section is None:
            raise CliError(f"unknown reference '{args.ref}'")
        section = found.section
    candidates = suggest_facts(pack, section, content_dir=pack_dir)
    for c in candidates:
        stated = "; ".join(
            part
            for part in (
                f"dates: {', '.join(c.dates)}" if c.dates else "",
                f"numbers: {', '.join(c.numbers)}" if c.numbers else "",
                f"names: {', '.join(c.names)}" if c.names else "",
            )
            if part
        )
        print(f"{c.ref}  {stated}\n  > {c.quote}\n  headline: (for a person to write)\n")
    if not candidates:
        print("no candidates: every section with text has a fact, or states no number or date")
        return 0
    if args.write:
        try:
            path = append_drafts(pack, candidates, pack_dir)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        print(
            f"appended {len(candidates)} draft(s) to {path}; write each headline and remove "
            "'draft: true' to confirm it",
            file=sys.stderr,
        )
    return 0
