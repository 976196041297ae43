"""Section references: the canonical form, the variants people type, and fuzzy titles.

Canonical form: the chapter, then each heading's label, e.g. ``3.1.1(3)`` for
"(3) Territorial Integrity", ``3.1.1(3)¶1`` for its first paragraph. Deeper levels add
``.A``, ``(A)`` and ``(a)``: ``3.1.1(1).B(C)(d)``.

Accepted variants: ``§3.1.1(3)``, ``sec 3.1.1 (3)``, ``section 3.1.1(3)``, ``1.1(3)`` (chapter
left out), ``3.1.1(3) p1`` / ``para 1`` / ``#1`` for paragraphs, or a section title, fuzzy matched.

An edition may hold several chapters, one pack each: `EditionRefs` resolves across them, a
reference's first number naming its chapter (``4.2.5(1)`` is chapter 4's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process, utils

from bot.pack.model import COLUMN, Pack, Paragraph, Section
from bot.search.normalize import normalize

# A title is accepted when it scores at least this (0-100, rapidfuzz WRatio on normalised text).
TITLE_MATCH_MIN = 86
# Suggestions are offered down to this score.
SUGGEST_MIN = 45
MAX_SUGGESTIONS = 5

_PREFIX = re.compile(r"^(?:§+|sec(?:tion)?\.?|ref\.?)\s*", re.IGNORECASE)
_PARAGRAPH = re.compile(
    r"^(?P<sec>.*?)\s*(?:¶|\bp(?:ara(?:graph)?)?\.?|#|/)\s*(?P<n>\d{1,3})\s*$", re.IGNORECASE
)
_REF_SHAPE = re.compile(r"^[0-9]+(?:\.[0-9A-Za-z]+|\([0-9A-Za-z]+\))*$")
_REF_PART = re.compile(r"[0-9]+|[A-Za-z]+")
# What a reader typed as a reference, whether or not it names a section (`3.1.1(3)b`,
# `3.1.1-3`, `3.1.1(2)A`): a number, at once `.`, `(` or `-`, then only short labels (up to
# 3 digits or 2 letters) and those marks. `5G`, `2+2`, `100-year` and `1.5 degrees` are words.
_TYPED_REF = re.compile(
    r"^[0-9]{1,3}[.(\-](?:[0-9]{1,3}(?![0-9])|[A-Za-z]{1,2}(?![A-Za-z])|[.()\-])*$"
)
# Two labels with only a space between them: words ("1.5 degrees"), not a reference
# (`3.1.1 (3)` has a bracket there).
_SPACED_WORDS = re.compile(r"[0-9A-Za-z]\s+[0-9A-Za-z]")


@dataclass(frozen=True)
class Resolved:
    """What a reference names: a section, and a paragraph when one was given."""

    section: Section | None
    paragraph: Paragraph | None = None
    suggestions: tuple[Section, ...] = field(default_factory=tuple)
    # A paragraph number the section named (then the only suggestion) does not have.
    missing_paragraph: int | None = None
    # The pack resolved in: the one holding the section (or the suggestions).
    pack: Pack | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.section is not None


def normalise_ref(text: str) -> str:
    """Fold the typing variants of a reference into a compact candidate string (full-width
    digits, invisible characters pasted along, spaces)."""
    text = normalize(text, fold_case=False).strip()
    text = _PREFIX.sub("", text)
    text = re.sub(r"\s+", "", text)
    return text.strip(".,;:")


def written_ref(ref: str, edition: int, reading: int | None = None) -> str:
    """`ref`, a reference of edition `edition`, as a reader of edition `reading` reads it:
    with its year (`2024:3.1.1(2)¶1`, as /section takes it) unless `edition` is the one read,
    since the same number can be another section in another edition; `reading` None: always."""
    return ref if edition == reading else f"{edition}:{ref}"


def names_of(section: Section) -> tuple[str, ...]:
    """What a section is found by: its title, and a column's also with the word readers know
    it by: "Column A Bridge ..." (whether the page prints "Column: A Bridge ...", "Column 2 -
    A Bridge ..." or the title on a line of its own)."""
    if section.level == COLUMN and section.title != "Column":
        return (section.title, f"Column {section.title}")
    return (section.title,)


class RefIndex:
    """Resolves typed references against one pack."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._folded = {ref.casefold(): s for ref, s in pack.sections.items()}
        self._sections = [s for s in pack.sections.values() if s.level > 0]
        # Every name of every section, as (its place in `_sections`, the name): titles first,
        # so a title keeps every match it had on its own, then the other names.
        self._names = sorted(
            ((i, name) for i, s in enumerate(self._sections) for name in names_of(s)),
            key=lambda entry: entry[1] != self._sections[entry[0]].title,
        )
        self._choices = [utils.default_process(name) for _, name in self._names]

    def resolve(self, text: str) -> Resolved:
        """Resolve `text`; an unknown reference gives suggestions, never an exception."""
        return replace(self._resolve(text), pack=self.pack)

    def _resolve(self, text: str) -> Resolved:
        raw = normalize(text or "", fold_case=False).strip()
        if not raw:
            return Resolved(None, suggestions=tuple(self._sections[:MAX_SUGGESTIONS]))
        para_n: int | None = None
        m = _PARAGRAPH.match(_PREFIX.sub("", raw))
        if m and m.group("sec").strip():
            para_n = int(m.group("n"))
            raw_section = m.group("sec")
        else:
            raw_section = raw
        section = self._by_ref(normalise_ref(raw_section))
        if section is None and para_n is None:
            section = self._by_title(raw)
        if section is None:
            return Resolved(None, suggestions=self.suggest(raw))
        if para_n is None:
            return Resolved(section)
        if 1 <= para_n <= len(section.paragraphs):
            return Resolved(section, section.paragraphs[para_n - 1])
        return Resolved(None, suggestions=(section,), missing_paragraph=para_n)

    def looks_like_ref(self, text: str) -> bool:
        """True when `text` has the shape of a reference, whether or not it names a section
        (`3.1.1(3)`, also `3.1.1(3)b` or `3.1.1-3`): what `[[...]]` answers as /section does."""
        return looks_like_ref(text)

    def _by_ref(self, candidate: str) -> Section | None:
        if not candidate or not _REF_SHAPE.match(candidate):
            return None
        chapter = self.pack.root.ref
        for option in (candidate, f"{chapter}.{candidate}"):
            found = self.pack.sections.get(option) or self._folded.get(option.casefold())
            if found is not None:
                return found
        return None

    def _by_title(self, text: str) -> Section | None:
        query = utils.default_process(text)
        if not query:
            return None
        best = process.extractOne(
            query, self._choices, scorer=fuzz.WRatio, score_cutoff=TITLE_MATCH_MIN
        )
        if best is None:
            return None
        return self._sections[self._names[best[2]][0]]

    def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> tuple[Section, ...]:
        """The sections closest to `text`; never empty while the pack has sections.

        A reference-shaped text (`9.9`, `4`, `3.1.2`) is compared part by part, so its
        nearest neighbours in the outline come first; other text is matched against titles,
        and when no title is close, the outline's top sections are offered.
        """
        ranked = self._ranked(text, limit)
        if not ranked:
            return self._top(limit)
        return tuple(section for _, section in ranked)

    def _ranked(self, text: str, limit: int) -> list[tuple[tuple[float, ...], Section]]:
        """`suggest`'s sections closest first, each with how far it is from `text` (lower is
        closer; the same measure in every pack, so the chapters of an edition can be ranked
        together); none when `text` is not reference-shaped and no title is close."""
        candidate = normalise_ref(text)
        if candidate and candidate[0].isdigit() and _REF_SHAPE.match(candidate):
            return self._nearest_refs(candidate, limit)
        query = utils.default_process(text)
        scored: dict[int, float] = {}
        if query:
            # A column's two names may both be among the best: ask for enough to fill `limit`.
            extra = len(self._names) - len(self._sections)
            for _, score, n in process.extract(
                query,
                self._choices,
                scorer=fuzz.WRatio,
                limit=limit + extra,
                score_cutoff=SUGGEST_MIN,
            ):
                i = self._names[n][0]
                scored[i] = max(scored.get(i, 0.0), score)
        if candidate:
            refs = [s.ref for s in self._sections]
            for _, score, i in process.extract(
                candidate, refs, scorer=fuzz.ratio, limit=limit, score_cutoff=60
            ):
                scored[i] = max(scored.get(i, 0.0), score)
        ranked = sorted(scored, key=lambda i: (-scored[i], i))
        return [((-scored[i],), self._sections[i]) for i in ranked[:limit]]

    def _top(self, limit: int) -> tuple[Section, ...]:
        """The outline's first sections, shallowest first."""
        ordered = sorted(range(len(self._sections)), key=lambda i: (self._sections[i].level, i))
        return tuple(self._sections[i] for i in ordered[:limit])

    def _nearest_refs(self, candidate: str, limit: int) -> list[tuple[tuple[float, ...], Section]]:
        """Sections sharing the longest leading parts with `candidate` (chapter optional),
        then the nearest number at the first part that differs, then the nearest depth."""
        typed = _REF_PART.findall(candidate)
        options = [typed, [*_REF_PART.findall(self.pack.root.ref), *typed]]

        def distance(section: Section) -> tuple[int, int, int]:
            parts = _REF_PART.findall(section.ref)
            scores = []
            for option in options:
                shared = 0
                while shared < min(len(parts), len(option)) and parts[shared] == option[shared]:
                    shared += 1
                gap = 0
                if shared < min(len(parts), len(option)):
                    a, b = parts[shared], option[shared]
                    gap = abs(int(a) - int(b)) if a.isdigit() and b.isdigit() else 1
                scores.append((-shared, gap, abs(len(parts) - len(option))))
            return min(scores)

        far = [distance(s) for s in self._sections]
        ranked = sorted(range(len(self._sections)), key=lambda i: (far[i], i))
        return [(far[i], self._sections[i]) for i in ranked[:limit]]

    def complete(self, text: str, limit: int = 25) -> list[Section]:
        """Sections for autocomplete: by reference prefix first, then fuzzy title."""
        prefixed, titled, rest = self._completions(text, limit)
        return _merged([prefixed, [s for s in titled if s not in rest], rest], limit)

    def _completions(self, text: str, limit: int) -> tuple[list[Section], ...]:
        """What `complete` offers: the sections whose reference starts with `text`, those
        whose title holds it, and the closest (`suggest`) other than the first."""
        text = text.strip()
        if not text:
            return ([], [], self._sections[:limit])
        candidate = normalise_ref(text).casefold()
        prefixed = [s for s in self._sections if s.ref.casefold().startswith(candidate)]
        rest = [s for s in self.suggest(text, limit=limit) if s not in prefixed]
        folded = text.casefold()
        titled = [s for s in self._sections if any(folded in n.casefold() for n in names_of(s))]
        return (prefixed, titled, rest)


def _merged(groups: Sequence[list[Section]], limit: int) -> list[Section]:
    merged: list[Section] = []
    for group in groups:
        for s in group:
            if s not in merged:
                merged.append(s)
    return merged[:limit]


def looks_like_ref(text: str) -> bool:
    """True when `text` was typed as a reference (`§3.1.1(3)¶1`, `sec 3.1.1 (3)`), also one
    that names no section (`3.1.1(3)b`, `3.1.1-3`), rather than words to search for."""
    typed = _PREFIX.sub("", normalize(text or "", fold_case=False).strip())
    section = _PARAGRAPH.sub(r"\g<sec>", typed)
    if _SPACED_WORDS.search(section) is not None:
        return False
    candidate = normalise_ref(section)
    return bool(_REF_SHAPE.match(candidate) or _TYPED_REF.match(candidate))


def chapter_named(text: str) -> int | None:
    """The chapter a typed reference starts with ('§4.2.5(1)¶2' → 4); None for a title."""
    raw = _PREFIX.sub("", normalize(text or "", fold_case=False).strip())
    m = _PARAGRAPH.match(raw)
    candidate = normalise_ref(m.group("sec") if m and m.group("sec").strip() else raw)
    if not _REF_SHAPE.match(candidate):
        return None
    return int(_REF_PART.findall(candidate)[0])


class EditionRefs:
    """Resolves references across the chapters of one edition (one `RefIndex` each), for a
    reader whose chapter comes first.

    A reference opens the chapter its first number names when the edition holds it
    (`4.2.5(1)`); one that chapter lacks is read with the chapter left out (`1.1(3)`) in the
    reader's chapter, then the others. A title is looked for in the reader's chapter first.
    With one chapter this is exactly `RefIndex`."""

    def __init__(self, indexes: Sequence[RefIndex]) -> None:
        self.indexes = tuple(indexes)
        self._by_chapter = {
            int(i.pack.root.ref): i for i in self.indexes if i.pack.root.ref.isdigit()
        }

    def _ordered(self, text: str) -> tuple[RefIndex, ...]:
        """The chapters in the order `text` is looked for in."""
        chapter = chapter_named(text)
        named = self._by_chapter.get(chapter) if chapter is not None else None
        if named is None or named is self.indexes[0]:
            return self.indexes
        return (named, *(i for i in self.indexes if i is not named))

    def resolve(self, text: str) -> Resolved:
        """The first chapter (in `_ordered`) naming `text`; when none does, the closest
        sections of every chapter (`suggest`), in the first one."""
        first: Resolved | None = None
        for index in self._ordered(text):
            found = index.resolve(text)
            if found.ok or found.missing_paragraph is not None:
                return found
            first = first or found
        assert first is not None
        raw = normalize(text or "", fold_case=False).strip()
        if len(self.indexes) == 1 or not raw:  # nothing typed: the first chapter's outline
            return first
        return replace(first, suggestions=self.suggest(raw))

    def suggest(self, text: str, limit: int = MAX_SUGGESTIONS) -> tuple[Section, ...]:
        """`RefIndex.suggest` over every chapter, ranked together: the closest sections of
        any chapter, a tie going to the chapter looked in first; when no title is close, the
        top sections of every chapter, shallowest first."""
        ordered = self._ordered(text)
        ranked = sorted(
            (
                (far, n, section)
                for n, index in enumerate(ordered)
                for far, section in index._ranked(text, limit)
            ),
            key=lambda item: item[:2],
        )
        if ranked:
            return tuple(section for *_, section in ranked[:limit])
        tops = sorted(
            ((s.level, n, s) for n, index in enumerate(ordered) for s in index._top(limit)),
            key=lambda top: top[:2],
        )
        return tuple(section for *_, section in tops[:limit])

    def looks_like_ref(self, text: str) -> bool:
        return self.indexes[0].looks_like_ref(text)

    def complete(self, text: str, limit: int = 25) -> list[Section]:
        """`RefIndex.complete` over every chapter: matches by reference prefix first, then by
        title, then the closest, each group in chapter order."""
        parts = [index._completions(text, limit) for index in self._ordered(text)]
        return _merged([group for i in range(3) for group in (p[i] for p in parts)], limit)
