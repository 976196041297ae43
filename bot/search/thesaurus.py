"""Find the thesaurus's everyday words in a query, and the document terms they stand for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.pack.model import ThesaurusEntry
from bot.search.analysis import Analyzer
from bot.search.glossary import find_sequences, name_sequences, sequence_table
from bot.search.normalize import words

# What a document term found through the thesaurus counts for, against the user's own word
# (1.0): a term for the same thing counts most, a broader or narrower one less.
MEANS_WEIGHT = 0.7
BROADER_WEIGHT = 0.55
NARROWER_WEIGHT = 0.5


@dataclass(frozen=True)
class Expansion:
    """One document term: its content stems, and what it counts for."""

    stems: tuple[str, ...]
    weight: float


class ThesaurusMatcher:
    """Longest-first matching of the thesaurus's words against a query's stems."""

    def __init__(self, entries: Iterable[ThesaurusEntry], analyzer: Analyzer) -> None:
        self.expansions: list[tuple[Expansion, ...]] = []
        by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for entry in entries:
            number = len(self.expansions)
            for word in entry.words:
                for seq in name_sequences(word, analyzer):
                    if seq:
                        by_first.setdefault(seq[0], []).append((seq, number))
            found: dict[tuple[str, ...], float] = {}
            for targets, weight in (
                (entry.means, MEANS_WEIGHT),
                (entry.broader, BROADER_WEIGHT),
                (entry.narrower, NARROWER_WEIGHT),
            ):
                for target in targets:
                    stems = tuple(
                        analyzer.stem(analyzer.fold(w))
                        for w in words(target)
                        if not analyzer.is_stopword(w)
                    )
                    if stems and stems not in found:
                        found[stems] = weight
            self.expansions.append(tuple(Expansion(s, w) for s, w in found.items()))
        self._table = sequence_table(by_first)

    def __len__(self) -> int:
        return len(self.expansions)

    def find(self, stems: list[str]) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, entry) matches, longest first, left to right."""
        return find_sequences(self._table, stems)
