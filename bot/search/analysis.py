"""From words to index terms: spelling variants folded, stop words dropped, stems cached."""

from __future__ import annotations

from collections.abc import Iterable

import snowballstemmer

from bot.search.normalize import normalize, tokenize

# Function words that only add noise to ranking. Kept small on purpose: "us", "un", "uk" and
# other short acronyms must stay searchable, and so must "not" or "under" in a phrase.
_STOPWORDS_TEXT = """
a an the of and or to in on at by for from with as is are was were be been being it its
this that these those which who whom what when where why how did do does done has have
had having their there they them we our you your he she his her i me my so than then
also any into about such can could would should will may might must shall just very
near
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


# The stem cache holds the index vocabulary plus what users type; past this size new words
# are stemmed each time, so a stream of random queries cannot grow memory without bound.
MAX_CACHED_STEMS = 500_000


class Analyzer:
    """Turns a word into the form the index keys on; one instance per pack."""

    def __init__(self, spellings: Iterable[Iterable[str]] = ()) -> None:
        self._spelling: dict[str, str] = {}
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        groups = [[self._key(v) for v in group] for group in spellings]
        for group in groups:
            for variant in group:
                if variant and group[0]:
                    self._spelling[variant] = group[0]
        # Fold stems too, so "defences" and "defenses" meet although only the singulars
        # are listed.
        for group in groups:
            canonical = self._stemmer.stemWord(group[0]) if group[0] else ""
            for variant in group:
                stem = self._stemmer.stemWord(variant) if variant else ""
                if stem and canonical and stem != canonical:
                    self._spelling.setdefault(stem, canonical)

    def __getstate__(self) -> dict[str, object]:
        # The stemmer may be PyStemmer's C object, which does not pickle (the index cache
        # keeps the analyzer with its index): it is made afresh when read back.
        state = dict(self.__dict__)
        del state["_stemmer"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._stemmer = snowballstemmer.stemmer("english")

    @staticmethod
    def _key(text: str) -> str:
        """A listed variant as one word: the joined form of a compound ("peace-keeping")."""
        tokens = tokenize(normalize(text))
        joined = [t.text for t in tokens if t.joined]
        if joined:
            return joined[0]
        return tokens[0].text if len(tokens) == 1 else ""

    def fold(self, word: str) -> str:
        """The spelling every variant of `word` is filed under (defense -> defence)."""
        return self._spelling.get(word, word)

    def stem(self, word: str) -> str:
        """The index term for a normalised word; cached, since stemming is the slow part."""
        stem = self._stems.get(word)
        if stem is None:
            folded = self._spelling.get(word, word)
            stem = self._stemmer.stemWord(folded) if len(folded) > 3 else folded
            stem = self._spelling.get(stem, stem)
            if len(self._stems) < MAX_CACHED_STEMS:
                self._stems[word] = stem
        return stem

    def stem_many(self, words: Iterable[str]) -> None:
        """Put the stems of `words` in the cache with one call of the stemmer: indexing
        stems tens of thousands of distinct words, and a call per word costs more than
        the stemming."""
        new = [w for w in dict.fromkeys(words) if w not in self._stems]
        new = new[: max(MAX_CACHED_STEMS - len(self._stems), 0)]
        folded = [self._spelling.get(w, w) for w in new]
        long = [f for f in folded if len(f) > 3]
        stems = dict(zip(long, self._stemmer.stemWords(long), strict=True))
        for word, fold in zip(new, folded, strict=True):
            stem = stems.get(fold, fold)
            self._stems[word] = self._spelling.get(stem, stem)

    @staticmethod
    def is_stopword(word: str) -> bool:
        return word in STOPWORDS
