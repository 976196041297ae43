"""`compare`: one section in two editions, paragraphs aligned, words that changed marked; or,
without a reference, the sections that changed between two editions, most changed first."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import (
    CliError,
    library_from_args,
    pack_key_for_year,
    print_json,
    refuse_edition_only,
)
from bot.fetch.contents import known_pages
from bot.pack.compare import (
    ADDED,
    NOT_HELD,
    REMOVED,
    REWRITTEN,
    SAME,
    Comparison,
    EditionChanges,
    ParagraphChange,
    Piece,
    changes_between,
    compare,
)
from bot.pack.held_pages import PageNotHeld
from bot.pack.library import Library, split_edition
from bot.replies.compare import other_edition_note, renumbered_what, rewritten_sentences


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="what changed in a section between two editions (no reference: every section)",
    )
    p.add_argument(
        "ref", nargs="*", help="e.g. 3.1.1(2) or a section title; none lists what changed"
    )
    p.add_argument("--from", dest="from_year", type=int, metavar="YEAR", help="default: previous")
    p.add_argument("--to", dest="to_year", type=int, metavar="YEAR", help="default: the newest")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_compare)


def editions_to_compare(
    library: Library, from_year: int | None, to_year: int | None, named: int | None = None
) -> tuple[str, str]:
    """The two pack keys: `to` defaults to the newest, `from` to the edition before `to`;
    with neither given, a reference naming edition `named` compares it with its successor
    (the edition before it when it is the newest). An edition `named` but not held is said
    at once, whatever --from and --to are: no advice to compare an edition the library lacks."""
    if named is not None:
        pack_key_for_year(library, named)
    if named is not None and from_year is None and to_year is None:
        pair = library.compared_with(named)
        if pair is not None:
            return pair
    after = pack_key_for_year(library, to_year)
    years = library.editions()
    year = library.packs[after].manifest.edition_year
    if len(years) < 2:
        raise CliError(
            f"this library holds one edition ({year}): there is nothing to compare it with; "
            "fetch another with bluebook-bot content fetch --edition YEAR --chapter N"
        )
    if from_year is not None:
        before = pack_key_for_year(library, from_year)
        if before == after:
            raise CliError(f"--from and --to are both {year}: give two different editions", code=2)
        return before, after
    older = [y for y in years if y < year]
    if not older:
        later = ", ".join(str(y) for y in sorted(y for y in years if y > year))
        raise CliError(
            f"{year} is the earliest edition held: give --to a later one ({later}) or "
            "--from and --to"
        )
    return pack_key_for_year(library, older[0]), after


def cmd_compare(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    typed = " ".join(args.ref)
    refuse_edition_only(typed)
    asked = split_edition(typed)
    named = asked.edition if args.ref else None
    before, after = editions_to_compare(library, args.from_year, args.to_year, named)
    y0, y1 = _year(library, before), _year(library, after)
    if not args.ref:
        return _print_changes(library, args, before, after)
    text = asked.ref
    # In the chapter the reference names, in both editions, as /compare reads it; looked up
    # in the edition it names, when it names one ('2024:3.1.1(2)').
    packs = library.compared_packs(typed, before, after)
    if packs.outside is not None:
        raise CliError(
            f"'{typed}' names {packs.outside}, which is neither edition compared ({y0} → {y1}); "
            f"give --from or --to {packs.outside}"
        )
    if packs.lacking is not None:
        held = ", ".join(map(str, packs.held)) or "no edition"
        raise CliError(
            f"chapter {packs.chapter} is not held in {packs.lacking}, so '{text}' cannot be "
            f"compared; chapter {packs.chapter} is held in {held}"
        )
    before, after = packs.before, packs.after
    known = known_pages(library, before, after)
    old, new = library.packs[before], library.packs[after]
    found = compare(before, old, after, new, text, known, edition=asked.edition)
    if found is None:
        miss = library.compare_miss(typed, before, after)
        where = f"{library.label(before)} or {library.label(after)}"
        prefix = ""
        parts = []
        if asked.edition is not None:
            where = library.label(miss.key)
            prefix = f"{asked.edition}:"
            note = other_edition_note(text, miss, asked.edition, mark="'")
            parts.append(note.rstrip("."))
        closest = ", ".join(f"{prefix}{s.ref} {s.title}" for s in miss.closest[:3])
        parts.append(f"closest: {closest}" if closest else "")
        raise CliError("; ".join(p for p in [f"no section '{text}' in {where}", *parts] if p))
    if args.json:
        print_json(found.to_dict(y0, y1))
        return 0
    print(_text(library, found))
    return 0


def _print_changes(library: Library, args: argparse.Namespace, before: str, after: str) -> int:
    """What changed in every chapter both editions hold, the default chapter first."""
    y0, y1 = _year(library, before), _year(library, after)
    pairs = library.compared_pairs(before, after)
    if not pairs:
        raise CliError(f"{y0} and {y1} hold no chapter in common: nothing to compare")
    every = [
        changes_between(b, library.packs[b], a, library.packs[a], known_pages(library, b, a))
        for b, a in pairs
    ]
    chapters = [library.packs[a].manifest.chapter_number for _, a in pairs]
    if args.json:
        data = every[0].to_dict(y0, y1)
        data["chapters"] = chapters
        for changes in every[1:]:
            more = changes.to_dict(y0, y1)
            data["sections"] += more["sections"]
            data["unchanged_sections"] += more["unchanged_sections"]
            data["renumbered_sections"] += more["renumbered_sections"]
            data["not_held"] += more["not_held"]
        print_json(data)
        return 0
    lines = [f"What changed: {y0} → {y1}"]
    for chapter, changes in zip(chapters, every, strict=True):
        if len(every) > 1:
            lines.append(f"\nChapter {chapter}:")
        lines += _changes_lines(library, changes)
    alone = _held_in_one(library, int(y0), int(y1))
    if alone:
        lines.append(f"\nNot compared: {alone}")
    lines.append(f"Details: bluebook-bot compare REF --from {y0} --to {y1}")
    print("\n".join(lines))
    return 0


def _held_in_one(library: Library, y0: int, y1: int) -> str:
    """The chapters only one of the two editions holds: 'chapter 5 (only in 2025)'."""
    held = {y: set(library.chapters_of(y)) for y in (y0, y1)}
    return ", ".join(
        f"chapter {c} (only in {y0 if c in held[y0] else y1})" for c in sorted(held[y0] ^ held[y1])
    )


def _year(library: Library, key: str) -> str:
    return str(library.packs[key].manifest.edition_year)


def _marked(pieces: tuple[Piece, ...]) -> str:
    """git's word-diff marks: [-removed-]{+added+}."""
    return "".join(
        f"[-{p.text}-]" if p.op == REMOVED else f"{{+{p.text}+}}" if p.op == ADDED else p.text
        for p in pieces
    )


def _paragraph(change: ParagraphChange) -> str:
    ref = (change.after or change.before).ref  # type: ignore[union-attr]
    if change.status == SAME:
        return f"{ref}  unchanged"
    if change.status == ADDED:
        return f"{ref}  added\n  {{+{change.after_text}+}}"
    if change.status == REMOVED:
        return f"{ref}  removed\n  [-{change.before_text}-]"
    if change.status == REWRITTEN:
        lines = [f"{ref}  rewritten"]
        for old, new in rewritten_sentences(change.before_text, change.after_text):
            lines += [f"  before: {old}"] if old else []
            lines += [f"  after:  {new}"] if new else []
        return "\n".join(lines)
    if change.more_after:
        label = f"{change.before.ref}  split into " + ", ".join(p.ref for p in change.afters)  # type: ignore[union-attr]
    elif change.more_before:
        label = ", ".join(p.ref for p in change.befores) + f"  merged into {ref}"
    else:
        label = f"{ref}  changed"
    return f"{label}\n  {_marked(change.diff)}"


def _text(library: Library, found: Comparison) -> str:
    y0, y1 = _year(library, found.before_key), _year(library, found.after_key)
    lines = [f"{found.ref}: {y0} → {y1}"]
    if found.was is not None:
        lines.append(f"renumbered from {found.was} in {y0}; now {found.ref} in {y1}")
    if found.status != "changed":
        lines.append(found.status)
    for heading in found.headings:
        lines.append(f"{heading.ref}  heading\n  {_marked(heading.diff)}")
    if found.status != NOT_HELD:
        lines += [_paragraph(change) for change in found.paragraphs]
    out = str(library.root)
    for missing in found.not_held:
        lines.append(
            f"page {missing.page} ({', '.join(missing.refs)}) is not in the {missing.edition} "
            f"library; {_advice(missing, out)}"
        )
    return "\n".join(lines)


def _advice(missing: PageNotHeld, out: str) -> str:
    if missing.likely:
        return f"fetch it with: {missing.fetch_command(out)}"
    return f"{missing.doubt}: {missing.fetch_command(out)}"


def _changes_lines(library: Library, changes: EditionChanges) -> list[str]:
    lines = []
    if changes.title is not None:
        lines.append(f"chapter title: {_marked(changes.title.diff)}")
    changed, added, removed = changes.kinds()
    unchanged = f"{changes.unchanged} unchanged"
    if changes.renumbered:
        unchanged = f"{len(changes.renumbered)} renumbered with text unchanged, {unchanged}"
    lines.append(
        f"{len(changes.sections)} sections differ ({changed} changed, {added} added, "
        f"{removed} removed), {unchanged}; most changed first (words changed):"
    )
    for rank, line in enumerate(changes.sections, 1):
        status = line.comparison.status
        counts = (
            f"section {status}"
            if status in (ADDED, REMOVED)
            else f"{line.changed} changed, {line.added} added, {line.removed} removed"
        )
        was = f" (was {line.was})" if line.was is not None else ""
        text = (
            f"{rank:3}. {line.ref:12}{was} {line.section.title} — {counts} ({line.words_changed})"
        )
        if line.renamed is not None:
            text += f"; heading: {_marked(line.renamed.diff)}"
        lines.append(text)
    for line in changes.renumbered:
        lines.append(
            f"     {line.ref:12} (was {line.was}) {line.section.title} — {renumbered_what(line)}"
        )
    out = str(library.root)
    for missing in changes.not_held:
        lines.append(
            f"page {missing.page} ({', '.join(missing.refs)}) is not in the {missing.edition} "
            f"library; {_advice(missing, out)}"
        )
    return lines
