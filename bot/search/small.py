"""Ranking a small pack (the engine's SMALL_PACK paragraphs at most) in plain Python, where
numpy's cost per call would be most of a query: the same float64 sums in the same order as the
engine's numpy way, so the same scores (tests/search/test_small_ranking.py). Compiled with the
query planner (bot/compiled.py).
"""

from __future__ import annotations

from itertools import chain, islice, pairwise
from operator import itemgetter

import numpy as np

from bot.search.index import Bm25Index
from bot.search.query import QueryPlan

# A paragraph's score is scaled by the share of the query's concepts it matches, from this
# (one concept of many) to 1 (all): two different words typed beat one word said twice.
COVERAGE_FLOOR = 0.5
# Different query words at most NEAR_WORDS words apart (stop words not counted) earn
# the best NEAR_CANDIDATES paragraphs a bonus: NEAR_WEIGHT of the top score's worth per
# concept, divided by the distance.
NEAR_CANDIDATES = 20
NEAR_WORDS = 3
NEAR_WEIGHT = 0.5

_doc_of, _score_of = itemgetter(0), itemgetter(1)


def best_first(candidates: list[tuple[int, float]]) -> None:
    """Sort (paragraph, score) pairs best first, equal scores by paragraph. Two sorts on
    one item each (a reversed sort keeps equal items in order too) take half the time of
    one on a (-score, paragraph) key made for every item."""
    candidates.sort(key=_doc_of)
    candidates.sort(key=_score_of, reverse=True)


class SmallRanking:
    """A small pack's postings as Python lists and maps, and where each term occurs in each
    paragraph, made as queries need them."""

    def __init__(
        self, index: Bm25Index, terms: np.ndarray, offsets: np.ndarray, phrases: list[str]
    ) -> None:
        """`phrases`: each paragraph's phrase string (PackIndex.phrases)."""
        self.index = index
        self._terms = terms
        self._offsets = offsets
        self._phrases = phrases
        self._lists: dict[int, tuple[list[int], list[float]]] = {}
        self._maps: dict[int, dict[int, float]] = {}
        self._word_places: dict[int, tuple[dict[int, list[int]], list[int]]] = {}
        self._made_pairs: set[tuple[str, str]] | None = None

    def rank(self, plan: QueryPlan) -> list[tuple[int, float]]:
        """(paragraph, score) of every match, best first: the engine's `_rank` for a small
        pack, where every match is a candidate."""
        candidates = self.scores(plan)
        if not candidates:
            return []
        if len(plan.concepts) > 1:
            candidates = self.near(candidates, plan)
        # An exact phrase match outranks every paragraph that only has the words apart; so
        # does the phrase with its typos corrected.
        bonus = max([score for _, score in candidates])
        phrase, corrected = plan.phrase, plan.corrected_phrase
        for said in (phrase, corrected if corrected != phrase else ""):
            words = said.split()
            if not words:
                continue
            # A phrase is in a paragraph's phrase string only if its words stand there one
            # after another: each two of them must be a pair the pack has (most phrases of
            # several words are in no paragraph).
            if len(words) > 1 and not self._pairs().issuperset(pairwise(words)):
                continue
            texts = self._phrases
            candidates = [(d, s + bonus if said in texts[d] else s) for d, s in candidates]
        best_first(candidates)
        return candidates

    def _pairs(self) -> set[tuple[str, str]]:
        """Each two words next to each other in a paragraph's phrase string (made on the
        first phrase of several words)."""
        pairs = self._made_pairs
        if pairs is None:
            pairs = set()
            for text in self._phrases:
                pairs.update(pairwise(text.split()))
            self._made_pairs = pairs
        return pairs

    def near(self, candidates: list[tuple[int, float]], plan: QueryPlan) -> list[tuple[int, float]]:
        """The engine's `_near` in plain Python: each paragraph's word positions by term
        are kept, so only the query's words are looked at."""
        best_first(candidates)
        head = candidates[:NEAR_CANDIDATES]
        wanted = plan.highlights
        if len(wanted) < 2:
            return candidates
        query_terms = wanted.keys()
        bonuses: list[float] = []
        for d, _ in head:
            where, term_at = self.where(d)
            present = query_terms & where.keys()
            if len(present) < 2:  # no two different query words
                bonuses.append(0.0)
                continue
            # The query's words in the order they stand.
            order = sorted(chain.from_iterable([where[t] for t in present]))
            bonus = 0.0
            at = order[0]
            term = term_at[at]
            for next_at in islice(order, 1, None):
                next_term = term_at[next_at]
                gap = next_at - at
                if gap <= NEAR_WORDS and term != next_term:
                    bonus += min(wanted[term][1], wanted[next_term][1]) / gap
                at, term = next_at, next_term
            bonuses.append(bonus)
        if not any(bonuses):
            return candidates
        top = head[0][1] / max(sum([c.rarity for c in plan.concepts]), 1e-9)
        boosted = [(d, s + NEAR_WEIGHT * top * b) for (d, s), b in zip(head, bonuses, strict=True)]
        return boosted + candidates[NEAR_CANDIDATES:]

    def where(self, doc: int) -> tuple[dict[int, list[int]], list[int]]:
        """Where each term occurs in a paragraph, counted in indexed words, and the term at
        each place (kept per paragraph of a small pack)."""
        found = self._word_places.get(doc)
        if found is None:
            places: dict[int, list[int]] = {}
            lo, hi = int(self._offsets[doc]), int(self._offsets[doc + 1])
            terms = self._terms[lo:hi].tolist()
            for at, term in enumerate(terms):
                places.setdefault(term, []).append(at)
            found = self._word_places[doc] = (places, terms)
        return found

    def posting_lists(self, tid: int) -> tuple[list[int], list[float]]:
        """A term's postings as Python lists, for ranking a small pack."""
        found = self._lists.get(tid)
        if found is None:
            docs, weights = self.index.postings(tid)
            found = self._lists[tid] = (docs.tolist(), weights.tolist())
        return found

    def posting_map(self, tid: int) -> dict[int, float]:
        """A term's postings as {paragraph: weight}, for a small pack's names of several
        words (kept, as `_posting_lists`)."""
        found = self._maps.get(tid)
        if found is None:
            docs, weights = self.posting_lists(tid)
            found = self._maps[tid] = dict(zip(docs, weights, strict=True))
        return found

    def scores(self, plan: QueryPlan) -> list[tuple[int, float]]:
        """The engine's `_scores` in plain Python: the same
        float64 operations in the same order, so the same scores, bit for bit (adding the
        zeros numpy adds changes nothing, so only paragraphs a term is in are visited)."""
        n = self.index.doc_count
        scores = [0.0] * n
        covered = [0.0] * n
        several = len(plan.concepts) > 1
        lists = self.posting_lists
        for concept in plan.concepts:
            alternatives = concept.alternatives
            if len(alternatives) == 1 and len(alternatives[0].terms) == 1:
                docs, weights = lists(alternatives[0].terms[0])
                weight = alternatives[0].weight
                if several:
                    rarity = concept.rarity
                    for d, w in zip(docs, weights, strict=True):
                        scores[d] += w if weight == 1.0 else w * weight
                        covered[d] += rarity
                elif weight == 1.0:
                    for d, w in zip(docs, weights, strict=True):
                        scores[d] += w
                else:
                    for d, w in zip(docs, weights, strict=True):
                        scores[d] += w * weight
                continue
            best: dict[int, float] = {}
            for alternative in alternatives:
                terms = alternative.terms
                weight = alternative.weight
                if len(terms) == 1:
                    docs, weights = lists(terms[0])
                    for d, w in zip(docs, weights, strict=True):
                        w *= weight
                        if w > best.get(d, 0.0):
                            best[d] = w
                    continue
                if alternative.require_all:
                    # Only the paragraphs with every term (a set intersection, in C), each
                    # summed in the terms' order, as numpy's way sums them.
                    maps = [self.posting_map(tid) for tid in terms]
                    common = maps[0].keys() & maps[1].keys()
                    for more in islice(maps, 2, None):
                        common &= more.keys()
                    for d in common:
                        w = 0.0
                        for found in maps:
                            w += found[d]
                        w *= weight
                        if w > best.get(d, 0.0):
                            best[d] = w
                    continue
                summed: dict[int, float] = {}
                for tid in terms:
                    docs, weights = lists(tid)
                    for d, w in zip(docs, weights, strict=True):
                        summed[d] = summed.get(d, 0.0) + w
                for d, w in summed.items():
                    w *= weight
                    if w > best.get(d, 0.0):
                        best[d] = w
            if several:
                share = concept.rarity if concept.stands_for is None else concept.stands_for
                for d, w in best.items():
                    scores[d] += w
                    if w > 0:
                        covered[d] += share
            else:
                for d, w in best.items():
                    scores[d] += w
        if several:
            total = sum([c.rarity for c in plan.concepts if c.stands_for is None]) or 1.0
            floor, rest = COVERAGE_FLOOR, 1 - COVERAGE_FLOOR
            return [
                (d, s * (floor + rest * min(covered[d] / total, 1.0)))
                for d, s in enumerate(scores)
                if s > 0
            ]
        return [(d, s) for d, s in enumerate(scores) if s > 0]
