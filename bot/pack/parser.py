"""Parse Bluebook-style chapter text into a heading tree with numbered paragraphs.

Headings recognised, from the top down:

    Chapter 3                      chapter (its title is the next short line)
    Section 1 Title                section
    1 Title                        number
    (1) Title                      paren-number
    A Title                        letter
    (A) Title                      paren-upper
    (a) Title                      paren-lower

A line is a heading only if it has the shape of one *and* continues the numbering of its
level under the current parent (1 after nothing, 2 after 1, B after A ...) *and* reads like
a title: short, no sentence ending. That keeps a paragraph such as "A historic shift ..."
or "2 million people ..." from becoming a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.pack.model import (
    CHAPTER,
    LETTER,
    NUMBER,
    PAREN_LOWER,
    PAREN_NUMBER,
    PAREN_UPPER,
    SECTION,
    Paragraph,
    Section,
)

MAX_TITLE_CHARS = 160

_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (CHAPTER, re.compile(r"^Chapter\s+(\d{1,2})(?:\s+(\S.*))?$")),
    (SECTION, re.compile(r"^Section\s+(\d{1,2})\s+(\S.*)$")),
    (NUMBER, re.compile(r"^(\d{1,2})\s+(\S.*)$")),
    (PAREN_NUMBER, re.compile(r"^\((\d{1,2})\)\s+(\S.*)$")),
    (LETTER, re.compile(r"^([A-Z])\s+(\S.*)$")),
    (PAREN_UPPER, re.compile(r"^\(([A-Z])\)\s+(\S.*)$")),
    (PAREN_LOWER, re.compile(r"^\(([a-z])\)\s+(\S.*)$")),
)


class ParseError(ValueError):
    """The text has no usable chapter structure."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class _Heading:
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


def _match_heading(line: str) -> _Heading | None:
    for level, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            title = (m.group(2) or "").strip()
            if level != CHAPTER and not _looks_like_title(title):
                return None
            return _Heading(level, m.group(1), title)
    return None


def ref_part(level: int, label: str) -> str:
    """The piece a heading adds to its parent's reference."""
    if level == CHAPTER:
        return label
    if level in (SECTION, NUMBER, LETTER):
        return f".{label}"
    return f"({label})"


def parse_chapter(text: str) -> Section:
    """Build the heading tree; raises ParseError if there is no `Chapter N` line."""
    lines = text.splitlines()
    root: Section | None = None
    stack: list[Section] = []
    last_child_ordinal: dict[tuple[int, int], int] = {}
    pending_title = False

    def expects(parent: Section, h: _Heading) -> bool:
        if h.level <= parent.level:
            return False
        return _ordinal(h.label) == last_child_ordinal.get((id(parent), h.level), 0) + 1

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        heading = _match_heading(line)
        if root is None:
            if heading is not None and heading.level == CHAPTER:
                root = Section(
                    ref=heading.label,
                    title=heading.title,
                    heading=line,
                    level=CHAPTER,
                    line=number,
                )
                stack = [root]
                pending_title = not heading.title
            continue
        if heading is not None and heading.level != CHAPTER:
            # Find the deepest open section this heading can continue.
            for depth in range(len(stack) - 1, -1, -1):
                parent = stack[depth]
                if expects(parent, heading):
                    break
            else:
                parent = None
            if parent is not None:
                last_child_ordinal[(id(parent), heading.level)] = _ordinal(heading.label)
                node = Section(
                    ref=parent.ref + ref_part(heading.level, heading.label),
                    title=heading.title,
                    heading=line,
                    level=heading.level,
                    line=number,
                    parent=parent,
                )
                parent.children.append(node)
                stack = [*stack[: stack.index(parent) + 1], node]
                pending_title = False
                continue
        if pending_title and _looks_like_title(line):
            root.title = line
            root.heading = f"{root.heading} {line}"
            pending_title = False
            continue
        pending_title = False
        current = stack[-1]
        index = len(current.paragraphs) + 1
        current.paragraphs.append(
            Paragraph(
                ref=f"{current.ref}¶{index}",
                section_ref=current.ref,
                index=index,
                text=line,
                line=number,
            )
        )
    if root is None:
        raise ParseError(1, "no 'Chapter N' heading found")
    return root
