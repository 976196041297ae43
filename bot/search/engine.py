"""Search the chapter: BM25 over paragraphs, typo correction, glossary expansion, phrases.

One engine per pack, over that pack's index (bot/index_cache.py reads it from the cache
beside the database or builds it); the library in service (bot/served.py) builds a pack's
engine when it is first searched, the newest pack's at start-up. Used by the slash
commands, keyword lookups and the CLI alike; a query never raises, whatever was typed or
pasted.
"""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from itertools import pairwise
from operator import itemgetter

import numpy as np

from bot.pack.model import Pack, Paragraph, ThesaurusEntry
from bot.search.analysis import STOPWORDS
from bot.search.build import PackIndex, index_pack
from bot.search.excerpt import Excerpt, Sentences, choose_excerpt, placed_words
from bot.search.glossary import GlossaryMatcher
from bot.search.normalize import normalize_query, words
from bot.search.query import Alternative, Marks, QueryPlan, QueryPlanner
from bot.search.result import Reach, SearchResponse, SearchResult
from bot.search.sentences import split_sentences
from bot.search.small import (
    COVERAGE_FLOOR,
    NEAR_CANDIDATES,
    NEAR_WEIGHT,
    NEAR_WORDS,
    SmallRanking,
    best_first,
)
from bot.search.suggest import MAX_SUGGESTIONS, Suggester
from bot.search.thesaurus import ThesaurusMatcher
from bot.search.typos import TypoCorrector

log = logging.getLogger(__name__)

# BM25 picks this many candidates before phrase matches are promoted among them.
CANDIDATES = 100
# An exact phrase is also looked for beyond the candidates, in at most this many paragraphs
# that have every word of it (the best by BM25): a paragraph with the phrase rarely ranks
# so low, and each can cost a substring test.
PHRASE_CANDIDATES = 200
# A pack of at most this many paragraphs is ranked in plain Python: on a few paragraphs
# numpy's cost per call is most of a query. Both ways add the same float64 numbers in the
# same order, so they give the same scores (tests/search/test_small_ranking.py). At most
# CANDIDATES, so every match of a small pack is a candidate.
SMALL_PACK = 100
MAX_LIMIT = 25
# Answers to this many recent (query, limit) pairs are kept. An answer holds its results
# and the plan's marks (its excerpts are made from them): about 3 KB (tracemalloc over 300
# new queries on the shipped page), so 512 answers are about 1.5 MB. At 2,048 answers of
# 6 KB (12 MB) they were most of what the soak's RSS grew by after its
# warm-up (bench/README.md, "Where the misses come from"); a repeated question, the next
# page and the search benchmark's warm figures (a few hundred queries) fit in 512.
ANSWER_CACHE = 512
# A message of at least this many words (of three letters or more, not stop words) whose
# best paragraph has a third of them or fewer, and no name it used, is answered only loosely
# (`answers_little_of`).
MESSAGE_WORDS = 3
# Only the start of a long query is read for suggestions.
SUGGEST_QUERY_CHARS = 120


_score_of = itemgetter(1)


def _add(into: np.ndarray, docs: np.ndarray, values: np.ndarray | float) -> None:
    """`into[docs] += values` for the (distinct) paragraphs of a term, in float64: the same
    sums, faster. numpy converts int32 indices again at every use, and its `add.at` has a
    fast way only for indices of its own integer type and values of the array's type."""
    np.add.at(into, docs, values)


def answers_little_of(query: str, result: SearchResult) -> bool:
    """Whether `result` answers a whole message of several words (at least MESSAGE_WORDS of
    three letters or more, not stop words) by a third of them or fewer, and names nothing
    the message named: "what time is the meeting tomorrow" found in "at the same time".
    Such a result is the closest passage, not an answer."""
    typed = {w for w in words(query) if len(w) >= 3 and not w.isdigit() and w not in STOPWORDS}
    if len(typed) < MESSAGE_WORDS:
        return False
    reach = result.reach
    return not reach.named and reach.words * 3 <= len(typed)


class SearchEngine:
    """An index over one pack's paragraphs."""

    def __init__(
        self,
        pack: Pack,
        built: PackIndex,
        thesaurus: Sequence[ThesaurusEntry] | None = None,
        *,
        more_titles: Iterable[str] = (),
    ) -> None:
        """`thesaurus` defaults to the pack's own (its glossary's). `more_titles`: headings
        to suggest beside the pack's own (a library's other chapters' headings without text)."""
        entries = tuple(pack.glossary.thesaurus if thesaurus is None else thesaurus)
        self.pack = pack
        self.analyzer = built.analyzer
        self.index = built.bm25
        self._phrases = built.phrases
        self._positions = built.positions
        self._terms, self._offsets = built.positions.terms()
        # The same as Python numbers, for slicing: a numpy scalar costs more to read.
        self._starts: list[int] = self._offsets.tolist()
        self._paragraphs: list[Paragraph] = list(pack.paragraphs.values())
        # Sentence boundaries of each paragraph excerpted so far (at most one entry a paragraph).
        self._sentences: dict[int, Sentences] = {}
        # And where each of its terms occurs, for the words to bold.
        self._spans: dict[int, dict[int, list[tuple[int, int, int, int]]]] = {}
        # For ranking a small pack in plain Python.
        self._small = SmallRanking(self.index, self._terms, self._offsets, self._phrases)
        # The thesaurus's everyday words can be misspelt too ("hackng"); they rank below
        # the text's own words at the same distance.
        everyday = {self.analyzer.fold(w): 0 for e in entries for p in e.words for w in words(p)}
        self.typos = TypoCorrector(everyday | built.frequencies)
        self.glossary = GlossaryMatcher(pack.glossary, self.analyzer)
        self.thesaurus = ThesaurusMatcher(entries, self.analyzer)
        self.planner = QueryPlanner(
            self.analyzer, self.index, self.typos, self.glossary, self.thesaurus
        )
        self._entries = entries
        titles = [s.title for s in pack.sections.values() if s.level > 0]
        self._titles = list(dict.fromkeys([*titles, *more_titles]))
        # The same query comes back: the next page of results, autocomplete, a popular
        # question. Answers are kept (results are immutable, excerpts made once).
        self._answer = lru_cache(maxsize=ANSWER_CACHE)(self._answer_uncached)

    @classmethod
    def build(cls, pack: Pack, thesaurus: Sequence[ThesaurusEntry] | None = None) -> SearchEngine:
        """Index every paragraph of `pack`; done once, at start-up. A library of several
        packs can pass one `thesaurus` for all of them; by default the pack's own is used."""
        return cls(pack, index_pack(pack), thesaurus)

    @cached_property
    def suggester(self) -> Suggester:
        """Made on the first query without results: most engines of a library never need it,
        and each costs a start-up tens of milliseconds.

        Only what occurs in this pack is offered: a new pack inherits the shipped glossary
        and thesaurus, and a term its pages lack ("GCAP") offered as "try this" finds nothing
        in turn."""
        # Here, not at the top: bot.pack.thesaurus imports bot.search, whose __init__
        # imports this module.
        from bot.pack.thesaurus import LibraryText

        texts = [p.text for p in self._paragraphs] + self._titles
        text = LibraryText((words(t) for t in texts), self.pack.glossary.spellings)
        names = [n for term in self.pack.glossary.terms for n in term.names if text.has(n)]
        meanings: list[tuple[str, str]] = []
        for entry in self._entries:
            held = [t for t in entry.targets if text.has(t)]
            # An everyday word offers the first of its document terms the pack uses.
            meanings += [(t, t) for t in held]
            meanings += [(w, held[0]) for w in entry.words if held]
        named = [(n, n) for n in (*self._titles, *names)]
        return Suggester([*named, *meanings], self.analyzer)

    @cached_property
    def terms_used(self) -> frozenset[str]:
        """The glossary terms (`GlossaryTerm.term`) with a name whose words are all in the
        pack (as index terms, so in a row or not): an imported pack inherits every shipped
        term, also those its pages never mention. Free: the planner has each name's terms."""
        entries = self.glossary.entries
        return frozenset(entries[i].label for i, names in enumerate(self.planner.names) if names)

    def search(self, query: str, limit: int = 5) -> SearchResponse:
        """The paragraphs that best answer `query`, best first; suggestions if none do."""
        normalized = normalize_query(query)
        limit = max(1, min(int(limit), MAX_LIMIT))
        results, suggestions = self._answer(normalized, limit)
        return SearchResponse(query, normalized, results, suggestions)

    def clear_cache(self) -> None:
        """Forget the answers kept for recent queries and the typo corrections kept for words
        seen before: benchmarks time a new query's whole work."""
        self._answer.cache_clear()
        self.typos.forget()

    def _answer_uncached(
        self, normalized: str, limit: int
    ) -> tuple[tuple[SearchResult, ...], tuple[str, ...]]:
        plan = self.planner.plan(normalized)
        ranked = self._rank(plan)[:limit]
        if not ranked:
            return (), self.suggest(normalized)
        marks = plan.marks()
        return tuple([self._result(doc, score, marks) for doc, score in ranked]), ()

    def _rank(self, plan: QueryPlan, small: bool | None = None) -> list[tuple[int, float]]:
        """(paragraph, score) of every candidate, best first; `small` chooses the plain
        Python way or numpy's (by default, by the pack's size)."""
        n = self.index.doc_count
        if not plan.concepts or n == 0:
            return []
        if small is None:
            small = n <= SMALL_PACK
        if small:
            return self._small.rank(plan)
        # Every paragraph's score when some matches are not candidates.
        candidates, beyond = self._scores(plan, n)
        if not candidates:
            return []
        if len(plan.concepts) > 1:
            candidates = self._near(candidates, plan)
        # An exact phrase match outranks every paragraph that only has the words apart; so
        # does the phrase with its typos corrected.
        bonus = max(map(_score_of, candidates))
        texts = self._phrases
        phrases = [p for p in (plan.phrase, plan.corrected_phrase) if p.strip()]
        if len(phrases) == 2 and phrases[0] == phrases[1]:
            del phrases[1]
        for phrase in phrases:
            docs = np.fromiter((d for d, _ in candidates), np.intp, len(candidates))
            # Cheap tests before the substring test: every word of the phrase, and two of
            # them close enough.
            terms = self._phrase_terms(phrase)
            words = self._with_words(terms)
            close = self._close(phrase, terms) if words is not None else None
            could = words if close is None else words & close
            maybe = [True] * len(docs) if could is None else could[docs].tolist()
            having = [
                has and phrase in texts[d] for (d, _), has in zip(candidates, maybe, strict=True)
            ]
            if beyond is not None and words is not None and len(phrase.split()) > 1:
                # The phrase in a paragraph BM25 left out of the candidates: it still
                # outranks the words apart.
                words[docs] = False
                found = self._having_phrase(phrase, np.flatnonzero(words), beyond, close)
                candidates += [(d, float(beyond[d])) for d in found]
                having += [True] * len(found)
            candidates = [
                (d, s + bonus if has else s) for (d, s), has in zip(candidates, having, strict=True)
            ]
        best_first(candidates)
        return candidates

    def _scores(self, plan: QueryPlan, n: int) -> tuple[list[tuple[int, float]], np.ndarray | None]:
        """The best CANDIDATES paragraphs by BM25 and coverage, as (paragraph, score), with
        numpy over every paragraph, and every paragraph's score if more matched. Sums are in
        float64, as in `SmallRanking.scores`."""
        scores = np.zeros(n)
        # The share of the query's concepts (each weighed by its rarity) a paragraph has;
        # with one concept there is nothing to share.
        several = len(plan.concepts) > 1
        covered = np.zeros(n)
        for concept in plan.concepts:
            alternatives = concept.alternatives
            if len(alternatives) == 1 and len(alternatives[0].terms) == 1:
                docs, weights = self.index.postings(alternatives[0].terms[0])
                weight = alternatives[0].weight
                at = docs.astype(np.intp)
                _add(scores, at, np.multiply(weights, weight, dtype=float))
                if several:
                    _add(covered, at, concept.rarity)
                continue
            best = np.zeros(n)
            for alternative in alternatives:
                np.maximum(best, self._alternative_scores(alternative, n), out=best)
            scores += best
            if several:
                share = concept.rarity if concept.stands_for is None else concept.stands_for
                covered += (best > 0) * share
        if several:
            total = sum(c.rarity for c in plan.concepts if c.stands_for is None) or 1.0
            scores *= COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * np.minimum(covered / total, 1.0)
        matched = np.flatnonzero(scores > 0)
        if len(matched) <= CANDIDATES:
            return list(zip(matched.tolist(), scores[matched].tolist(), strict=True)), None
        top = matched[np.argpartition(-scores[matched], CANDIDATES - 1)[:CANDIDATES]]
        return list(zip(top.tolist(), scores[top].tolist(), strict=True)), scores

    def _having_phrase(
        self, phrase: str, having: np.ndarray, scores: np.ndarray, close: np.ndarray | None
    ) -> list[int]:
        """Those of `having` (the paragraphs, in order, with every word of the phrase but
        not among the candidates) that have the phrase: the PHRASE_CANDIDATES best by
        `scores`, by a substring test in those `close` (`_close`) allows."""
        if len(having) > PHRASE_CANDIDATES:
            having = having[np.argpartition(-scores[having], PHRASE_CANDIDATES - 1)]
            having = np.sort(having[:PHRASE_CANDIDATES])
        if close is not None:
            having = having[close[having]]
        texts = self._phrases
        return [d for d in having.tolist() if phrase in texts[d]]

    def _phrase_terms(self, phrase: str) -> list[tuple[int, int]] | None:
        """(place in the phrase, term) of each word of it but stop words; None when a word
        is in no paragraph."""
        found: list[tuple[int, int]] = []
        for at, word in enumerate(phrase.split()):
            if self.analyzer.is_stopword(word):
                continue
            tid = self.index.term_id(self.analyzer.stem(word))
            if tid is None:
                return None
            found.append((at, tid))
        return found

    def _with_words(self, terms: list[tuple[int, int]] | None) -> np.ndarray | None:
        """Which paragraphs have every word of a phrase (its `_phrase_terms`) but stop
        words, as a mask over all of them (a fresh array); None when the phrase is stop
        words only. A mask, not a binary search in each word's postings: several times
        faster on common words."""
        n = self.index.doc_count
        if terms is None:
            return np.zeros(n, dtype=bool)  # a word no paragraph has
        having: np.ndarray | None = None
        for tid in dict.fromkeys(tid for _, tid in terms):
            found = np.zeros(n, dtype=bool)
            found[self.index.postings(tid)[0].astype(np.intp)] = True
            if having is None:
                having = found
            else:
                having &= found
        return having

    def _close(self, phrase: str, terms: list[tuple[int, int]] | None = None) -> np.ndarray | None:
        """A mask of the paragraphs where two words of the phrase but stop words are close
        enough to be in it, from the terms of each paragraph's words; None when the phrase
        has fewer than two such words. Every paragraph with the phrase is in the mask (the
        substring test decides), as between two words next to each other in a paragraph's
        phrase string its terms have at most one term, of a joined compound ("peace-
        keeping" is "peace keeping" there and peace, keep, peacekeep in its terms): two
        words of the phrase with `s` stop words between are 1 to s + 2 terms apart. Of
        each two words the rarer is looked for, and the other near it. `terms`: the
        phrase's `_phrase_terms`, when the caller has them."""
        kept = self._phrase_terms(phrase) if terms is None else terms
        if kept is None or len(kept) < 2:
            return None
        places, starts = self._places
        bounds = {tid: (int(starts[tid]), int(starts[tid + 1])) for _, tid in kept}
        count = {tid: hi - lo for tid, (lo, hi) in bounds.items()}
        # The two words next to each other (stop words apart) with the rarest of all.
        (at, first), (next_at, second) = min(
            pairwise(kept), key=lambda pair: min(count[pair[0][1]], count[pair[1][1]])
        )
        sequence = self._terms
        if count[first] <= count[second]:
            rare, other, step = first, second, 1
        else:
            rare, other, step = second, first, -1
        lo, hi = bounds[rare]
        where = places[lo:hi].astype(np.intp)
        near = np.zeros(len(where), dtype=bool)
        for gap in range(1, next_at - at + 2):
            # Past either end of the terms, the end's term is read: that can only add a
            # paragraph to test, never leave one out.
            near |= sequence.take(where + step * gap, mode="clip") == other
        docs = np.searchsorted(self._offsets, where[near], side="right") - 1
        close = np.zeros(self.index.doc_count, dtype=bool)
        close[docs] = True
        return close

    @cached_property
    def _places(self) -> tuple[np.ndarray, np.ndarray]:
        """Where each term is in `self._terms`, term after term, and where each term's run
        starts: made on the first phrase looked for in a large pack (tens of milliseconds
        and 4 bytes a word on a 5 MB pack), as most engines of a library never need it."""
        terms = self._terms
        places = np.argsort(terms, kind="stable").astype(np.int32)
        counts = np.bincount(terms, minlength=len(self.index))
        return places, np.concatenate(([0], np.cumsum(counts)))

    def _near(
        self, candidates: list[tuple[int, float]], plan: QueryPlan
    ) -> list[tuple[int, float]]:
        """Add a bonus to the best candidates for different query words found close together:
        "U.S. Forces" for "american forces", not "forces" here and "U.S." there."""
        best_first(candidates)
        head = candidates[:NEAR_CANDIDATES]
        if len(plan.highlights) < 2:
            return candidates  # one term cannot be near a different one
        terms, offsets = self._terms, self._starts
        slices = [terms[offsets[d] : offsets[d + 1]] for d, _ in head]
        words = np.concatenate(slices)
        owner = np.repeat(np.arange(len(head)), [len(s) for s in slices])
        wanted = sorted(plan.highlights)
        query_terms = np.array(wanted, dtype=np.int32)
        at = np.minimum(np.searchsorted(query_terms, words), len(wanted) - 1)
        at = np.flatnonzero(query_terms[at] == words)
        if len(at) < 2:
            return candidates
        rarity_of = np.array([plan.highlights[t][1] for t in wanted], dtype=np.float32)
        term = words[at]
        doc = owner[at]
        rarity = rarity_of[np.searchsorted(query_terms, term)]
        gap = at[1:] - at[:-1]
        pair = (doc[1:] == doc[:-1]) & (term[1:] != term[:-1]) & (gap <= NEAR_WORDS)
        if not pair.any():
            return candidates
        close = np.minimum(rarity[1:], rarity[:-1]) / gap
        bonus = np.bincount(doc[1:][pair], weights=close[pair], minlength=len(head))
        top = head[0][1] / max(sum(c.rarity for c in plan.concepts), 1e-9)
        boosted = [
            (d, s + NEAR_WEIGHT * top * b) for (d, s), b in zip(head, bonus.tolist(), strict=True)
        ]
        return boosted + candidates[NEAR_CANDIDATES:]

    def _alternative_scores(self, alternative: Alternative, n: int) -> np.ndarray:
        scores = np.zeros(n)
        hits = np.zeros(n, dtype=np.int16) if alternative.require_all else None
        for tid in alternative.terms:
            docs, weights = self.index.postings(tid)
            at = docs.astype(np.intp)
            _add(scores, at, weights.astype(float))
            if hits is not None:
                hits[at] += 1
        if hits is not None and len(alternative.terms) > 1:
            scores[hits < len(alternative.terms)] = 0
        return scores * alternative.weight

    def _result(self, doc: int, score: float, marks: Marks) -> SearchResult:
        ref, section_ref, title, text = self._fields[doc]
        return SearchResult(ref, section_ref, title, text, score, self, doc, marks, rounded=False)

    @cached_property
    def _fields(self) -> list[tuple[str, str, str, str]]:
        """Each paragraph's reference, section, section title and text, as a result shows
        them (made on the first result)."""
        sections = self.pack.sections
        fields = []
        for paragraph in self._paragraphs:
            section = sections.get(paragraph.section_ref)
            title = section.title if section is not None else ""
            fields.append((paragraph.ref, paragraph.section_ref, title, paragraph.text))
        return fields

    def _term_spans(self, doc: int) -> dict[int, list[tuple[int, int, int, int]]]:
        """Where each term of a paragraph stands: its character span and the first and last
        sentence that span lies in (kept per paragraph excerpted, with its sentences)."""
        spans = self._spans.get(doc)
        if spans is None:
            sentences = self._sentences_of(doc)
            starts, ends = sentences.starts, sentences.ends
            spans = self._spans[doc] = {}
            crossing = False
            for start, end, tid in self._positions.of(doc):
                first, last = bisect_right(starts, start) - 1, bisect_left(ends, end)
                spans.setdefault(tid, []).append((start, end, first, last))
                crossing = crossing or first != last
            sentences.crossing = crossing
        return spans

    def _sentences_of(self, doc: int) -> Sentences:
        sentences = self._sentences.get(doc)
        if sentences is None:
            text = self._paragraphs[doc].text
            sentences = self._sentences[doc] = Sentences(split_sentences(text) or [(0, len(text))])
        return sentences

    def _reach(self, doc: int, marks: Marks) -> Reach:
        present = marks.highlights.keys() & self._term_spans(doc).keys()
        concepts = {marks.highlights[t][0] for t in present}
        typed = sum(marks.typed[c] for c in concepts)
        return Reach(typed, not marks.named.isdisjoint(present))

    def _excerpt(self, doc: int, marks: Marks) -> Excerpt:
        words = placed_words(marks.highlights, self._term_spans(doc))
        return choose_excerpt(self._paragraphs[doc].text, words, self._sentences_of(doc))

    def suggest(self, normalized: str) -> tuple[str, ...]:
        """Section titles and glossary and thesaurus terms close to the query's words, for
        "did you mean"; the first section titles when the query is empty."""
        query = normalized[:SUGGEST_QUERY_CHARS].strip()
        if not query:
            return tuple(self._titles[:MAX_SUGGESTIONS])
        return self.suggester.suggest(query)
