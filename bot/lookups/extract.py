"""Find the lookups a chat message asks for: `[[words]]` and written section references.

A message is parsed once: each `Lookup` carries what answering it needs (the edition a
reference names, the reference without it, and, for a reference to the server's pack, the
place it resolved to), so the answer neither splits nor resolves it again. Queries are keyed
by search's own normal form (bot/search/normalize.py `normalize_query`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.lookups.markdown import strip_ignored
from bot.pack.library import edition_only, split_edition
from bot.pack.refs import EditionRefs, RefIndex, Resolved, normalise_ref
from bot.search.normalize import normalize, normalize_query

__all__ = [
    "MAX_INNER_CHARS",
    "MAX_LOOKUPS",
    "TOO_LONG_KEY",
    "EditionsRefs",
    "Lookup",
    "blank_bracketed",
    "extract_lookups",
    "strip_ignored",
]

# The references of an edition by its year; None when the edition is not held.
EditionsRefs = Callable[[int], RefIndex | EditionRefs | None]

# One message answers at most this many lookups; more would turn the reply into a wall.
MAX_LOOKUPS = 3
# `[[...]]` longer than this is refused, with one line saying so: nobody names a term in
# 200 characters, and /search takes no more.
MAX_INNER_CHARS = 200
# The key of a `[[...]]` too long to answer: all of a message's are refused in one line.
TOO_LONG_KEY = "\x00too long"
# Written references checked against the pack per message, so a message full of `§9`
# costs a bounded number of resolutions.
MAX_REF_CANDIDATES = 20

# Brackets inside are not allowed, so `[[[GCAP]]]` finds `GCAP` and scanning stays linear.
_BRACKETS = re.compile(r"\[\[([^\[\]\n]+)\]\]")

# A reference in running text. Labels are short (`.1`, `.B`, `(3)`, `(a)`) and taken
# possessively, so `§3.1.1(3)abc` is rejected whole rather than cut back to `§3.1`.
_LABEL = r"(?:\.(?:[0-9]{1,3}|[A-Za-z])(?![0-9A-Za-z])|\s?\((?:[0-9]{1,3}|[A-Za-z])\))"
_BODY = rf"[0-9]{{1,3}}(?:{_LABEL})*+"
_PARA = r"\s?¶\s?[0-9]{1,3}(?![0-9])"
_YEAR = r"(?:19|20|21)[0-9][0-9]"
# Plain numbers ("version 3.1") never count: a reference needs `§`, `sec`/`section`, or `¶`.
# It may name its edition as /section and `[[...]]` take it: `2024:§3.1`, `§2024:3.1`,
# `§3.1@2024`, `§3.1 (2024)`, `2024:3.1¶1`.
_TEXT_REF = re.compile(
    rf"(?<![\w§.])(?P<pre>(?P<before>{_YEAR})\s?:\s?)?"
    rf"(?:(?:§{{1,2}}\s?|sec(?:tion)?\.?\s?)(?P<mid>(?P<inside>{_YEAR})\s?:\s?)?"
    rf"{_BODY}(?:{_PARA})?|{_BODY}{_PARA})"
    rf"(?P<post>\s?@\s?(?P<at>{_YEAR})|\s\((?P<paren>{_YEAR})\))?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Lookup:
    """One thing a message asks about: a free-text query or a section reference.

    `kind` "too_long" is a `[[...]]` of more than MAX_INNER_CHARS, refused unread.
    `key` tells two lookups of one message apart (`[[gcap]]` and `[[ GCAP ]]` are one).
    `text` is the lookup as written, and `year` the edition it names (`[[2024:3.1.1(3)]]`,
    `[[2024:GCAP]]`, `§3.1.1(3)@2024`, else None). For a query, `words` is what is searched
    (the text without its edition). For a reference, `ref` is the reference without the
    edition, and `found` where it resolved: in the edition it names, or the one the message
    was parsed against (None for `[[...]]` naming an edition: resolved where answered)."""

    kind: Literal["query", "ref", "too_long"]
    text: str
    key: str
    year: int | None = None
    ref: str = ""
    found: Resolved | None = field(default=None, compare=False, repr=False)
    words: str = ""


def _place(resolved: Resolved) -> str | None:
    """The canonical reference of a resolved place, or None when the pack has no such place."""
    if resolved.paragraph is not None:
        return resolved.paragraph.ref
    if resolved.section is not None:
        return resolved.section.ref
    return None


def _bracketed(text: str, refs: RefIndex | EditionRefs) -> list[tuple[int, Lookup]]:
    found: list[tuple[int, Lookup]] = []
    for match in _BRACKETS.finditer(text):
        inner = match.group(1).strip()
        if not inner:
            continue
        if len(match.group(1)) > MAX_INNER_CHARS:
            found.append((match.start(), Lookup("too_long", inner, TOO_LONG_KEY)))
            continue
        # Read after folding, so a full-width or pasted-along form names the same edition.
        folded = normalize(inner, fold_case=False)
        qualified = split_edition(folded)  # [[2024:3.1.1(3)]] names its edition
        ref = qualified.ref
        # An edition and nothing else ([[@2024]]) is answered as /section answers it.
        if refs.looks_like_ref(ref) or edition_only(ref) is not None:
            # Asked for explicitly, so an unknown reference is still answered (with suggestions).
            if qualified.edition is not None:
                # Resolved where it is answered, in its own edition's pack.
                key = f"{qualified.edition}:{normalise_ref(ref).casefold()}"
                lookup = Lookup("ref", inner, key, qualified.edition, ref)
            else:
                resolved = refs.resolve(ref)
                key = _place(resolved) or normalise_ref(ref).casefold()
                lookup = Lookup("ref", inner, key, None, ref, resolved)
            found.append((match.start(), lookup))
        else:
            # [[2024:GCAP]] searches the 2024 edition, as /search with its edition option.
            asked = split_edition(folded, words=True)
            key = normalize_query(asked.ref)
            if asked.edition is not None:
                key = f"{asked.edition}:{key}"
            lookup = Lookup("query", inner, key, asked.edition, words=asked.ref)
            found.append((match.start(), lookup))
    return found


def _written_refs(
    text: str, refs: RefIndex | EditionRefs, refs_of: EditionsRefs | None
) -> list[tuple[int, Lookup]]:
    found: list[tuple[int, Lookup]] = []
    for n, match in enumerate(_TEXT_REF.finditer(text)):
        if n >= MAX_REF_CANDIDATES:
            break
        written = match.group(0).strip()
        named = next((match[g] for g in ("before", "inside", "at", "paren") if match[g]), None)
        year = int(named) if named is not None else None
        ref = written
        if year is not None:  # the reference without its edition
            ref = "".join(
                text[start:end] for start, end in _outside(match, ("pre", "mid", "post"))
            ).strip()
        # Unlike `[[...]]`, a reference in passing must exist ("section 230" is not ours),
        # in the edition it names: an edition not held names nothing of ours either.
        where = refs if year is None else (refs_of(year) if refs_of is not None else None)
        if where is None:
            continue
        resolved = where.resolve(ref)
        place = _place(resolved)
        if place is not None:
            key = place if year is None else f"{year}:{place}"
            found.append((match.start(), Lookup("ref", written, key, year, ref, resolved)))
    return found


def _outside(match: re.Match[str], groups: tuple[str, ...]) -> list[tuple[int, int]]:
    """The spans of `match` left when the spans of `groups` (those that matched) are cut out."""
    cuts = sorted(match.span(g) for g in groups if match[g] is not None)
    spans, at = [], match.start()
    for start, end in cuts:
        spans.append((at, start))
        at = end
    spans.append((at, match.end()))
    return spans


# Full-width forms of ASCII (`３．１`, `（３）`) and the ideographic space, as their ASCII:
# one character for one, so a match's offsets are the text's.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def blank_bracketed(text: str) -> str:
    """`text` with every `[[...]]` lookup replaced by spaces, same length."""
    return _BRACKETS.sub(lambda m: " " * len(m.group(0)), text)


def extract_lookups(
    text: str,
    refs: RefIndex | EditionRefs,
    *,
    max_lookups: int = MAX_LOOKUPS,
    refs_of: EditionsRefs | None = None,
) -> list[Lookup]:
    """The distinct lookups in `text`, in the order written, at most `max_lookups`. `refs`
    are the references of the edition read; `refs_of(year)` those of another edition, for a
    written reference naming one (None: not held), or None to read no such reference."""
    visible = strip_ignored(text)
    bracketed = _bracketed(visible, refs)
    # References inside `[[...]]` were taken above; blank them so they are not seen twice.
    written = _written_refs(blank_bracketed(visible).translate(_HALF_WIDTH), refs, refs_of)
    found = sorted(bracketed + written, key=lambda item: item[0])
    lookups: list[Lookup] = []
    seen: set[str] = set()
    for _, lookup in found:
        if len(lookups) >= max_lookups:
            break
        if lookup.key not in seen:
            seen.add(lookup.key)
            lookups.append(lookup)
    return lookups
