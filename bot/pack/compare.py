"""What changed in a section between two editions: paragraphs aligned, words diffed.

Sections are matched by reference first, then by title (numbering moves between years). A
section found in one edition only is reported as added or removed. Paragraphs are aligned
in order: identical ones anchor the alignment, and between anchors a paragraph pairs with
the most similar one left (at least PAIR_MIN alike); the rest were added or removed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process, utils

from bot.pack.model import Pack, Paragraph, Section
from bot.pack.refs import RefIndex

# Two paragraphs are one paragraph edited when at least this alike (difflib ratio, 0-1).
PAIR_MIN = 0.5
# A section of the other edition with another reference is the same section when its title
# scores at least this (rapidfuzz WRatio, 0-100).
TITLE_MATCH_MIN = 90

_TOKENS = re.compile(r"\s+|[^\s]+")

SAME, CHANGED, ADDED, REMOVED, UNCHANGED = "same", "changed", "added", "removed", "unchanged"


@dataclass(frozen=True)
class Piece:
    op: str  # same | removed | added
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True)
class ParagraphChange:
    status: str  # same | changed | added | removed
    before: Paragraph | None
    after: Paragraph | None
    diff: tuple[Piece, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_ref": self.before.ref if self.before else None,
            "to_ref": self.after.ref if self.after else None,
            "status": self.status,
            "from_text": self.before.text if self.before else None,
            "to_text": self.after.text if self.after else None,
            "diff": [p.to_dict() for p in self.diff],
        }


@dataclass(frozen=True)
class Comparison:
    ref: str
    before_key: str
    after_key: str
    before: Section | None
    after: Section | None
    paragraphs: tuple[ParagraphChange, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """unchanged | changed | added (only in the later) | removed (only in the earlier)."""
        if self.before is None:
            return ADDED
        if self.after is None:
            return REMOVED
        if all(p.status == SAME for p in self.paragraphs):
            return UNCHANGED
        return CHANGED

    def to_dict(self, before_label: str, after_label: str) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "from": before_label,
            "to": after_label,
            "status": self.status,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
        }


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """Word-level differences; whitespace stays with the words around it."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(pieces, SAME, "".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            _add(pieces, REMOVED, "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            _add(pieces, ADDED, "".join(b[j1:j2]))
    return tuple(pieces)


def _add(pieces: list[Piece], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))


def align(before: list[Paragraph], after: list[Paragraph]) -> list[ParagraphChange]:
    """Pair the paragraphs of two versions of a section, in reading order."""
    changes: list[ParagraphChange] = []
    a, b = [p.text for p in before], [p.text for p in after]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [ParagraphChange(SAME, before[i], after[j1 + i - i1]) for i in range(i1, i2)]
        else:
            changes += _pair(before[i1:i2], after[j1:j2])
    return changes


def _pair(before: list[Paragraph], after: list[Paragraph]) -> list[ParagraphChange]:
    """Between two anchors: each earlier paragraph takes the most similar later one left."""
    out: list[ParagraphChange] = []
    j = 0
    for old in before:
        best, best_ratio = None, PAIR_MIN
        for k in range(j, len(after)):
            ratio = difflib.SequenceMatcher(None, old.text, after[k].text).ratio()
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            out.append(ParagraphChange(REMOVED, old, None))
            continue
        out += [ParagraphChange(ADDED, None, p) for p in after[j:best]]
        new = after[best]
        out.append(ParagraphChange(CHANGED, old, new, word_diff(old.text, new.text)))
        j = best + 1
    out += [ParagraphChange(ADDED, None, p) for p in after[j:]]
    return out


def match_section(pack: Pack, section: Section) -> Section | None:
    """The section of `pack` that is `section` of another edition: same ref, else title."""
    same = pack.sections.get(section.ref)
    if same is not None and (
        same.title == section.title or fuzz.WRatio(same.title, section.title) >= TITLE_MATCH_MIN
    ):
        return same
    candidates = [s for s in pack.sections.values() if s.level == section.level]
    best = process.extractOne(
        section.title,
        [s.title for s in candidates],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=TITLE_MATCH_MIN,
    )
    if best is not None:
        return candidates[best[2]]
    return same


def compare(
    before_key: str, before: Pack, after_key: str, after: Pack, ref: str
) -> Comparison | None:
    """Compare section `ref` (as typed) between two packs; None when neither holds it."""
    old = RefIndex(before).resolve(ref).section
    new = RefIndex(after).resolve(ref).section
    if old is not None and (new is None or new.ref != old.ref or new.title != old.title):
        new = match_section(after, old)
    elif new is not None and old is None:
        old = match_section(before, new)
    if old is None and new is None:
        return None
    shown = (new or old).ref  # type: ignore[union-attr]
    if old is None or new is None:
        only = old or new
        status = REMOVED if new is None else ADDED
        paragraphs = tuple(
            ParagraphChange(status, p if new is None else None, p if old is None else None)
            for p in only.all_paragraphs()  # type: ignore[union-attr]
        )
        return Comparison(shown, before_key, after_key, old, new, paragraphs)
    changes = align(list(old.all_paragraphs()), list(new.all_paragraphs()))
    return Comparison(shown, before_key, after_key, old, new, tuple(changes))
