"""Parse Bluebook-style page text into one heading tree with numbered paragraphs.

Headings recognised, from the top down:

    Chapter 3                      chapter (its title is the next short line)
    Section 1 Title                section
    1 Title                        number      (older editions: 1.Title, 1. Title)
    (1) Title                      paren-number (older editions: (1)Title)
    A Title                        letter      (older editions: A.Title, A. Title)
    (A) Title                      paren-upper
    (a) Title                      paren-lower
    Column / Column: Title         a boxed column (its title is the next line if not on this one)

A line is a heading when it has the shape of one and reads like a title (short, no sentence
ending, a capital or digit first) *and* fits the tree: it goes under the deepest open heading
of a higher level, and its number must be greater than that of the sibling before it.
Numbering may start anywhere and skip numbers (a page of the publisher's site starts at its
part: "5 ..." on page c040205); both are reported as warnings, never silently. That keeps
"A historic shift ..." and "3 countries signed ... ." paragraphs.

A page's footnotes (numbered lines at its end; in older editions "• 3 For more ..." or
"*3 ..." lines after the text that marks them), figure references ("See ▶ Fig. 4-1"),
figure labels ("Figure 3-1-1 ...") and photo captions ("Photo: ...") become notes of their
section, outside the heading tree and the paragraphs. A footnote marker in a heading ("(3)
Energy*3", older editions' "... Nuclear Energy3") is taken off its title when the page has
that footnote, and one in the text ("new members*1.") off its paragraph: it points at a note,
it is not a word of the text.

Pages are added one at a time to a `ChapterBuilder`; each may carry its page id, which
places its top heading in the book (chapter, section, part) even without `Chapter` and
`Section` lines of its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from bot.pack.model import (
    CHAPTER,
    COLUMN,
    FIGURE,
    FOOTNOTE,
    LETTER,
    NUMBER,
    PAREN_LOWER,
    PAREN_NUMBER,
    PAREN_UPPER,
    SECTION,
    Note,
    Paragraph,
    Section,
)
from bot.pack.pages import PageId, edition_line

MAX_TITLE_CHARS = 160
# A whole line that only points at a figure is a note, not text; longer lines are prose.
MAX_FIGURE_REF_CHARS = 200

# Warning kinds, as `ParseWarning.kind`.
KEPT_AS_TEXT = "kept-as-text"
SKIPPED_NUMBER = "skipped-number"
CLAIMED_TWICE = "claimed-twice"
GUESSED_POSITION = "guessed-position"
NO_PART_HEADING = "no-part-heading"

_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (CHAPTER, re.compile(r"^Chapter\s+(\d{1,2})(?:\s+(\S.*))?$")),
    (SECTION, re.compile(r"^Section\s+(\d{1,2})\s+(\S.*)$")),
    # "2 Title", and the older "2.Title" / "2. Title"; a digit after the dot is a number
    # ("2.5 million ..."), never a heading.
    (NUMBER, re.compile(r"^(\d{1,2})(?:\s+|\.\s*(?![\d\s]))(\S.*)$")),
    (PAREN_NUMBER, re.compile(r"^\((\d{1,2})\)\s*(\S.*)$")),
    # "A Title", and the older "A.Title" / "A. Title"; "U.S.-Japan ..." is an initialism.
    (LETTER, re.compile(r"^([A-Z])(?:\s+|\.\s*(?![A-Z]\.|\s))(\S.*)$")),
    (PAREN_UPPER, re.compile(r"^\(([A-Z])\)\s+(\S.*)$")),
    (PAREN_LOWER, re.compile(r"^\(([a-z])\)\s+(\S.*)$")),
)
# What every heading above starts with: one test of this passes over most lines (prose),
# instead of the seven patterns.
_MAY_BE_HEADING = re.compile(r"Chapter\s|Section\s|\d|\(|[A-Z](?:\s|\.)")
_COLUMN = re.compile(r"^Column(?:\s+\d{1,2})?(?:\s*[:：|\-–—]\s*(\S.*)|\s*)$")
_FIGURE_REF = re.compile(
    r"^[(\[]?\s*(?:See\s*▶|▶|See\s+(?:Fig(?:ure)?s?|Table|Chart)\.?\s*[\dIVX])", re.IGNORECASE
)
_FOOTNOTE = re.compile(r"^(?:\*|\[)?(\d{1,2})(?:\]|\)|\.)?\s+(\S.*)$")
_NOTES_HEADING = re.compile(r"^(?:Notes?|Footnotes?)$", re.IGNORECASE)
# Older editions print each footnote after the text that marks it: "*3 ..." always, and
# "• 3 ..." when the page carries a marker 3 (a digit glued to a word, or "*3").
_STAR_NOTE = re.compile(r"^\*(\d{1,2})\s*(\S.*)$")
_BULLET_NOTE = re.compile(r"^[•・●]\s*(\d{1,2})\s+(\S.*)$")
_GLUED_MARKER = re.compile(r"(?:(?<=[a-z)”\"’])|\*)(\d{1,2})(?!\d)")
# A footnote marker in the text: "*1" right after a word or punctuation ("members*1."), or
# (older editions) a digit glued to a word that a footnote of the page is numbered with.
_TEXT_MARKER = re.compile(r"(?:(?<=[^\s*])\*|(?<=[a-z)”\"’]))(\d{1,2})(?!\d)")
# What every such marker has: a run of digits right after a star or a letter, ")" or closing
# quote. A paragraph without a digit (ten substring tests, and for text beyond ASCII one
# search) or without such a run skips the marker pattern, whose look-behinds are tried at
# every character: 40 us a paragraph, most of a 20 MB library's parse.
_ANY_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")
_BEFORE_MARKER = frozenset('abcdefghijklmnopqrstuvwxyz)”"’*')


def _may_have_marker(text: str) -> bool:
    if not any(d in text for d in "0123456789") and (
        text.isascii() or _ANY_DIGIT.search(text) is None
    ):
        return False
    return any(
        m.start() and text[m.start() - 1] in _BEFORE_MARKER for m in _DIGIT_RUN.finditer(text)
    )


# A part heading's number printed apart from its title: glued to it ("3Food Security", a
# saved page's `<span>3</span>Food Security`) or on a line of its own (`3<br>Food Security`).
_GLUED_NUMBER = re.compile(r"^(\d{1,2})(?=[A-Z“‘\"'])(\S.*)$")
# Lines shaped like a heading that are none, each with what is wrong with it.
_BROKEN_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\((?:\d{1,2}|[A-Za-z])\s+([^)]+)$"), "its bracket is not closed"),
    (re.compile(r"^(?:\d{1,2}|[A-Za-z])\)\s*([^(]+)$"), "its bracket is not opened"),
    (re.compile(r"^\d{1,2}([A-Z][a-z].*)$"), "its number is glued to its title"),
    (re.compile(r"^(?:\d{1,2}|[A-Z]|\(\d{1,2}\)|\([A-Za-z]\))\.?()$"), "it has no title"),
)


def broken_heading(line: str) -> str | None:
    """What is wrong with a line shaped like a heading that is none ("(2 Fertilizers", a
    bare "B"), or None for any other line."""
    # Most lines are prose: one test of their start instead of four patterns.
    if len(text := line[:5]) > 4 and not (text[0] in "(0123456789" or ")" in text[1:3]):
        return None
    for pattern, wrong in _BROKEN_HEADINGS:
        m = pattern.match(line)
        if m is not None and (
            not m.group(1) or (_looks_like_title(m.group(1)) and _starts_like_title(m.group(1)))
        ):
            return wrong
    return None


def _join_part_number(lines: list[tuple[int, str]], part: int) -> list[tuple[int, str]]:
    """The lines with the page's part heading as one line, "3 Food Security", when its
    number is printed glued to its title or on a line of its own, and is the part the page
    id names: without the id to agree with, such a line is no heading."""
    for i, (number, text) in enumerate(lines):
        heading = match_heading(text)
        if heading is not None and heading.level >= NUMBER:
            return lines  # the page has its part heading, or starts below it
        glued = _GLUED_NUMBER.match(text)
        if glued is not None and int(glued.group(1)) == part:
            joined, used = f"{glued.group(1)} {glued.group(2)}", 1
        elif text.isdigit() and int(text) == part and i + 1 < len(lines):
            after = lines[i + 1][1]
            if match_heading(after) is not None or _COLUMN.match(after):
                return lines
            joined, used = f"{text} {after}", 2
        else:
            continue
        found = match_heading(joined)
        if found is None or found.level != NUMBER:
            return lines
        return [*lines[:i], (number, joined), *lines[i + used :]]
    return lines


# Photo captions and figure labels: about the page's pictures, not its text.
_CAPTION = re.compile(
    r"^[(\[]?\s*(?:Photos?\s*(?:[:：]|\(|credit|by\b)|(?:Fig(?:ure)?|Chart|Table)\.?\s*"
    r"\d{1,2}(?:\s*[-–]\s*\d{1,2})+\b)",
    re.IGNORECASE,
)


class ParseError(ValueError):
    """The text has no usable chapter structure."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ParseWarning:
    """A line the parser had to decide about: `file:line: message`."""

    file: str
    line: int
    kind: str
    message: str
    # For a claim: the reference, and the file and line of the page that claimed it first.
    other: str = ""
    ref: str = ""
    other_line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.message}"


@dataclass
class PageText:
    """One page's lines (number in its file, text), blank lines left out."""

    file: str
    lines: list[tuple[int, str]]
    page: PageId | None = None
    source_url: str = ""

    @classmethod
    def from_text(
        cls, text: str, file: str, page: PageId | None = None, source_url: str = ""
    ) -> PageText:
        lines = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), 1) if raw.strip()]
        return cls(file, lines, page, source_url)


@dataclass(frozen=True)
class Heading:
    level: int
    label: str
    title: str


def _ordinal(label: str) -> int:
    return int(label) if label.isdigit() else ord(label.lower()) - ord("a") + 1


def _looks_like_title(title: str) -> bool:
    if len(title) > MAX_TITLE_CHARS:
        return False
    stripped = title.rstrip("”\"')’")
    return not stripped.endswith((".", "!", "?", ":", ";", ","))


def _starts_like_title(title: str) -> bool:
    """Titles start with a capital, a digit or a quote; prose after "A " or "3 " does not."""
    first = title.lstrip("“‘\"'(")[:1]
    return bool(first) and not first.islower()


def match_heading(line: str) -> Heading | None:
    if _MAY_BE_HEADING.match(line) is None:
        return None
    for level, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            title = (m.group(2) or "").strip()
            if level != CHAPTER and not (_looks_like_title(title) and _starts_like_title(title)):
                return None
            return Heading(level, m.group(1), title)
    return None


def is_column_line(line: str) -> bool:
    """A boxed column's "Column" line (its title on it or on the next line)."""
    return bool(_COLUMN.match(line))


def is_figure_reference(line: str) -> bool:
    """A figure reference, figure label or photo caption (short lines only)."""
    return len(line) <= MAX_FIGURE_REF_CHARS and bool(
        _FIGURE_REF.match(line) or _CAPTION.match(line)
    )


def inline_footnotes(lines: list[tuple[int, str]]) -> dict[int, tuple[str, str]]:
    """Older editions' footnotes among the text: {line number: (label, text)}."""
    found: dict[int, tuple[str, str]] = {}
    bullets: dict[int, tuple[str, str]] = {}
    for number, text in lines:
        m = _STAR_NOTE.match(text)
        if m is not None:
            found[number] = (m.group(1), m.group(2))
        elif (m := _BULLET_NOTE.match(text)) is not None:
            bullets[number] = (m.group(1), m.group(2))
    if bullets:
        marked = {
            label
            for number, text in lines
            if number not in bullets and number not in found
            for label in _GLUED_MARKER.findall(text)
        }
        found.update({n: note for n, note in bullets.items() if note[0] in marked})
    return found


def drop_markers(
    text: str, labels: Collection[str], *, every_star: bool = True
) -> tuple[str, list[str]]:
    """The text without its footnote markers, and their labels in order: "members*1." →
    "members.", ["1"]. A "*N" is always a marker; a bare digit glued to a word only when
    `labels` (the page's footnotes) has it, so "km2" or "H5N1" stay as written. Without
    `every_star` (a heading's title), a "*N" too only when `labels` has it."""
    dropped: list[str] = []
    if not _may_have_marker(text):
        return text, dropped

    def drop(m: re.Match[str]) -> str:
        starred = every_star and m.group(0).startswith("*")
        if not starred and m.group(1) not in labels:
            return m.group(0)
        dropped.append(m.group(1))
        return ""

    return _TEXT_MARKER.sub(drop, text), dropped


@lru_cache(maxsize=16384)
def _unmarked(
    text: str, labels: frozenset[str], every_star: bool = True
) -> tuple[str, tuple[str, ...]]:
    """`drop_markers`, once per distinct paragraph: a library's editions repeat most of them."""
    found, dropped = drop_markers(text, labels, every_star=every_star)
    return found, tuple(dropped)


def ref_part(level: int, label: str) -> str:
    """The piece a heading adds to its parent's reference."""
    if level == CHAPTER:
        return label
    if level in (SECTION, NUMBER, LETTER):
        return f".{label}"
    return f"({label})"


def split_footnotes(lines: list[tuple[int, str]]) -> tuple[int, list[tuple[int, str, str]]]:
    """Where the page's footnotes start, and each footnote as (line, label, text).

    Footnotes are the numbered lines that end a page, 1, 2, 3 ... in order; a line that
    reads like a heading title is never one.
    """
    block: list[tuple[int, str, str]] = []
    i = len(lines)
    while i > 0:
        number, text = lines[i - 1]
        m = _FOOTNOTE.match(text)
        if m is None or (_looks_like_title(m.group(2)) and _starts_like_title(m.group(2))):
            break
        block.append((number, m.group(1), m.group(2)))
        i -= 1
    block.reverse()
    if not block:
        return len(lines), []
    # Keep the tail that counts 1, 2, 3 ... to its end: walk back while the labels count
    # down by one (one pass; trimming the block from its front was quadratic).
    start = len(block) - 1
    while start > 0 and int(block[start - 1][1]) == int(block[start][1]) - 1:
        start -= 1
    while start < len(block) and int(block[start][1]) != 1:
        start += 1
    i += start
    block = block[start:]
    if not block:
        return len(lines), []
    if i > 0 and _NOTES_HEADING.match(lines[i - 1][1]):
        i -= 1
    return i, block


@dataclass
class _PageState:
    page: PageText
    stack: list[Section] = field(default_factory=list)
    top: Section | None = None
    part_node: Section | None = None
    numbers_seen: int = 0
    headings_seen: int = 0
    pending_chapter_title: bool = False
    pending_column: Section | None = None
    pending_notes: list[Note] = field(default_factory=list)
    inline_notes: dict[int, tuple[str, str]] = field(default_factory=dict)
    note_labels: frozenset[str] = frozenset()
    # Each footnote label whose marker the page's text carries: the section it was first in.
    marked: dict[str, Section] = field(default_factory=dict)


def _title(state: _PageState, text: str) -> tuple[str, tuple[str, ...]]:
    """A line read as a heading or a heading's title, without the markers of footnotes its
    page has ("(3) Energy*3", "(1)Nuclear Energy3" → "... Energy"), and their labels. Only
    those: a title's "H5N1", "G*7" or "km2" stays as written."""
    if not state.note_labels:
        return text, ()
    return _unmarked(text, state.note_labels, every_star=False)


def _mark(state: _PageState, labels: tuple[str, ...], section: Section | None) -> None:
    """The footnotes `labels` name are notes of `section`, whose text or heading carries
    their markers (the first to carry one keeps it)."""
    if section is not None:
        for label in labels:
            state.marked.setdefault(label, section)


class ChapterBuilder:
    """Builds one chapter's tree from its pages, in reading order, collecting warnings."""

    def __init__(self) -> None:
        self.root: Section | None = None
        self.sections: dict[str, Section] = {}
        self.warnings: list[ParseWarning] = []
        self._ordinals: dict[int, int] = {}
        self._placeholder: set[int] = set()
        # The file each heading was read from: two files giving one reference is a claim.
        self._origin: dict[int, str] = {}

    # -- the tree ---------------------------------------------------------------------

    def _warn(self, state: _PageState, line: int, kind: str, message: str) -> None:
        self.warnings.append(ParseWarning(state.page.file, line, kind, message))

    def _new(
        self,
        state: _PageState,
        parent: Section | None,
        ref: str,
        title: str,
        heading: str,
        level: int,
        line: int,
        ordinal: int,
    ) -> Section:
        node = Section(
            ref=ref,
            title=title,
            heading=heading,
            level=level,
            line=line,
            parent=parent,
            page=str(state.page.page) if state.page.page else "",
            source_url=state.page.source_url,
        )
        if parent is not None:
            # Pages arrive in order, so this is an append but for a page out of place.
            later = [
                i
                for i, c in enumerate(parent.children)
                if c.level == level and self._ordinals.get(id(c), 0) > ordinal
            ]
            parent.children.insert(later[0] if later else len(parent.children), node)
        self.sections[ref] = node
        self._ordinals[id(node)] = ordinal
        self._origin[id(node)] = state.page.file
        if state.pending_notes:
            node.notes.extend(state.pending_notes)
            state.pending_notes.clear()
        return node

    def _ensure_root(self, state: _PageState, label: str, line: int) -> Section:
        if self.root is None:
            self.root = self._new(state, None, label, "", "", CHAPTER, line, int(label))
            self._placeholder.add(id(self.root))
        return self.root

    def _ensure_section(
        self, state: _PageState, label: str, title: str, heading: str, line: int
    ) -> Section:
        root = self.root
        assert root is not None
        ref = root.ref + ref_part(SECTION, label)
        node = self.sections.get(ref)
        if node is None:
            node = self._new(state, root, ref, title, heading, SECTION, line, int(label))
            if not heading:
                self._placeholder.add(id(node))
        elif heading and id(node) in self._placeholder:
            node.title, node.heading, node.line = title, heading, line
            node.page, node.source_url = self._page_fields(state)
            self._origin[id(node)] = state.page.file
            self._placeholder.discard(id(node))
        return node

    @staticmethod
    def _page_fields(state: _PageState) -> tuple[str, str]:
        return (str(state.page.page) if state.page.page else "", state.page.source_url)

    # -- one page ---------------------------------------------------------------------

    def add_page(self, page: PageText) -> None:
        """Add a page after those already added; raises ParseError if it cannot be placed."""
        state = _PageState(page)
        lines = page.lines
        end, footnotes = split_footnotes(lines)
        body = lines[:end]
        state.inline_notes = inline_footnotes(body)
        state.note_labels = frozenset(
            [label for label, _ in state.inline_notes.values()]
            + [label for _, label, _ in footnotes]
        )
        # Whatever precedes the page's own "Chapter N" line (site clutter, the edition line)
        # is not chapter text.
        start = next(
            (i for i, (_, t) in enumerate(body) if (h := match_heading(t)) and h.level == CHAPTER),
            None,
        )
        if start is None:
            if page.page is None:
                raise ParseError(lines[0][0] if lines else 1, "no 'Chapter N' heading found")
            # Without a Chapter line, the page's text begins at its edition line, if any.
            start = next((i for i, (_, t) in enumerate(body) if edition_line(t)), 0)
        if page.page is not None:
            body = [*body[:start], *_join_part_number(body[start:], page.page.part)]
            first = body[start][0] if start < len(body) else 1
            root = self._ensure_root(state, str(page.page.chapter), first)
            section = self._ensure_section(state, str(page.page.section), "", "", first)
            state.stack = [root, section]
            state.part_node = next(
                (
                    c
                    for c in section.children
                    if c.level == NUMBER and self._ordinals.get(id(c)) == page.page.part
                ),
                None,
            )
        for number, text in body[start:]:
            self._line(state, number, text)
        self._footnotes(state, footnotes)
        if state.pending_notes and state.stack:
            state.stack[-1].notes.extend(state.pending_notes)

    def _line(self, state: _PageState, number: int, text: str) -> None:
        if edition_line(text) is not None:
            return
        if state.pending_column is not None:
            column = state.pending_column
            state.pending_column = None
            title, marks = _title(state, text)
            if _looks_like_title(title):
                column.title = title
                column.heading = f"{column.heading} {title}"
                _mark(state, marks, column)
                return
        inline = state.inline_notes.get(number)
        if inline is not None or is_figure_reference(text):
            home = state.stack[-1] if state.stack else None
            if inline is not None:
                note = Note(FOOTNOTE, inline[1], number, inline[0])
                # Printed after the text that marks it, often at the page's end: it is a
                # note of the section whose text carried the marker, not of the last one.
                home = state.marked.get(inline[0]) or home
            else:
                note = Note(FIGURE, text, number)
            if home is not None:
                home.notes.append(note)
            else:
                state.pending_notes.append(note)
            return
        title, marks = _title(state, text)
        if marks and (match_heading(title) is not None or _COLUMN.match(title)):
            self._place(state, number, title)
            _mark(state, marks, state.stack[-1] if state.stack else None)
        else:
            self._place(state, number, text)

    def _place(self, state: _PageState, number: int, text: str) -> None:
        """A line that is not a note: a heading, a heading's title or a paragraph."""
        heading = match_heading(text)
        if heading is not None and heading.level == CHAPTER:
            self._chapter(state, heading, number, text)
            return
        if self.root is None or not state.stack:
            return  # before the chapter heading: not chapter text
        if heading is not None and heading.level == SECTION:
            self._section(state, heading, number, text)
            return
        if state.pending_chapter_title:
            state.pending_chapter_title = False
            title, marks = _title(state, text)
            if heading is None and _looks_like_title(title):
                if not self.root.title:
                    self.root.title = title
                    self.root.heading = f"{self.root.heading} {title}"
                    _mark(state, marks, self.root)
                return
        column_line = _COLUMN.match(text)
        if column_line is not None:
            self._column(state, column_line.group(1), number, text)
            return
        if heading is not None and self._heading(state, heading, number, text):
            return
        wrong = broken_heading(text) if heading is None else None
        if wrong is not None:
            self._warn(
                state,
                number,
                KEPT_AS_TEXT,
                f"{text[:60]!r} looks like a heading but {wrong}; kept as a paragraph",
            )
        self._paragraph(state, number, text)

    def _chapter(self, state: _PageState, heading: Heading, number: int, text: str) -> None:
        page = state.page.page
        if page is not None and heading.label != str(page.chapter):
            self._warn(
                state,
                number,
                GUESSED_POSITION,
                f"the text says Chapter {heading.label} but page {page} is in chapter "
                f"{page.chapter}; placed by the page id",
            )
        root = self._ensure_root(state, str(page.chapter) if page else heading.label, number)
        if page is None and heading.label != root.ref:
            raise ParseError(
                number, f"this page is Chapter {heading.label} but the pack is Chapter {root.ref}"
            )
        if id(root) in self._placeholder:
            root.heading, root.line = text, number
            root.title = heading.title
            root.page, root.source_url = self._page_fields(state)
            self._origin[id(root)] = state.page.file
            self._placeholder.discard(id(root))
        state.pending_chapter_title = not heading.title
        if page is None:
            state.stack = [root]

    def _section(self, state: _PageState, heading: Heading, number: int, text: str) -> None:
        page = state.page.page
        if page is not None and heading.label != str(page.section):
            self._warn(
                state,
                number,
                GUESSED_POSITION,
                f"the text says Section {heading.label} but page {page} is in section "
                f"{page.section}; placed by the text",
            )
        state.pending_chapter_title = False
        node = self._ensure_section(state, heading.label, heading.title, text, number)
        assert self.root is not None
        state.stack = [self.root, node]
        if page is None or heading.label != str(page.section):
            state.part_node = None

    def _column(self, state: _PageState, title: str | None, number: int, text: str) -> None:
        parent = next(s for s in reversed(state.stack) if s.level != COLUMN)
        count = sum(1 for c in parent.children if c.level == COLUMN) + 1
        node = self._new(
            state,
            parent,
            f"{parent.ref}.col{count}",
            title or "Column",
            text,
            COLUMN,
            number,
            count,
        )
        state.stack = [*state.stack[: state.stack.index(parent) + 1], node]
        if title is None:
            state.pending_column = node

    def _heading(self, state: _PageState, heading: Heading, number: int, text: str) -> bool:
        """Place a heading in the tree; False when it has to stay a paragraph (warned)."""
        page = state.page.page
        level, ordinal = heading.level, _ordinal(heading.label)
        anchor = page is not None and level == NUMBER and state.numbers_seen == 0
        if (
            page is not None
            and state.headings_seen == 0
            and level > NUMBER
            and state.stack[-1].level == SECTION
        ):
            # The page starts below its part heading: it continues that part, if one is known.
            if state.part_node is not None:
                state.stack.append(state.part_node)
                where = state.stack[-1].ref
                self._warn(
                    state,
                    number,
                    GUESSED_POSITION,
                    f"page {page} has no part heading of its own; placed under {where}",
                )
            else:
                self._no_part_heading(state, number, text)
        parent = [s for s in state.stack if s.level < level][-1]
        siblings = [c for c in parent.children if c.level == level]
        last = siblings[-1] if siblings else None
        last_ordinal = self._ordinals.get(id(last), 0) if last is not None else 0
        ref = parent.ref + ref_part(level, heading.label)
        existing = self.sections.get(ref)
        if anchor and page is not None and ordinal != page.part:
            self._warn(
                state,
                number,
                GUESSED_POSITION,
                f"page {page} is part {page.part} but its first heading is numbered "
                f"{heading.label}; placed by the heading",
            )
        if existing is not None and self._origin.get(id(existing)) != state.page.file:
            other_file = self._origin.get(id(existing), "")
            self.warnings.append(
                ParseWarning(
                    state.page.file,
                    number,
                    CLAIMED_TWICE,
                    f"{ref} is also claimed by page {existing.page or other_file} "
                    f"(line {existing.line}); this page's text is added to it",
                    other_file,
                    ref,
                    existing.line,
                )
            )
            self._open(state, parent, existing, level)
            return True
        if existing is not None or (ordinal <= last_ordinal and not anchor):
            after = f" after {last.heading!r}" if last is not None else ""
            self._warn(
                state,
                number,
                KEPT_AS_TEXT,
                f"{text[:60]!r} looks like a heading but does not fit{after}; kept as a paragraph",
            )
            return False
        if (
            last is not None
            and ordinal > last_ordinal + 1
            and self._origin.get(id(last)) == state.page.file
        ):
            self._warn(
                state,
                number,
                SKIPPED_NUMBER,
                f"numbering skips from {last.heading.split()[0]} to "
                f"{text.split()[0]} under {parent.ref}",
            )
        elif last is None and ordinal != 1 and not anchor:
            self._warn(
                state,
                number,
                SKIPPED_NUMBER,
                f"numbering under {parent.ref} starts at {text.split()[0]}",
            )
        node = self._new(state, parent, ref, heading.title, text, level, number, ordinal)
        self._open(state, parent, node, level)
        return True

    def _no_part_heading(self, state: _PageState, number: int, text: str) -> None:
        """A page whose id names a part, with neither that part's heading nor an earlier
        page of it, starts below a part heading: its headings land under its section
        ("4.2(1)"), where the page id says they are not. `content import` refuses it."""
        page = state.page.page
        assert page is not None and self.root is not None
        self._warn(
            state,
            number,
            NO_PART_HEADING,
            f"page {page} is part {page.part} of section {self.root.ref}.{page.section}, but its "
            f"part heading ('{page.part} Title') is missing or broken before {text[:40]!r}",
        )

    def _open(self, state: _PageState, parent: Section, node: Section, level: int) -> None:
        state.stack = [*state.stack[: state.stack.index(parent) + 1], node]
        state.headings_seen += 1
        if level == NUMBER:
            state.numbers_seen += 1
        if state.top is None:
            state.top = node

    def _paragraph(self, state: _PageState, number: int, text: str) -> None:
        current = state.stack[-1]
        if (
            state.headings_seen == 0
            and state.part_node is not None
            and current.level == SECTION
            and not current.paragraphs
        ):
            # Text before any heading on a page whose part began on an earlier page.
            state.stack.append(state.part_node)
            current = state.part_node
            state.headings_seen += 1
            self._warn(
                state,
                number,
                GUESSED_POSITION,
                f"page {state.page.page} starts with text; continued {current.ref}",
            )
        # A marker is a pointer to a footnote, not a word of the text: left in, "members*1."
        # would be the word search, /verify and fact drafts see. The footnote stays a note.
        text, labels = _unmarked(text, state.note_labels)
        _mark(state, labels, current)
        index = len(current.paragraphs) + 1
        current.paragraphs.append(
            Paragraph(
                ref=f"{current.ref}¶{index}",
                section_ref=current.ref,
                index=index,
                text=text,
                line=number,
            )
        )

    def _footnotes(self, state: _PageState, footnotes: list[tuple[int, str, str]]) -> None:
        """Each footnote goes to the section whose text carries its marker (*1), else the top."""
        for number, label, text in footnotes:
            home = (
                state.marked.get(label) or state.top or (state.stack[-1] if state.stack else None)
            )
            if home is not None:
                home.notes.append(Note(FOOTNOTE, text, number, label))

    def finish(self) -> Section:
        """The chapter; headings no page spelled out keep their number as their title."""
        if self.root is None:
            raise ParseError(1, "no 'Chapter N' heading found")
        for node in self.sections.values():
            if id(node) in self._placeholder:
                name = "Chapter" if node.level == CHAPTER else "Section"
                label = node.ref.rsplit(".", 1)[-1]
                node.heading = f"{name} {label}"
                node.title = node.title or node.heading
        if not self.root.title:
            self.root.title = self.root.heading
        return self.root


def parse_pages(pages: Iterable[PageText]) -> tuple[Section, list[ParseWarning]]:
    """Build one chapter from pages in reading order; raises ParseError."""
    builder = ChapterBuilder()
    for page in pages:
        builder.add_page(page)
    return builder.finish(), builder.warnings


def parse_chapter(text: str, page: PageId | None = None, source_url: str = "") -> Section:
    """Build the heading tree of one text; raises ParseError if it cannot be placed."""
    root, _ = parse_pages([PageText.from_text(text, "<text>", page, source_url)])
    return root
