"""Search the chapter: BM25 over paragraphs, typo correction, glossary expansion, phrases.

Used by the slash commands, keyword lookups and the CLI alike. Built once at start-up from
the pack; a query never raises, whatever was typed or pasted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from bot.pack.model import Pack, Paragraph
from bot.search.build import PackIndex, index_pack
from bot.search.excerpt import Excerpt, choose_excerpt
from bot.search.glossary import GlossaryMatcher
from bot.search.normalize import normalize, normalize_query
from bot.search.query import Alternative, QueryPlan, QueryPlanner
from bot.search.sentences import split_sentences
from bot.search.typos import TypoCorrector

log = logging.getLogger(__name__)

# BM25 picks this many candidates before phrase matches are promoted among them.
CANDIDATES = 100
MAX_LIMIT = 25
# When nothing matches, glossary names and section titles scoring at least this (rapidfuzz
# WRatio, 0-100, on normalised text) are offered instead, at most MAX_SUGGESTIONS of them.
SUGGEST_MIN = 60
MAX_SUGGESTIONS = 5
SUGGEST_QUERY_CHARS = 120


@dataclass(frozen=True)
class SearchResult:
    """One paragraph found. Its excerpt is chosen when first read: a reply shows one result
    of several, and the excerpt is most of a result's cost."""

    ref: str
    section_ref: str
    title: str
    paragraph: str
    score: float
    make_excerpt: Callable[[], Excerpt] = field(repr=False, compare=False)

    @cached_property
    def _excerpt(self) -> Excerpt:
        return self.make_excerpt()

    @property
    def excerpt(self) -> str:
        return self._excerpt.text

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return self._excerpt.spans

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


@dataclass(frozen=True)
class SearchResponse:
    query: str
    normalized: str
    results: tuple[SearchResult, ...]
    suggestions: tuple[str, ...] = ()


class SearchEngine:
    """An index over one pack's paragraphs."""

    def __init__(self, pack: Pack, built: PackIndex) -> None:
        self.pack = pack
        self.analyzer = built.analyzer
        self.index = built.bm25
        self._phrases = built.phrases
        self._positions = built.positions
        self._paragraphs: list[Paragraph] = list(pack.paragraphs.values())
        # Sentence boundaries of each paragraph excerpted so far (at most one entry a paragraph).
        self._sentences: dict[int, list[tuple[int, int]]] = {}
        self.typos = TypoCorrector(built.frequencies)
        self.glossary = GlossaryMatcher(pack.glossary, self.analyzer)
        self.planner = QueryPlanner(self.analyzer, self.index, self.typos, self.glossary)
        names = [n for term in pack.glossary.terms for n in term.names]
        titles = [s.title for s in pack.sections.values() if s.level > 0]
        self._choices = list(dict.fromkeys(n for n in [*names, *titles] if n.strip()))
        self._folded_choices = [normalize(c).strip() for c in self._choices]

    @classmethod
    def build(cls, pack: Pack) -> SearchEngine:
        """Index every paragraph of `pack`; done once, at start-up."""
        return cls(pack, index_pack(pack))

    def search(self, query: str, limit: int = 5) -> SearchResponse:
        """The paragraphs that best answer `query`, best first; suggestions if none do."""
        normalized = normalize_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        plan = self.planner.plan(normalized)
        ranked = self._rank(plan)[:limit]
        results = tuple(self._result(doc, score, plan) for doc, score in ranked)
        suggestions = () if results else self.suggest(normalized)
        return SearchResponse(query, normalized, results, suggestions)

    def _rank(self, plan: QueryPlan) -> list[tuple[int, float]]:
        n = self.index.doc_count
        if not plan.concepts or n == 0:
            return []
        scores = np.zeros(n, dtype=np.float32)
        for concept in plan.concepts:
            alternatives = concept.alternatives
            if len(alternatives) == 1 and len(alternatives[0].terms) == 1:
                docs, weights = self.index.postings(alternatives[0].terms[0])
                scores[docs] += weights * alternatives[0].weight
                continue
            best = np.zeros(n, dtype=np.float32)
            for alternative in alternatives:
                np.maximum(best, self._alternative_scores(alternative, n), out=best)
            scores += best
        matched = np.flatnonzero(scores > 0)
        if len(matched) > CANDIDATES:
            top = np.argpartition(-scores[matched], CANDIDATES - 1)[:CANDIDATES]
            matched = matched[top]
        candidates = [(int(d), float(scores[d])) for d in matched]
        if not candidates:
            return []
        # An exact phrase match outranks every paragraph that only has the words apart; so
        # does the phrase with its typos corrected.
        bonus = max(score for _, score in candidates)
        phrases = [p for p in (plan.phrase, plan.corrected_phrase) if p.strip()]
        if phrases:
            texts = self._phrases
            candidates = [
                (d, s + bonus if any(p in texts[d] for p in phrases) else s) for d, s in candidates
            ]
        candidates.sort(key=lambda item: (-item[1], item[0]))
        return candidates

    def _alternative_scores(self, alternative: Alternative, n: int) -> np.ndarray:
        scores = np.zeros(n, dtype=np.float32)
        hits = np.zeros(n, dtype=np.int16) if alternative.require_all else None
        for tid in alternative.terms:
            docs, weights = self.index.postings(tid)
            scores[docs] += weights
            if hits is not None:
                hits[docs] += 1
        if hits is not None and len(alternative.terms) > 1:
            scores[hits < len(alternative.terms)] = 0
        return scores * alternative.weight

    def _result(self, doc: int, score: float, plan: QueryPlan) -> SearchResult:
        paragraph = self._paragraphs[doc]
        section = self.pack.sections.get(paragraph.section_ref)
        return SearchResult(
            ref=paragraph.ref,
            section_ref=paragraph.section_ref,
            title=section.title if section is not None else "",
            paragraph=paragraph.text,
            score=round(score, 4),
            make_excerpt=lambda: self._excerpt(doc, plan),
        )

    def _excerpt(self, doc: int, plan: QueryPlan) -> Excerpt:
        text = self._paragraphs[doc].text
        highlights = plan.highlights
        words = [
            (start, end, *highlights[tid])
            for start, end, tid in self._positions.of(doc)
            if tid in highlights
        ]
        sentences = self._sentences.get(doc)
        if sentences is None:
            sentences = self._sentences[doc] = split_sentences(text) or [(0, len(text))]
        return choose_excerpt(text, words, sentences)

    def suggest(self, normalized: str) -> tuple[str, ...]:
        """Glossary names and section titles closest to the query, for "did you mean"."""
        query = normalized[:SUGGEST_QUERY_CHARS].strip()
        if not query:
            titles = [s.title for s in self.pack.sections.values() if s.level > 0]
            return tuple(titles[:MAX_SUGGESTIONS])
        found = process.extract(
            query,
            self._folded_choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=MAX_SUGGESTIONS,
            score_cutoff=SUGGEST_MIN,
        )
        return tuple(dict.fromkeys(self._choices[i] for _, _, i in found))
