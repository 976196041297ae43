"""`compare`: one section in two editions, paragraphs aligned, words that changed marked."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError, library_from_args, pack_key_for_year, print_json
from bot.pack.compare import ADDED, CHANGED, REMOVED, Comparison, compare
from bot.pack.library import Library, split_edition


def register(sub: Any) -> None:
    p = sub.add_parser("compare", help="what changed in a section between two editions")
    p.add_argument("ref", nargs="+", help="e.g. 3.1.1(2) or a section title")
    p.add_argument("--from", dest="from_year", type=int, metavar="YEAR", help="default: previous")
    p.add_argument("--to", dest="to_year", type=int, metavar="YEAR", help="default: the newest")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)


def editions_to_compare(
    library: Library, from_year: int | None, to_year: int | None
) -> tuple[str, str]:
    """The two pack keys: `to` defaults to the newest, `from` to the edition before `to`."""
    after = pack_key_for_year(library, to_year)
    if from_year is not None:
        return pack_key_for_year(library, from_year), after
    years = library.editions()
    year = library.packs[after].manifest.edition_year
    older = [y for y in years if y < year]
    if not older:
        raise CliError(f"no edition before {year} to compare with; give --from YEAR")
    return pack_key_for_year(library, older[0]), after


def cmd_compare(args: argparse.Namespace) -> int:
    library = library_from_args(args)
    text = split_edition(" ".join(args.ref)).ref
    before, after = editions_to_compare(library, args.from_year, args.to_year)
    found = compare(before, library.packs[before], after, library.packs[after], text)
    if found is None:
        raise CliError(f"no section '{text}' in {library.label(before)} or {library.label(after)}")
    if args.json:
        print_json(found.to_dict(_year(library, before), _year(library, after)))
        return 0
    print(_text(library, found))
    return 0


def _year(library: Library, key: str) -> str:
    return str(library.packs[key].manifest.edition_year)


def _text(library: Library, found: Comparison) -> str:
    lines = [f"{found.ref}: {_year(library, found.before_key)} → {_year(library, found.after_key)}"]
    if found.status != CHANGED:
        lines.append(found.status)
    if found.status in (ADDED, REMOVED):
        return "\n".join(lines)
    for change in found.paragraphs:
        ref = (change.after or change.before).ref  # type: ignore[union-attr]
        if change.status == CHANGED:
            marked = "".join(
                f"[-{p.text}-]"
                if p.op == "removed"
                else f"{{+{p.text}+}}"
                if p.op == "added"
                else p.text
                for p in change.diff
            )
            lines.append(f"{ref}  changed\n  {marked}")
        else:
            lines.append(f"{ref}  {change.status}")
    return "\n".join(lines)
