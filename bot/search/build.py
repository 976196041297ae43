"""Index a pack's paragraphs: BM25 postings, phrase strings, vocabulary and word positions."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from bot.pack.model import Pack
from bot.search.analysis import Analyzer
from bot.search.index import PATH_WEIGHT, TITLE_WEIGHT, Bm25Index, Postings
from bot.search.normalize import fold_with_map, is_plain, normalize, tokenize


class WordPositions:
    """Original character offsets and term of every indexed word, paragraph by paragraph.

    Kept from indexing so a result's excerpt and bold words need no re-tokenizing at query
    time; stored in flat typed arrays (12 bytes a word) rather than Python tuples.
    """

    def __init__(self) -> None:
        self._starts = array("i")
        self._ends = array("i")
        self._terms = array("i")
        self._offsets = array("q", [0])

    def add(self, words: list[tuple[int, int, int]]) -> None:
        if words:
            starts, ends, terms = zip(*words, strict=True)
            self._starts.extend(starts)
            self._ends.extend(ends)
            self._terms.extend(terms)
        self._offsets.append(len(self._terms))

    def of(self, doc: int) -> list[tuple[int, int, int]]:
        lo, hi = self._offsets[doc], self._offsets[doc + 1]
        return list(zip(self._starts[lo:hi], self._ends[lo:hi], self._terms[lo:hi], strict=True))

    def terms(self) -> tuple[np.ndarray, np.ndarray]:
        """Every word's term, paragraph after paragraph, and where each paragraph starts."""
        terms = np.frombuffer(self._terms, dtype=np.int32) if self._terms else np.zeros(0, np.int32)
        return terms, np.frombuffer(self._offsets, dtype=np.int64)

    def nbytes(self) -> int:
        return sum(a.itemsize * len(a) for a in (self._starts, self._ends, self._terms))


@dataclass
class PackIndex:
    analyzer: Analyzer
    bm25: Bm25Index
    # Each paragraph's words, spelling-folded, space-separated and space-padded, so that
    # "is this exact phrase here" is one substring test.
    phrases: list[str]
    # Folded word -> number of paragraphs it occurs in (the typo corrector's vocabulary).
    frequencies: dict[str, int]
    positions: WordPositions


def index_pack(pack: Pack) -> PackIndex:
    """Index every paragraph; the section title also counts towards its paragraphs."""
    analyzer = Analyzer(pack.glossary.spellings)
    terms: dict[str, int] = {}
    title_terms: dict[str, list[tuple[str, int, float]]] = {}
    postings = Postings()
    lengths: list[int] = []
    phrases: list[str] = []
    frequencies: dict[str, int] = {}
    positions = WordPositions()
    # Each distinct token's (folded word, stop word?, term), worked out once: a pack has a
    # few tens of thousands of distinct words and millions of tokens.
    seen: dict[str, tuple[str, bool, int]] = {}
    for paragraph in pack.paragraphs.values():
        text = paragraph.text
        folded = None if is_plain(text) else fold_with_map(text)
        counts: dict[int, int] = {}
        surface: set[str] = set()
        plain: list[str] = []
        words: list[tuple[int, int, int]] = []
        for token_text, start, end, joined in tokenize(
            folded.text if folded is not None else text.lower()
        ):
            known = seen.get(token_text)
            if known is None:
                word = analyzer.fold(token_text)
                stop = analyzer.is_stopword(word)
                # A stop word gets a term only if it is ever indexed (as a joined compound).
                tid = -1 if stop else terms.setdefault(analyzer.stem(word), len(terms))
                known = seen[token_text] = (word, stop, tid)
            word, stop, tid = known
            if not joined:
                plain.append(word)
                if stop:
                    continue
            if tid < 0:
                tid = terms.setdefault(analyzer.stem(word), len(terms))
            counts[tid] = counts.get(tid, 0) + 1
            surface.add(word)
            if folded is None:
                words.append((start, end, tid))
            else:
                words.append((*folded.original_span(start, end), tid))
        section = paragraph.section_ref
        if section not in title_terms:
            title_terms[section] = _title_terms(pack, section, analyzer, terms)
        in_titles: dict[int, float] = {}
        for word, tid, weight in title_terms[section]:
            in_titles[tid] = in_titles.get(tid, 0.0) + weight
            surface.add(word)
        for word in surface:
            frequencies[word] = frequencies.get(word, 0) + 1
        postings.add(len(lengths), counts, in_titles)
        lengths.append(len(words))
        phrases.append(" " + " ".join(plain) + " ")
        positions.add(words)
    return PackIndex(analyzer, Bm25Index(terms, postings, lengths), phrases, frequencies, positions)


def _title_terms(
    pack: Pack, ref: str, analyzer: Analyzer, terms: dict[str, int]
) -> list[tuple[str, int, float]]:
    """(word, term, field weight) for the section's own title and the titles above it,
    up to but not including the chapter's."""
    found: list[tuple[str, int, float]] = []
    section = pack.sections.get(ref)
    weight = TITLE_WEIGHT
    while section is not None and section.parent is not None:
        for token in tokenize(normalize(section.title)):
            word = analyzer.fold(token.text)
            if not analyzer.is_stopword(word):
                found.append((word, terms.setdefault(analyzer.stem(word), len(terms)), weight))
        section, weight = section.parent, PATH_WEIGHT
    return found
