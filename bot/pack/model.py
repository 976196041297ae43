"""Typed model of a content pack: the chapter tree, its paragraphs, facts and glossary."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

# Heading levels, from the chapter down. Deeper levels appear in other parts of the Bluebook.
# A boxed column sits below whatever section it appears in and never has sub-headings.
CHAPTER, SECTION, NUMBER, PAREN_NUMBER, LETTER, PAREN_UPPER, PAREN_LOWER, COLUMN = range(8)
LEVEL_NAMES = (
    "chapter",
    "section",
    "number",
    "paren-number",
    "letter",
    "paren-upper",
    "paren-lower",
    "column",
)
FOOTNOTE, FIGURE = "footnote", "figure"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of body text, verbatim, numbered within its section from 1."""

    ref: str
    section_ref: str
    index: int
    text: str
    line: int


@dataclass(frozen=True)
class Note:
    """A footnote or a figure reference of a section: kept verbatim, outside the text."""

    kind: str
    text: str
    line: int
    label: str = ""


@dataclass(eq=False)
class Section:
    """A heading and the paragraphs directly under it.

    `page` is the publisher's page id (c030102) the heading was read from, `source_url` that
    page's address; both are empty for text parsed without a page.
    """

    ref: str
    title: str
    heading: str
    level: int
    line: int
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    page: str = ""
    source_url: str = ""
    notes: list[Note] = field(default_factory=list)

    @property
    def path(self) -> list[str]:
        """Titles from the chapter down to this section."""
        titles: list[str] = []
        node: Section | None = self
        while node is not None:
            titles.append(node.title)
            node = node.parent
        return titles[::-1]

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self) -> Iterator[Section]:
        """This section and every section below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def all_paragraphs(self) -> Iterator[Paragraph]:
        for node in self.walk():
            yield from node.paragraphs


@dataclass(frozen=True)
class PageFile:
    """One publisher page stored in a pack: its id, its text file and its address."""

    id: str
    file: str
    source_url: str


@dataclass(frozen=True)
class Manifest:
    title: str
    edition_year: int
    chapter_number: int
    chapter_title: str
    language: str
    source_url: str
    text_file: str = "chapter.txt"
    facts_file: str = "facts.yaml"
    glossary_file: str = "glossary.yaml"
    # Packs built by `content import` list their pages; the shipped pack has one text file.
    pages: tuple[PageFile, ...] = ()


@dataclass(frozen=True)
class Fact:
    id: str
    headline: str
    quote: str
    ref: str
    tags: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class GlossaryTerm:
    """An acronym or alias and what it stands for; search treats them as one."""

    term: str
    expansion: str
    aliases: tuple[str, ...] = ()
    ref: str | None = None
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, self.expansion, *self.aliases)


@dataclass(frozen=True)
class ThesaurusEntry:
    """Everyday words and the document's terms that a search for them also looks for.

    `means` are terms for the same thing; `broader` are more general terms the text uses
    (ransomware -> cyberattacks); `narrower` more specific ones (weapons -> missiles)."""

    words: tuple[str, ...]
    means: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    narrower: tuple[str, ...] = ()
    line: int = 0

    @property
    def targets(self) -> tuple[str, ...]:
        return (*self.means, *self.broader, *self.narrower)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...] = ()
    # Spelling variants, each group spelled differently but meaning one word (defence/defense).
    spellings: tuple[tuple[str, ...], ...] = ()
    thesaurus: tuple[ThesaurusEntry, ...] = ()


def glossary_text(glossary: Glossary) -> str:
    """What of a glossary search reads, as text to hash: its terms, spellings and thesaurus,
    without the file lines they were read from (a comment added to the file changes nothing
    a search finds)."""
    return repr(
        replace(
            glossary,
            terms=tuple(replace(t, line=0) for t in glossary.terms),
            thesaurus=tuple(replace(e, line=0) for e in glossary.thesaurus),
        )
    )


def edition_glossary(first: Glossary, others: Iterable[Glossary]) -> Glossary:
    """The glossary a reader of the chapter of `first` reads: its terms, then those of
    `others` (the other chapters of its edition, in order) that it lacks. A term several
    chapters define is taken from the first that gives its `ref` (where a chapter has it),
    else from the first. Spellings and thesaurus stay `first`'s: a search index is built
    with them. `first` itself when the others add nothing."""
    chosen: dict[str, GlossaryTerm] = {}
    for glossary in (first, *others):
        for term in glossary.terms:
            held = chosen.get(term.term.casefold())
            if held is None or (held.ref is None and term.ref is not None):
                chosen[term.term.casefold()] = term
    terms = tuple(chosen.values())
    return first if terms == first.terms else replace(first, terms=terms)


@dataclass
class Pack:
    """A loaded, validated content pack."""

    manifest: Manifest
    root: Section
    facts: tuple[Fact, ...] = ()
    glossary: Glossary = field(default_factory=Glossary)
    sections: dict[str, Section] = field(default_factory=dict)
    paragraphs: dict[str, Paragraph] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.sections:
            self.sections = {s.ref: s for s in self.root.walk()}
        if not self.paragraphs:
            self.paragraphs = {p.ref: p for p in self.root.all_paragraphs()}

    @property
    def fact_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def section_of(self, paragraph: Paragraph) -> Section:
        return self.sections[paragraph.section_ref]

    def source_url(self, section: Section | None = None) -> str:
        """The address of the page `section` was read from; the pack's own without one."""
        node = section
        while node is not None:
            if node.source_url:
                return node.source_url
            node = node.parent
        return self.manifest.source_url

    def neighbours(self, ref: str) -> tuple[Section | None, Section | None]:
        """The sections before and after `ref` in reading order that carry text. A section
        of headings only (it shows the text of the sections inside it) is followed by the
        first section with text after all of those."""
        order = list(self.sections.values())
        at = next((i for i, s in enumerate(order) if s.ref == ref), None)
        if at is None:
            return None, None
        here = order[at]
        inside = {s.ref for s in here.walk()}
        prev = next((s for s in reversed(order[:at]) if s.paragraphs), None)
        nxt = next((s for s in order[at + 1 :] if s.paragraphs and s.ref not in inside), None)
        return prev, nxt
