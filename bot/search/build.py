"""Index a pack's paragraphs: BM25 postings, phrase strings, vocabulary and word positions."""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np

from bot.heap import give_back
from bot.pack.model import Pack, Paragraph
from bot.search.analysis import Analyzer
from bot.search.index import PATH_WEIGHT, TITLE_WEIGHT, Bm25Index, Postings, runs
from bot.search.normalize import (
    Folded,
    fold_with_map,
    is_plain,
    normalize,
    tokenize,
    word_spans,
    word_tokens,
)


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

    @classmethod
    def from_arrays(
        cls, starts: np.ndarray, ends: np.ndarray, terms: np.ndarray, bounds: np.ndarray
    ) -> WordPositions:
        """Every paragraph's words, one after another; `bounds`: where each paragraph ends."""
        made = cls()
        made._starts = array("i", starts.astype(np.int32).tobytes())
        made._ends = array("i", ends.astype(np.int32).tobytes())
        made._terms = array("i", terms.astype(np.int32).tobytes())
        made._offsets = array("q", [0, *bounds.tolist()])
        return made

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


class ParagraphWords:
    """The words of paragraphs, found once for every index built with it: a library's
    editions repeat most paragraphs, and the index a server's searches read (bot/search/
    library.py) holds its pack's paragraphs again. Per paragraph text, the ids of its words
    and their offsets; per word, its id; and the analyzer, with its stems. Made for one load
    of a library and dropped after it (it holds 8 bytes a word of every paragraph read)."""

    def __init__(self, spellings: tuple[tuple[str, ...], ...] = ()) -> None:
        self.spellings = spellings
        self.analyzer = Analyzer(spellings)
        self.words: list[str] = []
        self._ids: dict[str, int] = {}
        self._paragraphs: dict[str, tuple[np.ndarray, np.ndarray, Folded | None]] = {}

    def of(self, text: str) -> tuple[np.ndarray, np.ndarray, Folded | None]:
        """The ids of the paragraph's words, their starts in its normalised text, and its
        character map when normalising changed it."""
        found = self._paragraphs.get(text)
        if found is None:
            folded = None if is_plain(text) else fold_with_map(text)
            words, starts, _ = word_spans(folded.text if folded is not None else text.lower())
            ids = self._ids
            for word in dict.fromkeys(words):
                if word not in ids:
                    ids[word] = len(self.words)
                    self.words.append(word)
            found = self._paragraphs[text] = (
                np.fromiter(map(ids.__getitem__, words), np.int32, len(words)),
                np.asarray(starts, np.int32),
                folded,
            )
        return found


def index_pack(pack: Pack, words: ParagraphWords | None = None) -> PackIndex:
    """Index every paragraph; the section title also counts towards its paragraphs.

    Built in bulk: the words of every paragraph are found with their offsets (one regular
    expression split a paragraph, once for all the indexes `words` is given to), each
    distinct word is analysed once (its tokens, their folded form, stop word or not, term),
    and the postings, lengths, word positions and word frequencies are counted over all of
    the pack's tokens at once with numpy. A pack has a few tens of thousands of distinct
    words and millions of tokens.

    The per-token columns are int32, and each is dropped as soon as the next step has what it
    needs: at int64 and held to the end, they took the build's peak on a 5 MB corpus to
    about 130 MB, and glibc kept most of that from the system after the build."""
    if words is None or words.spellings != pack.glossary.spellings:
        words = ParagraphWords(pack.glossary.spellings)
    analyzer = words.analyzer
    paragraphs = list(pack.paragraphs.values())
    n_docs = len(paragraphs)
    # Every word of every paragraph, paragraph after paragraph (as ids into words.words),
    # with its offset in the paragraph's normalised text.
    read = [words.of(paragraph.text) for paragraph in paragraphs]
    per_doc = [len(ids) for ids, _, _ in read]
    none = np.zeros(0, np.int32)
    every = np.concatenate([ids for ids, _, _ in read]) if read else none
    starts = np.concatenate([s for _, s, _ in read]) if read else none
    folds = {doc: folded for doc, (_, _, folded) in enumerate(read) if folded is not None}
    del read
    # The distinct words in the order they first occur, each analysed once.
    order = np.argsort(every, kind="stable")
    firsts = np.sort(order[runs(every[order])[1]])
    del order
    distinct = every[firsts]
    by_word = np.zeros(len(words.words), np.int32)
    by_word[distinct] = np.arange(len(distinct), dtype=np.int32)
    distinct_words = [words.words[i] for i in distinct.tolist()]
    # Most distinct words are one token, the word itself: their stems in one call.
    analyzer.stem_many(analyzer.fold(word) for word in distinct_words if word.isalnum())
    vocabulary = _Vocabulary(analyzer)
    for word in distinct_words:
        vocabulary.add(word)
    occurrence = by_word[every]
    del every, by_word, distinct_words
    # Each occurrence of a word gives its tokens (most words one, "peace-keeping" three).
    table = vocabulary.table()
    many = table.count[occurrence]
    token = np.repeat(table.first[occurrence], many)
    if len(token):
        before = np.cumsum(many, dtype=np.int32) - many  # tokens before each occurrence's
        token += np.arange(len(token), dtype=np.int32) - np.repeat(before, many)
        del before
    doc_of = np.repeat(np.repeat(np.arange(n_docs, dtype=np.int32), per_doc), many)
    start_of = np.repeat(starts, many)
    del occurrence, many, starts
    # The indexed tokens (not stop words): their terms, paragraphs and original offsets.
    tids = table.term[token]
    indexed = tids >= 0
    i_tid, i_doc, i_token = tids[indexed], doc_of[indexed], token[indexed]
    i_start = start_of[indexed]
    del tids, indexed, start_of
    i_end = i_start + table.end[i_token]
    i_start += table.start[i_token]
    i_fold = table.fold[i_token]
    del i_token
    lengths = np.bincount(i_doc, minlength=n_docs)
    bounds = np.cumsum(lengths)
    # Only paragraphs whose normalised text differs map their offsets back to the original.
    ends_at = bounds.tolist()
    for doc, folded in folds.items():
        lo, hi = ends_at[doc] - int(lengths[doc]), ends_at[doc]
        if lo < hi:
            i_start[lo:hi], i_end[lo:hi] = _original(folded, i_start[lo:hi], i_end[lo:hi])
    positions = WordPositions.from_arrays(i_start, i_end, i_tid, bounds)
    del i_start, i_end, folds
    # The exact-phrase strings: each paragraph's plain words (stop words too, no compounds).
    plain = table.plain[token]
    plain_folds = table.fold[token[plain]]
    cut = np.concatenate(([0], np.cumsum(np.bincount(doc_of[plain], minlength=n_docs))))
    del token, doc_of, plain
    plain_words = np.asarray(vocabulary.folds, dtype=object)[plain_folds].tolist()
    del plain_folds
    cut_at = cut.tolist()
    phrases = [" " + " ".join(plain_words[cut_at[d] : cut_at[d + 1]]) + " " for d in range(n_docs)]
    del plain_words
    # The titles above each paragraph: their terms count towards it, their words are its too.
    t_doc, t_tid, t_fold, t_weight = _titles(pack, paragraphs, analyzer, vocabulary)
    postings = Postings.count(n_docs, i_tid, i_doc, t_tid, t_doc, t_weight)
    del i_tid, t_tid, t_weight
    # Folded word -> in how many paragraphs it occurs (in the text or the titles above).
    pairs = np.concatenate(
        (i_fold.astype(np.int64) * n_docs + i_doc, t_fold.astype(np.int64) * n_docs + t_doc)
    )
    del i_fold, i_doc, t_fold, t_doc
    pairs = runs(np.sort(pairs))[0]
    counts = np.bincount(pairs // max(n_docs, 1), minlength=len(vocabulary.folds)).tolist()
    del pairs
    frequencies = {word: c for word, c in zip(vocabulary.folds, counts, strict=True) if c}
    bm25 = Bm25Index(vocabulary.terms, postings, lengths.tolist())
    # The columns above are freed, and the paragraphs' words unless the caller shares them,
    # but glibc keeps most of their memory (bot/heap.py).
    del postings, lengths, table, vocabulary, words
    give_back()
    return PackIndex(analyzer, bm25, phrases, frequencies, positions)


def _titles(
    pack: Pack, paragraphs: list[Paragraph], analyzer: Analyzer, vocabulary: _Vocabulary
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per title word above each paragraph, paragraph after paragraph: (paragraph, term,
    folded word, field weight). A section's are worked out once and repeated over its
    paragraphs with numpy."""
    own_titles: dict[str, list[tuple[str, int]]] = {}
    sections: dict[str, int] = {}  # section ref -> its number below
    tids: list[int] = []
    folded: list[int] = []
    weights: list[float] = []
    first: list[int] = []
    for section in dict.fromkeys(p.section_ref for p in paragraphs):
        sections[section] = len(first)
        first.append(len(tids))
        for word, tid, weight in _title_terms(
            pack, section, analyzer, vocabulary.terms, own_titles
        ):
            folded.append(vocabulary.fold_id(word))
            tids.append(tid)
            weights.append(weight)
    first.append(len(tids))
    # Each paragraph's section, where its title words start among them and how many.
    of_doc = np.asarray([sections[p.section_ref] for p in paragraphs], np.int64)
    bounds = np.asarray(first, np.int64)
    start, many = bounds[of_doc], np.diff(bounds)[of_doc]
    total = int(many.sum())
    doc = np.repeat(np.arange(len(paragraphs), dtype=np.int32), many)
    at = np.repeat(start - (np.cumsum(many) - many), many) + np.arange(total)
    return (
        doc,
        np.asarray(tids, np.int32)[at],
        np.asarray(folded, np.int32)[at],
        np.asarray(weights, np.float64)[at],
    )


def _original(folded: Folded, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, ...]:
    """Spans of normalised text mapped back to the original (`Folded.original_span`)."""
    return np.asarray(folded.starts)[start], np.asarray(folded.ends)[end - 1]


@dataclass
class _Tokens:
    """Per distinct word: where its tokens start in the token columns and how many it has;
    per token: offsets within the word, term (-1: a stop word, not indexed), folded word,
    and whether it is a plain word of the phrase strings (not a joined compound)."""

    first: np.ndarray
    count: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray
    fold: np.ndarray
    plain: np.ndarray


class _Vocabulary:
    """The distinct words of a pack, each analysed once: its tokens, their folded form and
    term. Terms are numbered as they are first met."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.terms: dict[str, int] = {}
        self.folds: list[str] = []
        self._fold_ids: dict[str, int] = {}
        # Each distinct token text's (folded word, stop word?): tokens repeat across words.
        self._seen: dict[str, tuple[str, bool]] = {}
        self._first: list[int] = []
        self._count: list[int] = []
        self._columns: tuple[list[int], ...] = ([], [], [], [], [])

    def fold_id(self, word: str) -> int:
        found = self._fold_ids.get(word)
        if found is None:
            found = self._fold_ids[word] = len(self.folds)
            self.folds.append(word)
        return found

    def add(self, word: str) -> None:
        starts, ends, terms, folds, plain = self._columns
        tokens = word_tokens(word)
        self._first.append(len(starts))
        self._count.append(len(tokens))
        analyzer = self.analyzer
        for text, start, end, joined in tokens:
            known = self._seen.get(text)
            if known is None:
                folded = analyzer.fold(text)
                known = self._seen[text] = (folded, analyzer.is_stopword(folded))
            folded, stop = known
            # A stop word gets a term only where it is indexed: as a joined compound.
            tid = (
                -1
                if stop and not joined
                else self.terms.setdefault(analyzer.stem(folded), len(self.terms))
            )
            starts.append(start)
            ends.append(end)
            terms.append(tid)
            folds.append(self.fold_id(folded))
            plain.append(not joined)

    def table(self) -> _Tokens:
        starts, ends, terms, folds, plain = self._columns
        return _Tokens(
            np.asarray(self._first, np.int32),
            np.asarray(self._count, np.int32),
            np.asarray(starts, np.int32),
            np.asarray(ends, np.int32),
            np.asarray(terms, np.int32),
            np.asarray(folds, np.int32),
            np.asarray(plain, bool),
        )


def _title_terms(
    pack: Pack,
    ref: str,
    analyzer: Analyzer,
    terms: dict[str, int],
    own: dict[str, list[tuple[str, int]]],
) -> list[tuple[str, int, float]]:
    """(word, term, field weight) for the section's own title and the titles above it,
    up to but not including the chapter's. `own` keeps each section's own title's (word,
    term): a title above many sections is read once."""
    found: list[tuple[str, int, float]] = []
    section = pack.sections.get(ref)
    weight = TITLE_WEIGHT
    while section is not None and section.parent is not None:
        words = own.get(section.ref)
        if words is None:
            words = own[section.ref] = [
                (word, terms.setdefault(analyzer.stem(word), len(terms)))
                for token in tokenize(normalize(section.title))
                if not analyzer.is_stopword(word := analyzer.fold(token.text))
            ]
        found += [(word, tid, weight) for word, tid in words]
        section, weight = section.parent, PATH_WEIGHT
    return found
