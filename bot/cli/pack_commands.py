"""`toc`, `section`, `fact` and `content check|import|fetch` (`content facts suggest`:
bot/cli/facts_commands.py)."""

from __future__ import annotations

import argparse
import asyncio
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.cli.common import (
    CliError,
    add_edition,
    content_dir,
    library_from_args,
    pack_key_for_year,
    print_json,
    refuse_edition_only,
)
from bot.cli.facts_commands import cmd_facts_suggest
from bot.facts import closest_ids, facts_on_topic, pick_fact
from bot.fetch.client import FetchOptions
from bot.fetch.crawl import DISALLOWED, FAILED, PageResult, listed_pages
from bot.fetch.run import FetchRequest, fetch
from bot.pack.importer import ImportFailure, ImportReport
from bot.pack.importer.filing import Filing, file_pages
from bot.pack.library import (
    EARLIEST_EDITION,
    LATEST_EDITION,
    check_library,
    pack_key,
    split_edition,
)
from bot.pack.loader import Problem, read_manifest
from bot.pack.pages import SITE, PageId
from bot.pack.strays import misplaced_out
from bot.pack.views import fact_json, outline, section_json, toc_json
from bot.replies.errors import missing_paragraph_text, section_notes
from bot.replies.facts import factless_text, steps_to_add_facts


def register(sub: Any) -> None:
    p = sub.add_parser("toc", help="show the outline with references")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_edition(p)
    p.set_defaults(func=cmd_toc)

    p = sub.add_parser("section", help="show a section or paragraph by reference or title")
    p.add_argument(
        "ref",
        nargs="+",
        help="e.g. 3.1.1(3), §3.1.1(3)¶1, 2024:3.1.1(3) or 'territorial integrity'",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_edition(p)
    p.set_defaults(func=cmd_section)

    p = sub.add_parser("fact", help="a random fact, one by id, or all of them")
    p.add_argument("id", nargs="?", help="the fact's id (default: a random fact)")
    p.add_argument("--all", action="store_true", help="every fact of the edition")
    p.add_argument("--topic", help="a random fact on this topic")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_edition(p)
    p.set_defaults(func=cmd_fact)

    content = sub.add_parser("content", help="check or import content packs")
    csub = content.add_subparsers(dest="content_cmd", metavar="COMMAND", required=True)
    p = csub.add_parser("check", help="validate a pack; prints file:line: message")
    p.add_argument(
        "--verbose", action="store_true", help="every warning (default: the first few per kind)"
    )
    p.set_defaults(func=cmd_check)
    p = csub.add_parser(
        "fetch", help="download a chapter's pages from the publisher's site and import them"
    )
    p.add_argument(
        "--edition",
        action="append",
        metavar="YEAR|all",
        help="an edition to fetch (repeatable), or 'all' for every edition the site has",
    )
    p.add_argument("--chapter", type=int, help="the chapter number, e.g. 3")
    p.add_argument("--pages", nargs="+", metavar="ID", help="only these pages, e.g. c030101")
    p.add_argument("--out", type=Path, required=True, help="the library to fetch into")
    p.add_argument("--site", default=SITE, help=f"the site to fetch from (default: {SITE})")
    p.add_argument(
        "--delay",
        type=float,
        default=FetchOptions.delay,
        help="seconds between two requests; retries wait twice as long, doubling "
        "(default: %(default)s)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=FetchOptions.timeout,
        help="seconds to wait for one answer (default: %(default)s)",
    )
    p.add_argument("--strict", action="store_true", help="warnings are errors; nothing imported")
    p.set_defaults(func=cmd_fetch)
    p = csub.add_parser(
        "import", help="add pages (text, copied text or saved .html) to a pack, or make one"
    )
    p.add_argument(
        "file", type=Path, nargs="+", help="page files: .txt (typed or copied text) or saved .html"
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a pack, or a library: pages are filed into DIR/<edition>/chapter<N>/",
    )
    p.add_argument("--page", help="the page id of the one file, e.g. c030102")
    p.add_argument(
        "--edition",
        type=int,
        help="the edition year of pages that do not say theirs (one saying another is refused)",
    )
    p.add_argument("--strict", action="store_true", help="warnings are errors; nothing written")
    p.set_defaults(func=cmd_import)
    facts = csub.add_parser("facts", help="work on the fact index")
    fsub = facts.add_subparsers(dest="facts_cmd", metavar="COMMAND", required=True)
    p = fsub.add_parser("suggest", help="candidate facts for sections that have none")
    p.add_argument("ref", nargs="?", help="only this section and those below it")
    p.add_argument("--write", action="store_true", help="append them to facts.yaml as drafts")
    add_edition(p)
    p.set_defaults(func=cmd_facts_suggest)


def cmd_toc(args: argparse.Namespace) -> int:
    """The outline of every chapter of the edition, as /toc lists them."""
    library = library_from_args(args)
    packs = [library.packs[k] for k in library.chapters(pack_key_for_year(library, args.edition))]
    if args.json:
        print_json(toc_json(packs))
        return 0
    for depth, section in outline(packs):
        print(f"{'  ' * depth}{section.ref:<{max(14 - 2 * depth, 0)}}  {section.heading}")
    print(f"({packs[0].manifest.title})")
    return 0


def cmd_section(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    qualified = split_edition(" ".join(args.ref))
    # A qualified reference names its edition; it wins over --edition.
    key = pack_key_for_year(library, qualified.edition or args.edition)
    text = qualified.ref
    # In the chapter the reference names, as the bot reads it (bot/pack/refs.py EditionRefs).
    found = library.edition_refs(key).resolve(text)
    pack = found.pack or library.packs[key]
    key = pack_key(pack.manifest.edition_year, pack.manifest.chapter_number)
    missing = missing_paragraph_text(found, pack.manifest.title)
    if missing is not None:
        raise CliError(missing)
    if found.section is None:
        refuse_edition_only(text)
    if found.section is None:
        closest = ", ".join(f"{s.ref} {s.title}" for s in found.suggestions[:3])
        # As /section says it (without Discord's backticks): the chapter the edition lacks,
        # the editions holding the section.
        notes = section_notes(library, text, pack.manifest.edition_year, qualified.edition)
        plain = [note.replace("`", "'").rstrip(".") for note in notes]
        raise CliError(
            f"unknown reference '{text}'"
            + (f"; closest: {closest}" if closest else "")
            + "".join(f". {note}" for note in plain)
        )
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
    """A fact of the edition, any chapter of it, as /fact draws them."""
    if args.id and (args.all or args.topic):
        raise CliError("give a fact id, or --all and --topic, not both", code=2)
    library = library_from_args(args)
    key = pack_key_for_year(library, args.edition)
    # As /fact: while the newest edition has no facts (a fresh fetch), the newest edition with
    # some; an edition named with --edition is read as named.
    drawn_key = library.facts_key(key) if args.edition is None else key
    if drawn_key != key:
        print(
            f"note: {library.label(key)} has no facts yet; these are {library.label(drawn_key)}'s,"
            " as /fact draws them",
            file=sys.stderr,
        )
    drawn = library.facts(drawn_key)
    facts = [fact for _, fact in drawn]
    if args.all:
        chosen = facts_on_topic(facts, args.topic) if args.topic else facts
        if args.topic and not chosen:
            raise CliError(f"no fact on '{args.topic}'")
        listed = [fact_json(f) for f in chosen]
        if args.json:
            print_json(listed)
        else:
            for f in listed:
                print(f"{f['id']:<40} {f['ref']:<12} {f['headline']}")
        return 0
    if args.id:
        fact = next((f for f in facts if f.id == args.id), None)
        if fact is None:
            near = closest_ids(facts, args.id)
            raise CliError(
                f"unknown fact '{args.id}'" + (f"; closest: {', '.join(near)}" if near else "")
            )
    else:
        fact = pick_fact(facts, args.topic)
        if fact is None:
            none = f"{library.label(key)} has no facts"
            with_facts = library.facts_key(key)
            if with_facts != key:
                year = library.packs[with_facts].manifest.edition_year
                none += f"; {year} has some: --edition {year}"
            raise CliError(f"no fact on '{args.topic}'" if args.topic else none)
    if args.json:
        print_json(fact_json(fact))
    else:
        pack = library.packs[next(k for k, f in drawn if f is fact)]
        section = pack.sections.get(fact.ref) or pack.section_of(pack.paragraphs[fact.ref])
        print(
            f"{fact.headline}\n\n> {fact.quote}\n\n— {fact.ref}, {pack.manifest.title}"
            f"  ({pack.source_url(section)})"
        )
    return 0


# Warnings of one kind read alike; a maintainer needs the count and a few to look at.
SHOWN_PER_KIND = 3
_WARNING_KINDS = (
    ("looks like a heading, kept as text", re.compile(r"looks like a heading")),
    ("numbering skips", re.compile(r"numbering (?:skips|under .* starts)")),
    ("placed by a guess", re.compile(r"placed (?:under|by)|continued|guessed|imported as")),
    ("claimed by two pages", re.compile(r"also claimed")),
    ("folder the library does not read", re.compile(r"^folder not read")),
    ("draft fact", re.compile(r"is a draft")),
    ("section without a fact (`content facts suggest` drafts some)", re.compile(r"has no fact")),
    ("term not in the library", re.compile(r"^term '.*' occurs nowhere")),
    ("thesaurus target not in the text", re.compile(r"^thesaurus: .* occurs nowhere")),
)


def warning_kind(problem: Problem) -> str:
    """The kind a warning is grouped under in `content check`."""
    for kind, pattern in _WARNING_KINDS:
        if pattern.search(problem.message):
            return kind
    return "other"


def print_problems(problems: Sequence[Problem], *, verbose: bool = False) -> None:
    """Every error, then the warnings grouped by kind with counts (a few each unless verbose),
    on stderr: errors and warnings go there, as with `content import` and `content fetch`."""
    for problem in problems:
        if not problem.warning:
            complain(str(problem))
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.warning:
            groups.setdefault(warning_kind(problem), []).append(problem)
    for kind, found in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        complain(f"{len(found)} warning(s): {kind}")
        shown = found if verbose else found[:SHOWN_PER_KIND]
        for problem in shown:
            complain(f"  {problem}")
        if len(found) > len(shown):
            complain(f"  ... and {len(found) - len(shown)} more (--verbose shows all)")


def cmd_check(args: argparse.Namespace) -> int:
    """The problems on stderr; the summary (error count, or each pack's "ok") on stdout."""
    library, problems = check_library(content_dir(args))
    print_problems(problems, verbose=args.verbose)
    errors = [p for p in problems if not p.warning]
    if errors or library is None:
        say(f"{len(errors)} error(s)")
        return 1
    for key, pack in library.packs.items():
        label = f"{key}: " if len(library) > 1 else ""
        say(
            f"ok: {label}{len(pack.sections)} sections, {len(pack.paragraphs)} paragraphs, "
            f"{len(pack.facts)} facts, {len(pack.glossary.terms)} glossary terms"
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.edition is not None and not EARLIEST_EDITION <= args.edition <= LATEST_EDITION:
        raise CliError(
            f"--edition {args.edition}: an edition is a year from {EARLIEST_EDITION} "
            f"to {LATEST_EDITION}"
        )
    try:
        filing = file_pages(
            args.file, args.out, page=args.page, edition=args.edition, strict=args.strict
        )
    except ImportFailure as exc:
        raise CliError(str(exc)) from None
    return print_filing(filing, args.out, strict=args.strict)


def say(line: str = "", *, end: str = "\n") -> None:
    """A line of what an import or fetch did, on stdout, written at once: a fetch interrupted
    while piped into another program (which the same Ctrl-C stops) keeps every line it
    printed, and in a log of both streams each line keeps its place among the warnings."""
    print(line, end=end, flush=True)


def complain(line: str) -> None:
    """An error or warning of an import or fetch, on stderr."""
    print(line, file=sys.stderr, flush=True)


def print_filing(
    filing: Filing,
    out: Path,
    *,
    strict: bool,
    urls: Mapping[str, str] | None = None,
    not_fetched: int = 0,
) -> int:
    """The reports of an import, the pages left out, and the exit status (1: something wrong):
    what was imported on stdout, errors and warnings on stderr.

    `urls` names where a fetched file came from, so a page left out is named by its URL too;
    `not_fetched` counts the pages a fetch already named as errors, for the summary."""
    for report in filing.reports:
        if len(filing.reports) > 1 or report.pack_dir != out:
            say(f"pack {report.pack_dir}:")
        print_import_report(report)
    for failure in filing.failures:
        url = (urls or {}).get(failure.file)
        complain(f"{failure} (from {url})" if url else str(failure))
    if strict and (filing.warnings or filing.failures):
        complain(
            f"error: {filing.warnings} warning(s), {len(filing.failures)} page(s) failed, "
            "with --strict; nothing written"
        )
        return 1
    status = 1 if filing.failures else 0
    for report in filing.reports:
        errors = report.errors
        say(
            f"wrote {len(report.pages)} page(s) to {report.pack_dir}; content check: "
            f"{len(errors)} error(s), {len(report.problems) - len(errors)} warning(s)"
        )
        status = status or (1 if errors else 0)
    if filing.reports:
        say(f"serve or check it with `--content {out}`")
        _warn_factless(filing, out)
    left_out = len(filing.failures) + not_fetched
    if left_out and filing.reports:
        complain(f"error: {left_out} page(s) not imported (listed above); the others were")
    return status


def _warn_factless(filing: Filing, out: Path) -> None:
    """A warning for each edition written to that has no facts yet (a fresh fetch or import
    has none): until it has some, /fact and the fact of the day draw another edition's."""
    if filing.library is None:
        return
    written = {r.edition for r in filing.reports if r.written and r.edition is not None}
    for year, drawn in filing.library.factless(sorted(written, reverse=True)):
        said = factless_text([(year, drawn)])
        complain(f"warning: {said} {steps_to_add_facts(year, library=shlex.quote(str(out)))}")


def _fetch_request(args: argparse.Namespace) -> FetchRequest:
    editions: list[int] = []
    for value in args.edition or []:
        if value == "all":
            continue
        if not re.fullmatch(r"(?:19|20)\d{2}", value):
            raise CliError(f"--edition {value!r}: give a year like 2025, or 'all'", code=2)
        editions.append(int(value))
    if not args.edition:
        raise CliError("name the editions: --edition 2025 (repeatable) or --edition all", code=2)
    if "all" in args.edition and editions:
        raise CliError("--edition all already means every edition; drop the years", code=2)
    pages: list[PageId] = []
    for value in args.pages or []:
        page = PageId.parse(value)
        if page is None:
            raise CliError(f"--pages {value!r} is not a page id like c030101", code=2)
        pages.append(page)
    if args.chapter is not None and args.chapter < 1:
        raise CliError(f"--chapter {args.chapter}: a chapter number is 1 or more, e.g. 3", code=2)
    chapter = args.chapter or (pages[0].chapter if pages else None)
    if chapter is None:
        raise CliError("name the chapter: --chapter 3 (or the pages: --pages c030101 ...)", code=2)
    if any(p.chapter != chapter for p in pages):
        raise CliError(f"--pages must all be pages of chapter {chapter}", code=2)
    site = urlsplit(args.site)
    if site.scheme not in ("http", "https") or not site.netloc:
        raise CliError(f"--site {args.site!r} is not an http(s) address", code=2)
    if args.delay < 0 or args.timeout <= 0:
        raise CliError("--delay must be 0 or more and --timeout more than 0 seconds", code=2)
    misplaced = misplaced_out(args.out)
    if misplaced is not None:
        raise CliError(misplaced, code=2)
    return FetchRequest(
        library=args.out,
        chapter=chapter,
        editions=tuple(editions),
        pages=tuple(pages),
        site=args.site,
        # Retries wait twice the delay, doubling each time: --delay sets the whole pace.
        options=FetchOptions(delay=args.delay, timeout=args.timeout, backoff=2 * args.delay),
    )


class _FetchProgress:
    """On stdout, with the rest of what a fetch did: a bar with pages done / found on a
    terminal, one line per page otherwise."""

    def __init__(self, bar: bool) -> None:
        self.bar = bar

    def __call__(self, edition: int, page: PageResult, done: int, found: int) -> None:
        if not self.bar:
            reason = f": {page.reason}" if page.reason else ""
            say(f"{edition} {page.page} {page.outcome}{reason}")
            return
        width = 30
        filled = width * done // max(found, done, 1)
        say(
            f"\r{edition} [{'#' * filled}{'.' * (width - filled)}] {done}/{found} {page.page}",
            end="",
        )

    def end(self) -> None:
        if self.bar:
            say()
            self.bar = False  # ended once: a later line starts on its own


def cmd_fetch(args: argparse.Namespace) -> int:
    request = _fetch_request(args)
    progress = _FetchProgress(sys.stdout.isatty())
    try:
        return _fetch_and_import(args, request, progress)
    except KeyboardInterrupt:
        # Every page kept so far is whole (crawl.py): the next run asks only for the rest.
        progress.end()
        complain("interrupted: run the same command again to resume")
        return 130
    except BrokenPipeError:
        # What read the output went away (`| head`): the run stops there, as for Ctrl-C,
        # rather than fetch on with no one reading, and says so.
        complain("stopped: the output was closed; run the same command again to resume")
        return 1


def _fetch_and_import(
    args: argparse.Namespace, request: FetchRequest, progress: _FetchProgress
) -> int:
    run = asyncio.run(fetch(request, progress))
    progress.end()
    status = 0
    files: dict[Path, int] = {}
    urls: dict[str, str] = {}
    not_fetched = 0  # pages named as errors below, with no copy to import
    for edition in run.editions:
        for warning in edition.warnings:
            complain(str(warning))
        outcomes: dict[str, int] = {}
        for page in edition.pages:
            outcomes[page.outcome] = outcomes.get(page.outcome, 0) + 1
            if page.file is not None:
                files[page.file] = edition.edition
                urls[str(page.file)] = page.url
            if page.outcome == FAILED:
                complain(f"{page.url}: error: {page.reason.removeprefix(page.url + ': ')}")
                status = 1
            elif page.outcome == DISALLOWED:
                complain(f"{page.url}: warning: robots.txt disallows it; not fetched")
            elif page.file is None and edition.found_by == "--pages":
                complain(f"{page.url}: error: the site says 404 (no such page)")
                status = 1
            elif page.file is None:
                # Listed, so a page of the chapter that cannot be fetched: an error, as when
                # named with --pages; the other pages are still imported.
                complain(
                    f"{page.url}: error: listed in the table of contents, but the site says 404"
                )
                status = 1
            if page.file is None and page.outcome != DISALLOWED:
                not_fetched += 1
        summary = ", ".join(f"{n} {o}" for o, n in outcomes.items()) or "no pages"
        say(
            f"edition {edition.edition}: {len(edition.pages)} page(s) by {edition.found_by}: "
            f"{summary}"
        )
    if run.error:  # what stopped the run
        complain(f"error: {run.error}")
        status = 1
    say(f"{run.requests} request(s) to {request.site}")
    # An edition with no page: what the site lists instead, when it says (crawl.py).
    absent = [edition.absent for edition in run.editions if edition.absent]
    if not files:
        for line in absent or ["nothing to import"]:
            complain(f"error: {line}")
        return 1
    for line in absent:
        complain(f"warning: {line}")
    try:
        filing = file_pages(list(files), args.out, strict=args.strict, editions=files)
    except ImportFailure as exc:
        raise CliError(str(exc)) from None
    status = (
        print_filing(filing, args.out, strict=args.strict, urls=urls, not_fetched=not_fetched)
        or status
    )
    for edition in run.editions:
        if edition.found_by == "table of contents":
            _warn_unlisted(Path(args.out), edition.edition, request.chapter)
    return status


def _warn_unlisted(library: Path, year: int, chapter: int) -> None:
    """Name each page the library holds for `chapter` of `year` that the table of contents
    just fetched no longer lists: it stays (nothing is deleted), and the user decides."""
    listed = listed_pages(library, year, chapter)
    manifest, _ = read_manifest(library / str(year) / f"chapter{chapter}")
    if listed is None or manifest is None:
        return
    for page in manifest.pages:
        if page.id not in listed:
            complain(
                f"warning: {year} chapter {chapter}: page {page.id} is in the library but its "
                "table of contents no longer lists it; it is kept (delete its file and its "
                "line in manifest.yaml to drop it)"
            )


def print_import_report(report: ImportReport) -> None:
    """The pages and the outline with references (stdout), then every warning and broken
    fact (stderr)."""
    for page in report.pages:
        edition = page.edition or "?"
        say(f"page {page.page} ({page.placed_by}): edition {edition}, chapter {page.chapter}")
        say(f"  {page.file} -> {page.source_url}")
    imported = {p.page for p in report.pages}
    say("outline:")
    for entry in report.outline:
        mark = "+" if entry.page in imported else " "
        say(f"{mark} {entry.ref:<18} {entry.heading}")
    for warning in report.warnings:
        complain(str(warning))
    for fact in report.broken_facts:
        complain(f"{fact} (broken by this import)")
