"""What a search answers: each paragraph found (`SearchResult`, its excerpt chosen when first
read), how much of the query it answers (`Reach`), and the answer (`SearchResponse`).

Compiled with the query planner (bot/compiled.py): a query makes several results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from bot.search.excerpt import Excerpt
from bot.search.query import Marks

# The places a score found by search is rounded to, as results show it.
ROUNDED_TO = 4


class _Source(Protocol):
    """What makes a result's excerpt and reach (the engine that found it)."""

    def _excerpt(self, doc: int, marks: Marks) -> Excerpt: ...

    def _reach(self, doc: int, marks: Marks) -> Reach: ...


@dataclass(frozen=True)
class Reach:
    """How much of a query a paragraph answers: how many typed words it has (or their
    meanings, or their corrections), and whether it has a glossary name typed or the name it
    stands for."""

    words: int
    named: bool


class SearchResult:
    """One paragraph found. Its excerpt is chosen when first read, by `source` (the engine that
    found it) from the paragraph's number `doc` and the query's `marks` (what the result needs
    of its plan, `QueryPlan.marks`): a reply shows one result of several, and the excerpt is
    most of a result's cost. A result made without a source has no excerpt or reach to make.

    Read-only fields (`Final`: mypy refuses a write, and compiled they are read-only); equal and
    hashed by what it shows (ref, section, title, paragraph, score; the score rounded when first
    read), like a frozen dataclass. Not one: a compiled frozen dataclass writes each field
    through `object.__setattr__` too, and a query makes several results (`bench.instructions`
    results). No instance dict, and the source and marks held rather than closures over them:
    the engine keeps its recent answers, so each object of a result lives through garbage
    collections until the answer is dropped (in a running bot the collector took 26 µs of CPU
    per /search with the closures, 14 without: bench/README.md)."""

    __slots__ = (
        "_made_excerpt",
        "_made_reach",
        "_rounded",
        "_score",
        "doc",
        "marks",
        "paragraph",
        "ref",
        "section_ref",
        "source",
        "title",
    )

    def __init__(
        self,
        ref: str,
        section_ref: str,
        title: str,
        paragraph: str,
        score: float,
        source: _Source | None = None,
        doc: int = -1,
        marks: Marks | None = None,
        *,
        rounded: bool = True,
    ) -> None:
        """`rounded=False`: `score` is the ranking's own, and the `score` property reads it
        rounded to ROUNDED_TO places, when first read: a reply reads no score, and `round`
        formats and parses the number (0.2 µs, for each of a query's results)."""
        self.ref: Final = ref
        self.section_ref: Final = section_ref
        self.title: Final = title
        self.paragraph: Final = paragraph
        self._score = score
        self._rounded = rounded
        self.source: Final = source
        self.doc: Final = doc
        self.marks: Final = marks
        self._made_excerpt: Excerpt | None = None
        self._made_reach: Reach | None = None

    @property
    def score(self) -> float:
        if not self._rounded:
            self._score = round(self._score, ROUNDED_TO)
            self._rounded = True
        return self._score

    def quoted_as(self, ref: str, section_ref: str, title: str) -> SearchResult:
        """The same paragraph found, under the reference, section and title given (those of
        the pack it quotes); its excerpt is chosen again, as for a new result."""
        return SearchResult(
            ref, section_ref, title, self.paragraph, self.score, self.source, self.doc, self.marks
        )

    def _shown(self) -> tuple[str, str, str, str, float]:
        return (self.ref, self.section_ref, self.title, self.paragraph, self.score)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SearchResult):
            return NotImplemented
        return self._shown() == other._shown()

    def __hash__(self) -> int:
        return hash(self._shown())

    def __repr__(self) -> str:
        return (
            f"SearchResult(ref={self.ref!r}, section_ref={self.section_ref!r}, "
            f"title={self.title!r}, paragraph={self.paragraph!r}, score={self.score!r})"
        )

    @property
    def chosen(self) -> Excerpt:
        """The excerpt with its place in the paragraph (chosen when first read)."""
        made = self._made_excerpt
        if made is None:
            if self.source is None or self.marks is None:
                made = Excerpt(self.paragraph, 0, ())
            else:
                made = self.source._excerpt(self.doc, self.marks)
            self._made_excerpt = made
        return made

    @property
    def reach(self) -> Reach:
        """How much of the query this paragraph answers (worked out when first read)."""
        made = self._made_reach
        if made is None:
            if self.source is None or self.marks is None:
                made = Reach(0, False)
            else:
                made = self.source._reach(self.doc, self.marks)
            self._made_reach = made
        return made

    @property
    def excerpt(self) -> str:
        return self.chosen.text

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return self.chosen.spans

    def to_dict(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "section_ref": self.section_ref,
            "title": self.title,
            "excerpt": self.excerpt,
            "spans": [list(span) for span in self.spans],
            "paragraph": self.paragraph,
            "score": self.score,
        }


class SearchResponse:
    """The answer to a query: its results, best first, or suggestions when there are none.
    Read-only fields, as a result's; compared by identity (nothing compares answers)."""

    __slots__ = ("normalized", "query", "results", "suggestions")

    def __init__(
        self,
        query: str,
        normalized: str,
        results: tuple[SearchResult, ...],
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.query: Final = query
        self.normalized: Final = normalized
        self.results: Final = results
        self.suggestions: Final = suggestions

    def __repr__(self) -> str:
        return (
            f"SearchResponse(query={self.query!r}, normalized={self.normalized!r}, "
            f"results={self.results!r}, suggestions={self.suggestions!r})"
        )
