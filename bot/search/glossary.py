"""Find glossary names (acronyms, expansions, aliases) in a query, as sequences of stems."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pack.model import Glossary
from bot.search.analysis import Analyzer
from bot.search.normalize import normalize, tokenize


def find_sequences(
    by_first: dict[str, list[tuple[tuple[str, ...], int]]], stems: list[str]
) -> list[tuple[int, int, int]]:
    """Non-overlapping (start, end, entry) matches of the stem sequences indexed by their
    first stem (each list longest first), left to right."""
    found: list[tuple[int, int, int]] = []
    if by_first.keys().isdisjoint(stems):
        return found  # most queries: no name starts at any word (one test, in C)
    i = 0
    while i < len(stems):
        for seq, entry in by_first.get(stems[i], ()):
            if tuple(stems[i : i + len(seq)]) == seq:
                found.append((i, i + len(seq), entry))
                i += len(seq)
                break
        else:
            i += 1
    return found


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary term with every name it goes by, each as its content stems."""

    label: str
    names: tuple[str, ...]
    stems: tuple[tuple[str, ...], ...]


def name_sequences(text: str, analyzer: Analyzer) -> list[tuple[str, ...]]:
    """The stem sequences a name can appear as: word by word, and with compounds joined."""
    tokens = tokenize(normalize(text))
    parts = tuple(analyzer.stem(t.text) for t in tokens if not t.joined)
    compact: list[str] = []
    covered_until = -1
    for t in sorted(tokens, key=lambda t: (t.start, not t.joined)):
        if t.start < covered_until:
            continue
        compact.append(analyzer.stem(t.text))
        covered_until = t.end if t.joined else t.start + 1
    return list(dict.fromkeys([parts, tuple(compact)]))


class GlossaryMatcher:
    """Longest-first matching of glossary names against a query's stems."""

    def __init__(self, glossary: Glossary, analyzer: Analyzer) -> None:
        self.entries: list[GlossaryEntry] = []
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for term in glossary.terms:
            names = tuple(dict.fromkeys(n for n in term.names if n.strip()))
            content: list[tuple[str, ...]] = []
            index = len(self.entries)
            for name in names:
                sequences = name_sequences(name, analyzer)
                for seq in sequences:
                    if seq:
                        self._by_first.setdefault(seq[0], []).append((seq, index))
                words = [t.text for t in tokenize(normalize(name)) if not t.joined]
                stems = tuple(analyzer.stem(w) for w in words if not analyzer.is_stopword(w))
                if stems and stems not in content:
                    content.append(stems)
            self.entries.append(GlossaryEntry(term.term, names, tuple(content)))
        for options in self._by_first.values():
            options.sort(key=lambda option: -len(option[0]))

    def find(self, stems: list[str]) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, entry) matches, longest first, left to right."""
        return find_sequences(self._by_first, stems)
