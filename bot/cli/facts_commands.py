"""`content facts suggest`: drafts of facts for the sections of an edition that have none."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import CliError, content_dir, library_from_args, pack_key_for_year
from bot.pack.library import is_single_pack, pack_dir_for, parse_key
from bot.pack.loader import check_pack, shipped_content_dir
from bot.pack.model import Pack
from bot.pack.refs import EditionRefs, RefIndex
from bot.pack.suggest import (
    Candidate,
    DraftsError,
    drafts_file,
    suggest_facts,
    write_drafts,
)


def _chapter_dirs(args: argparse.Namespace) -> list[Path]:
    """The packs `facts suggest` reads and writes: `--content` itself when it is one pack,
    else every chapter of `--edition` (default: the newest) in that library, the default
    chapter first (a reference with its chapter left out is read in it, as `section` does)."""
    chosen = content_dir(args)
    root = Path(chosen) if chosen is not None else shipped_content_dir()
    if is_single_pack(root):
        return [root]
    library = library_from_args(args)
    key = pack_key_for_year(library, args.edition)
    keys = [key, *(k for k in library.chapters(key) if k != key)]
    return [pack_dir_for(root, *found) for k in keys if (found := parse_key(k)) is not None]


def _print_candidates(candidates: list[Candidate]) -> None:
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


def cmd_facts_suggest(args: argparse.Namespace) -> int:
    """Drafts for every chapter of the edition; with a reference, for the section it names,
    in the chapter it names. Each chapter's drafts go to its own facts.yaml."""
    if args.write and content_dir(args) is None:
        raise CliError("--write changes a pack: name one with --content DIR (not the shipped pack)")
    chapters: list[tuple[Path, Pack]] = []
    for pack_dir in _chapter_dirs(args):
        pack, problems = check_pack(pack_dir)
        if pack is None:
            for problem in problems:
                print(problem, file=sys.stderr)
            raise CliError("content pack is invalid; run `content check`")
        chapters.append((pack_dir, pack))
    section = None
    if args.ref:
        found = EditionRefs([RefIndex(pack) for _, pack in chapters]).resolve(args.ref)
        if found.section is None:
            closest = ", ".join(f"{s.ref} {s.title}" for s in found.suggestions[:3])
            raise CliError(
                f"unknown reference '{args.ref}'" + (f"; closest: {closest}" if closest else "")
            )
        section = found.section
        chapters = [(d, pack) for d, pack in chapters if pack is found.pack]
    # In chapter order, as the outline reads.
    chapters.sort(key=lambda chapter: chapter[1].manifest.chapter_number)
    drafts = [(d, p, suggest_facts(p, section, content_dir=d)) for d, p in chapters]
    for _, _, candidates in drafts:
        _print_candidates(candidates)
    if not any(candidates for *_, candidates in drafts):
        print("no candidates: every section with text has a fact, or states no number or date")
        return 0
    if args.write:
        _write(drafts)
    return 0


def _write(drafts: list[tuple[Path, Pack, list[Candidate]]]) -> None:
    """Every chapter's drafts, or none: all files are built and read back first, then
    written together (bot/pack/suggest.py `write_drafts`)."""
    try:
        files = [drafts_file(p, candidates, d) for d, p, candidates in drafts if candidates]
        write_drafts(files)
    except DraftsError as exc:
        manifest = exc.pack.manifest
        raise CliError(
            f"{manifest.edition_year} chapter {manifest.chapter_number}: {exc}; "
            "no facts file was changed"
        ) from None
    for file in files:
        print(
            f"appended {file.count} draft(s) to {file.path}; write each headline and remove "
            "'draft: true' to confirm it",
            file=sys.stderr,
        )
