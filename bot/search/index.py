"""An inverted index over paragraphs with BM25 weights computed once, at build time.

Postings are stored column-wise (one array of document numbers and one of weights, sliced
per term), so a query term costs one numpy slice and one scatter-add, and the index for a
5 MB corpus is a few megabytes of arrays rather than millions of Python objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

# Standard Okapi BM25 constants: k1 saturates repeated words, b normalises paragraph length.
BM25_K1 = 1.2
BM25_B = 0.75
# BM25F: a word of the paragraph's own section title counts like this many words of its
# body, a word of the titles above it (the page, the section) like this many; titles are
# not length-normalised. A title says what every paragraph under it is about.
TITLE_WEIGHT = 1.0
PATH_WEIGHT = 0.25


class Postings:
    """(term, paragraph, count in the body, weighted count in the titles), ordered by term
    then paragraph, in columns."""

    def __init__(
        self, terms: np.ndarray, docs: np.ndarray, counts: np.ndarray, titles: np.ndarray
    ) -> None:
        self.terms = np.asarray(terms, np.int32)
        self.docs = np.asarray(docs, np.int32)
        self.counts = np.asarray(counts, np.float32)
        self.titles = np.asarray(titles, np.float32)

    @classmethod
    def count(
        cls,
        doc_count: int,
        terms: np.ndarray,
        docs: np.ndarray,
        title_terms: np.ndarray,
        title_docs: np.ndarray,
        title_weights: np.ndarray,
    ) -> Postings:
        """From every indexed word's (term, paragraph) and every title term's (term,
        paragraph, field weight) above a paragraph."""
        n = max(doc_count, 1)
        # (term, paragraph) as one int64 key: the product passes int32's range on big packs.
        body, first = runs(np.sort(terms.astype(np.int64) * n + docs))
        counts = np.diff(np.append(first, len(terms)))
        del first
        title_keys = title_terms.astype(np.int64) * n + title_docs
        order = np.argsort(title_keys, kind="stable")
        titled, where = runs(title_keys[order])
        weights = np.asarray(title_weights, np.float64)[order]
        del title_keys, order
        sums = np.add.reduceat(weights, where) if len(where) else weights
        keys = runs(np.sort(np.concatenate((body, titled))))[0]
        tf = np.zeros(len(keys), np.float32)
        tf[np.searchsorted(keys, body)] = counts
        in_titles = np.zeros(len(keys), np.float32)
        in_titles[np.searchsorted(keys, titled)] = sums
        return cls((keys // n).astype(np.int32), (keys % n).astype(np.int32), tf, in_titles)


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of sorted `keys` and where each one's run starts (np.unique
    without its hashing, which is several times slower on these)."""
    if not len(keys):
        return keys, keys
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], first


class Bm25Index:
    """Term -> (paragraph numbers, BM25 weights)."""

    def __init__(self, terms: dict[str, int], postings: Postings, lengths: Iterable[int]) -> None:
        """`terms` numbers every term; `postings` holds (term, paragraph, count) triples."""
        self._term_ids = terms
        self._terms = sorted(terms, key=terms.__getitem__)
        term_col, doc_col, tf_col = postings.terms, postings.docs, postings.counts
        doc_lengths = np.asarray(list(lengths), dtype=np.float32)
        self.doc_count = len(doc_lengths)
        term_of, docs, tfs, in_titles = term_col, doc_col, tf_col, postings.titles
        frequencies = np.bincount(term_of, minlength=len(self._term_ids))
        self._offsets = np.concatenate(([0], np.cumsum(frequencies))).astype(np.int64)
        n = max(self.doc_count, 1)
        self._idf = np.log1p((n - frequencies + 0.5) / (frequencies + 0.5)).astype(np.float32)
        average = float(doc_lengths.mean()) if self.doc_count else 1.0
        norm = 1 - BM25_B + BM25_B * doc_lengths / max(average, 1.0)
        if (term_of[1:] < term_of[:-1]).any():  # Postings.count's are in order already
            order = np.argsort(term_of, kind="stable")
            docs, tfs = docs[order], tfs[order]
            term_of, in_titles = term_of[order], in_titles[order]
        tfs = tfs / norm[docs] + in_titles
        weights = self._idf[term_of] * tfs * (BM25_K1 + 1) / (tfs + BM25_K1)
        self._docs = docs.copy()
        self._weights = weights.astype(np.float32)
        # The same as Python numbers: a query reads a few of each, and a numpy scalar costs
        # more to read than the arithmetic it feeds.
        self._idf_values: list[float] = self._idf.tolist()
        self._bounds: list[int] = self._offsets.tolist()
        # The dict's and the list's own methods, not methods of ours: a query calls each
        # tens of times, and a Python method costs a call of its own every time.
        # `term_id(term)`: the term's number, None when no paragraph has it.
        self.term_id: Callable[[str], int | None] = self._term_ids.get
        # `idf(tid)`: the term's inverse document frequency.
        self.idf: Callable[[int], float] = self._idf_values.__getitem__

    def __len__(self) -> int:
        return len(self._term_ids)

    def term(self, tid: int) -> str:
        return self._terms[tid]

    def frequency(self, tid: int) -> int:
        """In how many paragraphs the term occurs."""
        return self._bounds[tid + 1] - self._bounds[tid]

    def postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """Paragraph numbers (ascending) and BM25 weights for one term."""
        lo, hi = self._bounds[tid], self._bounds[tid + 1]
        return self._docs[lo:hi], self._weights[lo:hi]

    def nbytes(self) -> int:
        return int(self._docs.nbytes + self._weights.nbytes + self._offsets.nbytes)
