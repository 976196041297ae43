"""Find glossary names (acronyms, expansions, aliases) in a query, as sequences of stems."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pack.model import Glossary
from bot.search.analysis import Analyzer
from bot.search.normalize import normalize, tokenize

# Name sequences by their first stem: for each length, longest first, the sequences of that
# length and the entry of each (the first entry listed, where two share a sequence).
SequenceTable = dict[str, tuple[tuple[int, dict[tuple[str, ...], int]], ...]]


def sequence_table(by_first: dict[str, list[tuple[tuple[str, ...], int]]]) -> SequenceTable:
    """The table `find_sequences` reads, from the sequences listed under their first stem:
    a name is then one dict test per length at a word, not one comparison per name ("japan"
    starts dozens of them)."""
    table: SequenceTable = {}
    for first, options in by_first.items():
        lengths: dict[int, dict[tuple[str, ...], int]] = {}
        for seq, entry in options:
            lengths.setdefault(len(seq), {}).setdefault(seq, entry)
        table[first] = tuple(sorted(lengths.items(), key=lambda item: -item[0]))
    return table


def find_sequences(table: SequenceTable, stems: list[str]) -> list[tuple[int, int, int]]:
    """Non-overlapping (start, end, entry) matches of the table's sequences, longest first,
    left to right."""
    found: list[tuple[int, int, int]] = []
    if table.keys().isdisjoint(stems):
        return found  # most queries: no name starts at any word (one test, in C)
    i = 0
    count = len(stems)
    while i < count:
        step = 1
        for length, sequences in table.get(stems[i], ()):
            if i + length <= count:
                entry = sequences.get(tuple(stems[i : i + length]))
                if entry is not None:
                    found.append((i, i + length, entry))
                    step = length
                    break
        i += step
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
        by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for term in glossary.terms:
            names = tuple(dict.fromkeys(n for n in term.names if n.strip()))
            content: list[tuple[str, ...]] = []
            index = len(self.entries)
            for name in names:
                sequences = name_sequences(name, analyzer)
                for seq in sequences:
                    if seq:
                        by_first.setdefault(seq[0], []).append((seq, index))
                words = [t.text for t in tokenize(normalize(name)) if not t.joined]
                stems = tuple(analyzer.stem(w) for w in words if not analyzer.is_stopword(w))
                if stems and stems not in content:
                    content.append(stems)
            self.entries.append(GlossaryEntry(term.term, names, tuple(content)))
        self._table = sequence_table(by_first)

    def find(self, stems: list[str]) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, entry) matches, longest first, left to right."""
        return find_sequences(self._table, stems)
