"""What changed between two editions: one section (`compare`) or the whole chapter
(`changes_between`), paragraphs paired by their words, the words that changed marked.

Text is compared under the equivalence search and /verify use (`normalize` with case kept):
curly and straight quotes, apostrophes, dash variants and non-breaking or repeated spaces
are the same text, so a paragraph that differs only in them is unchanged.

Sections are matched by reference first, then by title (numbering moves between years).
Paragraphs are paired in reading order: identical ones anchor the pairing; between anchors,
paragraphs pair so that the most words are kept, each pair keeping at least PAIR_MIN of the
earlier paragraph's words. One paragraph left on each side of a gap that still shares
REWRITE_MIN of its words was rewritten (shown as before/after sentences). A paragraph split
in two, or two merged into one, is one change. What is left was added or removed.

A page (cCCSSPP) that one edition's manifest does not list may be held there under another
id: a part inserted before others moves their page ids on (c040102 becomes c040103), so the
page's first heading is matched like any section, by reference then title, and what is under
it follows. A page that edition's kept table of contents does not list is one it does not
have: its sections were added or removed. Any other is "not held" (bot/pack/held_pages.py),
never added or removed text.

`changes_between` ranks the sections that changed by words changed: words removed plus
words added (a whole added or removed paragraph counts all its words, a renamed heading the
words of both headings), most first, then in reading order.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process, utils

from bot.pack.held_pages import KnownPages, PageNotHeld, holds
from bot.pack.model import Pack, Paragraph, Section
from bot.pack.refs import RefIndex
from bot.search.normalize import normalize

# A paragraph of the later edition is the earlier one edited when it keeps at least this
# share of the earlier paragraph's words (in order). So a paragraph that kept half of its
# words is always "changed", with the words that changed marked.
PAIR_MIN = 0.5
# Below PAIR_MIN, the one paragraph left on each side of a gap is the same paragraph
# rewritten when it kept at least this share of its words; it is shown as before/after
# sentences, since word marks would be a storm of one-word swaps.
REWRITE_MIN = 0.2
# A paragraph split in two: the second part is part of the change when at least this share
# of its words come from the earlier paragraph (the same for two paragraphs merged).
SPLIT_MIN = 0.8
# A section of the other edition with another reference is the same section when its title
# scores at least this (rapidfuzz WRatio, 0-100).
TITLE_MATCH_MIN = 90
# A word with the whitespace after it: whitespace is never a change of its own.
_TOKENS = re.compile(r"\s*\S+\s*|\s+")

SAME, CHANGED, REWRITTEN, ADDED, REMOVED = "same", "changed", "rewritten", "added", "removed"
UNCHANGED, NOT_HELD = "unchanged", "not held"


def text_key(text: str) -> str:
    """What two texts must share to read the same: the search and /verify equivalence."""
    return " ".join(normalize(text, fold_case=False).split())


@lru_cache(maxsize=65536)
def _token_key(token: str) -> str:
    # Words repeat across paragraphs and editions: each is normalised once.
    return text_key(token)


def _words(text: str) -> list[str]:
    return text_key(text).split()


def same_paragraph(pack: Pack, text: str, ref: str | None = None) -> Paragraph | None:
    """The paragraph of `pack` that reads as `text` (`text_key`), looked for at `ref` first:
    where another edition holds a paragraph unchanged, perhaps renumbered."""
    at = pack.paragraphs.get(ref) if ref is not None else None
    if at is not None and (at.text == text or text_key(at.text) == text_key(text)):
        return at
    exact = next((p for p in pack.paragraphs.values() if p.text == text), None)
    if exact is not None:
        return exact
    key = text_key(text)
    return next((p for p in pack.paragraphs.values() if text_key(p.text) == key), None)


@dataclass(frozen=True)
class Piece:
    """A run of a diff: `same` text (as the later edition writes it), `removed` or `added`."""

    op: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph's fate. A split paragraph lists its other parts in `more_after`, two
    merged ones the other earlier paragraph in `more_before`; `diff` covers them all."""

    status: str  # same | changed | rewritten | added | removed
    before: Paragraph | None
    after: Paragraph | None
    diff: tuple[Piece, ...] = ()
    more_before: tuple[Paragraph, ...] = ()
    more_after: tuple[Paragraph, ...] = ()

    @property
    def befores(self) -> tuple[Paragraph, ...]:
        return (self.before, *self.more_before) if self.before else ()

    @property
    def afters(self) -> tuple[Paragraph, ...]:
        return (self.after, *self.more_after) if self.after else ()

    @property
    def before_text(self) -> str:
        return " ".join(p.text for p in self.befores)

    @property
    def after_text(self) -> str:
        return " ".join(p.text for p in self.afters)

    @property
    def words_changed(self) -> int:
        """Words removed plus words added: how much this change weighs in a ranking."""
        if self.status == ADDED:
            return len(_words(self.after_text))
        if self.status == REMOVED:
            return len(_words(self.before_text))
        return sum(len(p.text.split()) for p in self.diff if p.op != SAME)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_ref": self.before.ref if self.before else None,
            "to_ref": self.after.ref if self.after else None,
            "also_from": [p.ref for p in self.more_before],
            "also_to": [p.ref for p in self.more_after],
            "status": self.status,
            "from_text": self.before_text or None,
            "to_text": self.after_text or None,
            "diff": [p.to_dict() for p in self.diff],
        }


@dataclass(frozen=True)
class HeadingChange:
    """A heading (or the chapter title) that reads differently in the later edition."""

    ref: str
    before: str
    after: str
    diff: tuple[Piece, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "from": self.before, "to": self.after}


@dataclass(frozen=True)
class Comparison:
    ref: str
    before_key: str
    after_key: str
    before: Section | None
    after: Section | None
    paragraphs: tuple[ParagraphChange, ...] = field(default_factory=tuple)
    headings: tuple[HeadingChange, ...] = ()
    not_held: tuple[PageNotHeld, ...] = ()

    @property
    def status(self) -> str:
        """unchanged | changed | added | removed | not held (its page is missing from one)."""
        if self.before is None or self.after is None:
            if self.not_held:
                return NOT_HELD
            return ADDED if self.before is None else REMOVED
        if self.headings or any(p.status != SAME for p in self.paragraphs):
            return CHANGED
        return UNCHANGED

    def count(self, *statuses: str) -> int:
        return sum(1 for p in self.paragraphs if p.status in statuses)

    @property
    def was(self) -> str | None:
        """The section's reference in the earlier edition when it was renumbered (a section
        inserted before it): "4.1.2" for a 4.1.3; else None."""
        if self.before is None or self.after is None or self.before.ref == self.after.ref:
            return None
        return self.before.ref

    @property
    def words_changed(self) -> int:
        return sum(p.words_changed for p in self.paragraphs) + sum(
            len(h.before.split()) + len(h.after.split()) for h in self.headings
        )

    def to_dict(self, before_label: str, after_label: str) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "from": before_label,
            "to": after_label,
            "status": self.status,
            "headings": [h.to_dict() for h in self.headings],
            "not_held": [n.to_dict() for n in self.not_held],
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """Word-level differences; whitespace goes with the word before it and is never a
    change; words that read the same (quotes, dashes, spaces) are the same."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    matcher = difflib.SequenceMatcher(
        None, [_token_key(t) for t in a], [_token_key(t) for t in b], autojunk=False
    )
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            run = "".join(b[j1:j2])
            last = a[i2 - 1]
            if i2 < len(a) and not run[-1:].isspace() and last[-1:].isspace():
                # Removed words follow: keep the earlier text's space before them.
                run += last[len(last.rstrip()) :]
            _add(pieces, SAME, run)
            continue
        # The space after a change is not part of it: it stays with the text around.
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        tail = (added or removed)[len((added or removed).rstrip()) :]
        _add(pieces, REMOVED, removed.rstrip())
        _add(pieces, ADDED, added.rstrip())
        _add(pieces, SAME, tail)
    return tuple(pieces)


def _add(pieces: list[Piece], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))


def kept_words(before: Sequence[str], after: Sequence[str]) -> int:
    """How many of `before`'s words `after` keeps, in order."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def kept_share(before: str, after: str) -> float:
    """The share of `before`'s words that `after` keeps, in order (0-1)."""
    a = _words(before)
    return kept_words(a, _words(after)) / len(a) if a else 0.0


def align(before: list[Paragraph], after: list[Paragraph]) -> list[ParagraphChange]:
    """Pair the paragraphs of two versions of a section, in reading order."""
    changes: list[ParagraphChange] = []
    a, b = [text_key(p.text) for p in before], [text_key(p.text) for p in after]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [ParagraphChange(SAME, before[i], after[j1 + i - i1]) for i in range(i1, i2)]
        else:
            changes += _pair(before[i1:i2], after[j1:j2])
    return _join_splits(changes)


def _pair(before: list[Paragraph], after: list[Paragraph]) -> list[ParagraphChange]:
    """Between two anchors: the order-keeping pairing that keeps the most words, each pair
    keeping at least PAIR_MIN of the earlier paragraph's words."""
    wa = [_words(p.text) for p in before]
    wb = [_words(p.text) for p in after]
    kept = [[kept_words(x, y) for y in wb] for x in wa]
    n, m = len(before), len(after)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = -1
            if wa[i] and kept[i][j] >= PAIR_MIN * len(wa[i]):
                take = kept[i][j] + best[i + 1][j + 1]
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if (
            wa[i]
            and kept[i][j] >= PAIR_MIN * len(wa[i])
            and best[i][j] == kept[i][j] + best[i + 1][j + 1]
        ):
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    out: list[ParagraphChange] = []
    pi = pj = 0
    for i, j in [*pairs, (n, m)]:
        out += _gap(before[pi:i], after[pj:j], wa[pi:i], wb[pj:j])
        if i < n:
            old, new = before[i], after[j]
            out.append(ParagraphChange(CHANGED, old, new, word_diff(old.text, new.text)))
        pi, pj = i + 1, j + 1
    return out


def _gap(
    before: list[Paragraph], after: list[Paragraph], wa: list[list[str]], wb: list[list[str]]
) -> list[ParagraphChange]:
    """Paragraphs left between two pairs: one on each side is a rewrite when alike enough;
    one on a side whose words make up every paragraph of the other was split (or merged)."""
    if len(before) == 1 and len(after) > 1 and _made_of(wa[0], wb):
        return [_rejoined(tuple(before), tuple(after))]
    if len(after) == 1 and len(before) > 1 and _made_of(wb[0], wa):
        return [_rejoined(tuple(before), tuple(after))]
    one_each = len(before) == 1 and len(after) == 1 and bool(wa[0])
    if one_each and kept_words(wa[0], wb[0]) >= REWRITE_MIN * len(wa[0]):
        old, new = before[0], after[0]
        return [ParagraphChange(REWRITTEN, old, new, word_diff(old.text, new.text))]
    return [ParagraphChange(REMOVED, p, None) for p in before] + [
        ParagraphChange(ADDED, None, p) for p in after
    ]


def _made_of(whole: list[str], parts: list[list[str]]) -> bool:
    """Whether each of `parts` takes at least SPLIT_MIN of its words from `whole`."""
    return all(p and kept_words(p, whole) >= SPLIT_MIN * len(p) for p in parts)


def _join_splits(changes: list[ParagraphChange]) -> list[ParagraphChange]:
    """A changed paragraph next to an added one made mostly of its words was split in two;
    next to a removed one whose words it holds, two were merged."""
    out = list(changes)
    i = 0
    while i < len(out):
        # After a join, look at the joined change again: a paragraph may be split in three.
        if out[i].status == CHANGED and _absorb(out, i):
            i = max(i - 1, 0)
            continue
        i += 1
    return out


def _absorb(out: list[ParagraphChange], i: int) -> bool:
    """Join the added or removed paragraph beside change `i` into it, when it belongs."""
    change = out[i]
    for k in (i + 1, i - 1):
        if not 0 <= k < len(out):
            continue
        other = out[k]
        later = k > i
        if other.status == ADDED and other.after is not None:
            parts = (*change.afters, other.after) if later else (other.after, *change.afters)
            if _adds_words(change.befores, change.afters, parts, other.after, split=True):
                out[min(i, k) : max(i, k) + 1] = [_rejoined(change.befores, parts)]
                return True
        if other.status == REMOVED and other.before is not None:
            parts = (*change.befores, other.before) if later else (other.before, *change.befores)
            if _adds_words(change.befores, change.afters, parts, other.before, split=False):
                out[min(i, k) : max(i, k) + 1] = [_rejoined(parts, change.afters)]
                return True
    return False


def _adds_words(
    befores: tuple[Paragraph, ...],
    afters: tuple[Paragraph, ...],
    parts: tuple[Paragraph, ...],
    extra: Paragraph,
    *,
    split: bool,
) -> bool:
    """Whether joining `extra` into the change keeps SPLIT_MIN of its words in the other side."""
    side = " ".join(p.text for p in (befores if split else afters))
    old = " ".join(p.text for p in (afters if split else befores))
    new = " ".join(p.text for p in parts)
    extra_words = len(_words(extra.text))
    if not extra_words:
        return False
    # Words kept count the same both ways, so one formula serves a split and a merge.
    gain = kept_words(_words(side), _words(new)) - kept_words(_words(side), _words(old))
    return gain >= SPLIT_MIN * extra_words


def _rejoined(befores: tuple[Paragraph, ...], afters: tuple[Paragraph, ...]) -> ParagraphChange:
    before_text = " ".join(p.text for p in befores)
    after_text = " ".join(p.text for p in afters)
    return ParagraphChange(
        CHANGED,
        befores[0],
        afters[0],
        word_diff(before_text, after_text),
        more_before=tuple(befores[1:]),
        more_after=tuple(afters[1:]),
    )


def _same_title(one: Section, other: Section) -> bool:
    return one.title == other.title or fuzz.WRatio(one.title, other.title) >= TITLE_MATCH_MIN


def _by_title(title: str, pool: Iterable[Section], level: int) -> Section | None:
    """The section of `pool` at `level` whose title best matches `title`, if one does."""
    candidates = [s for s in pool if s.level == level]
    best = process.extractOne(
        title,
        [s.title for s in candidates],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=TITLE_MATCH_MIN,
    )
    return candidates[best[2]] if best is not None else None


def match_section(pack: Pack, section: Section, within: Section | None = None) -> Section | None:
    """The section of `pack` that is `section` of another edition: same ref, else title.
    With `within` (the counterpart of its parent) only that section's own are candidates."""
    same = pack.sections.get(section.ref)
    if same is not None and within is not None and same.parent is not within:
        same = None
    if same is not None and _same_title(same, section):
        return same
    pool = within.children if within is not None else pack.sections.values()
    return _by_title(section.title, pool, section.level) or same


def counterpart(other: Pack, own: Pack, section: Section) -> Section | None:
    """`section` of `own` in the `other` edition, or None when `other` lacks its page or
    holds nothing that is it. A subsection is looked for under its parent's counterpart,
    then (moved to another part) anywhere. A section found by title is the one whose title
    matches it best, and never one that has a counterpart of its own ("Overview" heads many
    sections; "Trade" is as close to "Trade Policy" as to "Trade Statistics")."""
    if not holds(other, section):
        # `other` may hold the page under another id (a section inserted before it moved the
        # ids on): the page's first heading is matched like any section, the rest follow it.
        head = _page_head(section)
        if head.parent is None or (head is not section and counterpart(other, own, head) is None):
            return None
    nested = section.parent is not None and section.parent.parent is not None
    within = counterpart(other, own, section.parent) if nested and section.parent else None
    found = match_section(other, section, within) if within is not None or not nested else None
    if found is None:
        return _moved_here(other, own, section) if nested else None
    if found.ref != section.ref:
        # The section of `own` at that number keeps it if it has the title: below the top,
        # only a sibling of `section` competes (one under another parent is matched there).
        mirror = own.sections.get(found.ref)
        if (
            mirror is not None
            and (within is None or mirror.parent is section.parent)
            and fuzz.WRatio(mirror.title, found.title) >= TITLE_MATCH_MIN
        ):
            return None
        rivals = section.parent.children if nested and section.parent else own.sections.values()
        if _by_title(found.title, rivals, section.level) is not section:
            return None
    elif not _same_title(found, section):
        # The same number under another title is a renamed heading, unless that title
        # stands at another number of `own` and is matched there: a section inserted
        # before it moved it on.
        moved = match_section(own, found, section.parent if within is not None else None)
        if (
            moved is not None
            and moved is not section
            and match_section(other, moved, within) is found
        ):
            return None
    return found


def _moved_here(other: Pack, own: Pack, section: Section) -> Section | None:
    """A subsection that its parent's counterpart lacks, found by title anywhere in `other`
    (a column moved to another part), unless the counterpart of the part it left still has
    that title, or another section of `own` matches it better."""
    found = _by_title(section.title, other.sections.values(), section.level)
    if found is None or found.parent is None:
        return None
    home = counterpart(own, other, found.parent)
    if home is not None and any(
        s.level == found.level and _same_title(s, found) for s in home.children
    ):
        return None
    if _by_title(found.title, own.sections.values(), section.level) is not section:
        return None
    return found


def _page_head(section: Section) -> Section:
    """The first heading of `section`'s page: the highest section above it on that page."""
    node = section
    while node.parent is not None and node.parent.page == section.page:
        node = node.parent
    return node


def _held(other: Pack, own: Pack, section: Section) -> bool:
    """Whether `other` holds the text of `section`'s page: that page, or the page its first
    heading is on in `other`. A section inserted before others moves their pages on
    (c040102 becomes c040103), so a page id `other` lacks may still be a page it holds."""
    if holds(other, section):
        return True
    head = _page_head(section)
    return head.parent is not None and counterpart(other, own, head) is not None


def _compared(other: Pack, own: Pack, section: Section, known: KnownPages) -> bool:
    """Whether the library knows what `other` has for `section`: it holds the page, or its
    table of contents does not list it (then the section was added or removed)."""
    return _held(other, own, section) or known.lacks(section.page)


def _not_held(
    sections: Iterable[Section], lacking: Pack, own: Pack, known: KnownPages
) -> list[PageNotHeld]:
    found: dict[str, list[str]] = {}
    for s in sections:
        if not _compared(lacking, own, s, known):
            found.setdefault(s.page, []).append(s.ref)
    year = lacking.manifest.edition_year
    return [
        PageNotHeld(page, year, tuple(refs), known.likely(page)) for page, refs in found.items()
    ]


def _heading_changes(pairs: Iterable[tuple[Section, Section]]) -> list[HeadingChange]:
    out = []
    for old, new in pairs:
        # A heading renumbered ("2." to "3.", a section inserted before it) or spaced
        # anew after its number ("1.Title", "1. Title") is not renamed: titles compare.
        if text_key(old.title) != text_key(new.title):
            out.append(
                HeadingChange(
                    new.ref, old.heading, new.heading, word_diff(old.heading, new.heading)
                )
            )
    return out


def _paired_subsections(
    before: Pack, after: Pack, old: Section, new: Section
) -> list[tuple[Section, Section]]:
    """Each section under `new` (itself included) with its match under `old`."""
    inside = {id(s) for s in old.walk()}
    pairs = []
    for s in new.walk():
        match = counterpart(before, after, s)
        if match is not None and id(match) in inside:
            pairs.append((match, s))
    return pairs


def _readable(section: Section, other: Pack, own: Pack, known: KnownPages) -> list[Paragraph]:
    """The paragraphs under `section` that the library can compare with the other edition."""
    return [
        p for node in section.walk() if _compared(other, own, node, known) for p in node.paragraphs
    ]


def compare(
    before_key: str,
    before: Pack,
    after_key: str,
    after: Pack,
    ref: str,
    known: Mapping[str, KnownPages] | None = None,
    *,
    edition: int | None = None,
) -> Comparison | None:
    """Compare section `ref` (as typed) between two packs; None when neither holds it, or
    when `edition` (the edition the reference named: '2024:3.1.1(2)') is neither pack's.
    With `edition`, `ref` is looked up in that pack and paired with its counterpart in the
    other. `known`: what the library knows of each pack's pages beyond those it holds, by
    key."""
    known_before, known_after = _known(known, before_key), _known(known, after_key)
    years = before.manifest.edition_year, after.manifest.edition_year
    if edition is not None and edition not in years:
        return None
    old = new = None
    if edition != years[1]:
        old = RefIndex(before).resolve(ref).section
    if edition != years[0]:
        new = RefIndex(after).resolve(ref).section
    # The list of changes names a section by its reference in `after`: that section, with
    # its counterpart, is the one meant; a reference `after` lacks is one of `before`.
    if new is not None:
        old = counterpart(before, after, new)
    elif old is not None:
        new = counterpart(after, before, old)
    if old is None and new is None:
        return None
    shown = (new or old).ref  # type: ignore[union-attr]
    if old is None or new is None:
        only = old if new is None else new
        assert only is not None
        if new is None:
            missing = _not_held(only.walk(), after, before, known_after)
        else:
            missing = _not_held(only.walk(), before, after, known_before)
        if missing:
            return Comparison(shown, before_key, after_key, old, new, (), (), tuple(missing))
        status = REMOVED if new is None else ADDED
        paragraphs = tuple(
            ParagraphChange(status, p if new is None else None, p if old is None else None)
            for p in only.all_paragraphs()
        )
        return Comparison(shown, before_key, after_key, old, new, paragraphs)
    missing = _not_held(old.walk(), after, before, known_after) + _not_held(
        new.walk(), before, after, known_before
    )
    changes = align(
        _readable(old, after, before, known_after), _readable(new, before, after, known_before)
    )
    headings = _heading_changes(_paired_subsections(before, after, old, new))
    return Comparison(
        shown, before_key, after_key, old, new, tuple(changes), tuple(headings), tuple(missing)
    )


@dataclass(frozen=True)
class SectionChanges:
    """One section's line in the list of what changed between two editions. Its counts are
    of its own paragraphs; `subsections_changed`: a section below it is listed as changed,
    added or removed (so "own text unchanged" is not "unchanged")."""

    comparison: Comparison
    subsections_changed: bool = False

    @property
    def ref(self) -> str:
        return self.comparison.ref

    @property
    def section(self) -> Section:
        section = self.comparison.after or self.comparison.before
        assert section is not None
        return section

    @property
    def changed(self) -> int:
        return self.comparison.count(CHANGED, REWRITTEN)

    @property
    def added(self) -> int:
        return self.comparison.count(ADDED)

    @property
    def removed(self) -> int:
        return self.comparison.count(REMOVED)

    @property
    def renamed(self) -> HeadingChange | None:
        return next((h for h in self.comparison.headings if h.ref == self.ref), None)

    @property
    def was(self) -> str | None:
        return self.comparison.was

    @property
    def words_changed(self) -> int:
        return self.comparison.words_changed

    def to_dict(self) -> dict[str, Any]:
        renamed = self.renamed
        return {
            "ref": self.ref,
            "title": self.section.title,
            "status": self.comparison.status,
            "changed": self.changed,
            "added": self.added,
            "removed": self.removed,
            "words_changed": self.words_changed,
            "heading": renamed.to_dict() if renamed else None,
            "was": self.was,
            "subsections_changed": self.subsections_changed,
        }


@dataclass(frozen=True)
class EditionChanges:
    """What changed between two editions: the sections that changed, most words first,
    the chapter title if it changed, and the pages one of the two does not hold."""

    before_key: str
    after_key: str
    sections: tuple[SectionChanges, ...]
    title: HeadingChange | None = None
    not_held: tuple[PageNotHeld, ...] = ()
    unchanged: int = 0  # sections with text that reads the same in both, at the same number
    # Sections with text that reads the same in both, renumbered (one inserted before them).
    renumbered: tuple[SectionChanges, ...] = ()

    def kinds(self) -> tuple[int, int, int]:
        """How many of `sections` changed, were added and were removed."""
        statuses = [s.comparison.status for s in self.sections]
        return statuses.count(CHANGED), statuses.count(ADDED), statuses.count(REMOVED)

    def to_dict(self, before_label: str, after_label: str) -> dict[str, Any]:
        return {
            "from": before_label,
            "to": after_label,
            "chapter_title": self.title.to_dict() if self.title else None,
            "sections": [s.to_dict() for s in self.sections],
            "unchanged_sections": self.unchanged,
            "renumbered_sections": [s.to_dict() for s in self.renumbered],
            "not_held": [n.to_dict() for n in self.not_held],
        }


def _known(known: Mapping[str, KnownPages] | None, key: str) -> KnownPages:
    return (known or {}).get(key) or KnownPages()


def _own_section(
    before_key: str,
    before: Pack,
    after_key: str,
    after: Pack,
    old: Section | None,
    new: Section | None,
) -> Comparison:
    """One section's own heading and paragraphs (not its subsections')."""
    shown = (new or old).ref  # type: ignore[union-attr]
    if old is None or new is None:
        status = REMOVED if new is None else ADDED
        only = old or new
        assert only is not None
        paragraphs = tuple(
            ParagraphChange(status, p if new is None else None, p if old is None else None)
            for p in only.paragraphs
        )
        return Comparison(shown, before_key, after_key, old, new, paragraphs)
    changes = align(list(old.paragraphs), list(new.paragraphs))
    headings = _heading_changes([(old, new)])
    return Comparison(shown, before_key, after_key, old, new, tuple(changes), tuple(headings))


def changes_between(
    before_key: str,
    before: Pack,
    after_key: str,
    after: Pack,
    known: Mapping[str, KnownPages] | None = None,
) -> EditionChanges:
    """Every section that changed between two editions, ranked by words changed (most
    first, then reading order), with the pages one edition does not hold. `known` as for
    `compare`."""
    known_before, known_after = _known(known, before_key), _known(known, after_key)
    found: list[Comparison] = []
    seen: set[int] = set()
    unchanged = 0
    renumbered: list[SectionChanges] = []
    for new in after.sections.values():
        if new.parent is None:
            continue
        if not _compared(before, after, new, known_before):
            continue
        old = counterpart(before, after, new)
        if old is not None:
            seen.add(id(old))
        result = _own_section(before_key, before, after_key, after, old, new)
        if result.status == UNCHANGED:
            if new.paragraphs and result.was is not None:
                renumbered.append(SectionChanges(result))
            else:
                unchanged += 1 if new.paragraphs else 0
        elif old is not None or new.paragraphs:
            found.append(result)
    for old in before.sections.values():
        if old.parent is None or id(old) in seen or not old.paragraphs:
            continue
        if not _compared(after, before, old, known_after):
            continue
        found.append(_own_section(before_key, before, after_key, after, old, None))
    order = {id(s): i for i, s in enumerate([*after.sections.values(), *before.sections.values()])}
    listed = {id(s) for c in found for s in (c.before, c.after) if s is not None}

    def line(c: Comparison) -> SectionChanges:
        tops = [s for s in (c.before, c.after) if s is not None]
        below = {id(s) for top in tops for s in top.walk()} - {id(top) for top in tops}
        return SectionChanges(c, not below.isdisjoint(listed))

    renumbered = [line(r.comparison) for r in renumbered]
    ranked = sorted(
        (line(c) for c in found),
        key=lambda s: (-s.words_changed, order.get(id(s.section), 0)),
    )
    missing = _not_held(before.sections.values(), after, before, known_after) + _not_held(
        after.sections.values(), before, after, known_before
    )
    title = None
    if text_key(before.root.title) != text_key(after.root.title):
        title = HeadingChange(
            after.root.ref,
            before.root.title,
            after.root.title,
            word_diff(before.root.title, after.root.title),
        )
    return EditionChanges(
        before_key,
        after_key,
        tuple(ranked),
        title,
        tuple(missing),
        unchanged,
        tuple(renumbered),
    )
