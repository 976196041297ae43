"""Typo correction against the index vocabulary, SymSpell style.

Every vocabulary word is filed under itself and each form with one letter deleted; a typed
word is looked up the same way. Two words meet when they share such a key, which finds
every word within one insertion, deletion, substitution or transposition, and many within
two. Candidates are then checked with rapidfuzz's OSA distance. Keys are stored as sorted
64-bit hashes in numpy arrays, which keeps the index small at tens of thousands of words.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping

import numpy as np
from rapidfuzz.distance import OSA

# Words shorter than this are never corrected, and never offered as corrections: a short
# word is too close to too many others ("UN" and "US", "air" and "chair").
MIN_WORD_LENGTH = 4
# From this length two edits are allowed ("terittorial"); shorter words get one.
LONG_WORD_LENGTH = 8
# At most this many corrections are kept for one word, all at the smallest distance found.
MAX_CANDIDATES = 3
# The corrections of this many typed words are kept: people misspell the same words, and a
# word's corrections depend only on the pack. Past this, new words are looked up each time.
MAX_REMEMBERED = 4096
# A vocabulary of at most this many words (a page, a few pages) keeps its keys in a dict:
# a typed word's keys are looked up one by one, in a microsecond or so, where numpy's calls
# cost tens (most of a new query on a small pack). A larger one keeps the sorted hashes, a
# tenth of the memory: 2,000 words make about 20,000 keys.
SMALL_VOCABULARY = 2_000


def max_edits(word: str) -> int:
    """How many edits a typed word may be from its correction."""
    return 2 if len(word) >= LONG_WORD_LENGTH else 1


def _keys(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _hash_array(keys: Iterable[str]) -> np.ndarray:
    return np.fromiter((hash(k) for k in keys), dtype=np.int64)


class TypoCorrector:
    """Finds the vocabulary words a misspelt word most likely meant."""

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self._given = frequencies
        # The vocabulary, for `in` tests without a method call of ours (short words too).
        self.known: Mapping[str, int] = frequencies
        self._keys: tuple[np.ndarray, np.ndarray] | None = None
        self._remembered: dict[str, list[tuple[str, int]]] = {}
        # Made when first needed, as `_deletes` (plain attributes, not cached_property: this
        # module is compiled, bot/compiled.py, and a compiled class has no __dict__).
        self._made_words: list[str] | None = None
        self._made_frequency: np.ndarray | None = None
        self._made_table: dict[str, list[int]] | None = None

    @property
    def _words(self) -> list[str]:
        made = self._made_words
        if made is None:
            given = self._given
            made = [w for w in given if len(w) >= MIN_WORD_LENGTH and not w.isdigit()]
            self._made_words = made
        return made

    @property
    def _frequency(self) -> np.ndarray:
        made = self._made_frequency
        if made is None:
            given = self._given
            made = self._made_frequency = np.array([given[w] for w in self._words], dtype=np.int32)
        return made

    def _deletes(self) -> tuple[np.ndarray, np.ndarray]:
        """The sorted key hashes and the word each belongs to. Made on the first query with
        a word the index does not know: most queries need none, and making them is most of
        an engine's set-up (a second or so for a large pack)."""
        if self._keys is None:
            self._keys = self._make_keys()
            # The words' frequencies too (milliseconds on a large pack), which the first
            # word with a close match needs: this query pays for both, not a later one.
            _ = self._frequency
        return self._keys

    def _make_keys(self) -> tuple[np.ndarray, np.ndarray]:
        # Hashed as they are made: holding every key string at once would cost far more.
        key_hashes = array("q")
        owners = array("i")
        for i, word in enumerate(self._words):
            keys = _keys(word)
            key_hashes.extend(map(hash, keys))
            owners.extend([i] * len(keys))
        hashes = np.frombuffer(key_hashes, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        return hashes[order], np.frombuffer(owners, dtype=np.int32)[order]

    @property
    def _table(self) -> dict[str, list[int]]:
        """Each key of a small vocabulary and the words filed under it."""
        table = self._made_table
        if table is None:
            table = self._made_table = {}
            for i, word in enumerate(self._words):
                for key in _keys(word):
                    table.setdefault(key, []).append(i)
            _ = self._frequency  # as `_deletes`: the first query pays for both
        return table

    def _candidates(self, wanted: list[str]) -> list[set[int]]:
        """The words that share a key with each wanted word (the same sets by either way of
        keeping the keys, but for a 64-bit hash collision, which the distance check drops)."""
        if len(self._words) <= SMALL_VOCABULARY:
            table = self._table
            found: list[set[int]] = []
            for word in wanted:
                owners: set[int] = set()
                for key in _keys(word):
                    owners.update(table.get(key, ()))
                found.append(owners)
            return found
        keys: list[str] = []
        asker: list[int] = []
        for i, word in enumerate(wanted):
            for key in _keys(word):
                keys.append(key)
                asker.append(i)
        hashes = _hash_array(keys)
        known, owner_of = self._deletes()
        lo = np.searchsorted(known, hashes, side="left")
        hi = np.searchsorted(known, hashes, side="right")
        candidates: list[set[int]] = [set() for _ in wanted]
        for k in np.flatnonzero(hi > lo):
            candidates[asker[k]].update(owner_of[lo[k] : hi[k]].tolist())
        return candidates

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        """Whether `word` (folded) is in the vocabulary, short words included."""
        return word in self._given

    def forget(self) -> None:
        """Forget the corrections kept for words seen before."""
        self._remembered.clear()

    def correct(self, words: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
        """For each word, its closest vocabulary words with their edit distance, most
        frequent first; words that are too short or have no close match map to []."""
        remembered = self._remembered
        found: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
        wanted = []
        for w in found:
            if w in remembered:
                found[w] = remembered[w]
            elif len(w) >= MIN_WORD_LENGTH:
                wanted.append(w)
        if not wanted or not self._words:
            return found
        candidates = self._candidates(wanted)
        frequency = self._frequency
        for i, word in enumerate(wanted):
            limit = max_edits(word)
            scored: list[tuple[int, int, str]] = []
            for owner in candidates[i]:
                other = self._words[owner]
                distance = OSA.distance(word, other, score_cutoff=limit)
                if distance <= limit:
                    scored.append((distance, -int(frequency[owner]), other))
            if scored:
                best = min(s[0] for s in scored)
                closest = sorted(s for s in scored if s[0] == best)[:MAX_CANDIDATES]
                found[word] = [(other, distance) for distance, _, other in closest]
            if len(remembered) < MAX_REMEMBERED:
                remembered[word] = found[word]
        return found
