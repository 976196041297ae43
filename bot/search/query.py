"""Turn typed text into concepts to score: words, their typo corrections, glossary expansions.

A concept is one thing the user asked about. It scores the best of its alternatives, so a
word and its corrections or an acronym and its expansions never add up against a paragraph
that simply contains the word.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from bot.search.analysis import Analyzer
from bot.search.glossary import GlossaryMatcher
from bot.search.index import Bm25Index
from bot.search.normalize import Token, tokenize
from bot.search.thesaurus import ThesaurusMatcher
from bot.search.typos import MIN_WORD_LENGTH, TypoCorrector

# A correction counts a little less than the word typed correctly would.
TYPO_WEIGHT = 0.85
# An expansion found for an acronym (or the acronym for an expansion) counts a little less
# than the words typed, so the paragraph that has both ranks first.
EXPANSION_WEIGHT = 0.8
# Whole chat messages can be searched: only this many words are read, at most this many
# concepts (the rarest) are scored and this many unknown words corrected (longest first).
MAX_QUERY_WORDS = 400
MAX_CONCEPTS = 32
MAX_CORRECTED_WORDS = 8


@dataclass(frozen=True)
class Alternative:
    """Index terms that together stand for a concept; `require_all` for multi-word names."""

    terms: tuple[int, ...]
    weight: float = 1.0
    require_all: bool = False


@dataclass
class Concept:
    alternatives: list[Alternative]
    rarity: float = 0.0
    # For another name of typed words (a glossary expansion or acronym): how much of the
    # query a paragraph with that name covers, the summed rarity of the words it stands for.
    # None for a concept of its own.
    stands_for: float | None = None


@dataclass
class QueryPlan:
    concepts: list[Concept] = field(default_factory=list)
    # The typed words, spelling-folded, as they would appear in a paragraph's phrase string;
    # and the same with typos corrected, when any were.
    phrase: str = ""
    corrected_phrase: str = ""
    # Terms to highlight, each with the number of the concept it belongs to and its weight.
    highlights: dict[int, tuple[int, float]] = field(default_factory=dict)
    corrections: dict[str, str] = field(default_factory=dict)


def group_words(tokens: list[Token]) -> list[list[Token]]:
    """Tokens grouped by word: a compound is its parts followed by the joined form."""
    groups: list[list[Token]] = []
    for token in tokens:
        if token.joined:
            members = [t for t in groups if t[0].start >= token.start]
            del groups[len(groups) - len(members) :]
            groups.append([*(t[0] for t in members), token])
        else:
            groups.append([token])
    return groups


class QueryPlanner:
    def __init__(
        self,
        analyzer: Analyzer,
        index: Bm25Index,
        typos: TypoCorrector,
        glossary: GlossaryMatcher,
        thesaurus: ThesaurusMatcher | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.index = index
        self.typos = typos
        self.glossary = glossary
        self.thesaurus = thesaurus

    def _known(self, word: str) -> bool:
        return self.index.term_id(self.analyzer.stem(word)) is not None

    def plan(self, normalized: str) -> QueryPlan:
        a = self.analyzer
        groups = group_words(tokenize(normalized))[:MAX_QUERY_WORDS]
        parts = [[a.fold(t.text) for t in g if not t.joined] for g in groups]
        plan = QueryPlan(phrase=" " + " ".join(w for ws in parts for w in ws) + " ")
        # Everyday words the thesaurus knows are not typos of document words.
        typed = [w for ws in parts for w in ws]
        meant: list[tuple[int, int, int]] = []
        if self.thesaurus:
            meant = self.thesaurus.find([a.stem(w) for w in typed])
        covered = {typed[i] for start, end, _ in meant for i in range(start, end)}
        unknown = [
            w
            for w in typed
            if w not in covered
            and len(w) >= MIN_WORD_LENGTH
            and not w.isdigit()
            and not a.is_stopword(w)
            and not self._known(w)
        ]
        unknown = sorted(dict.fromkeys(unknown), key=len, reverse=True)[:MAX_CORRECTED_WORDS]
        # No typo index is consulted (or made) when every word is known.
        fixes = self.typos.correct(unknown) if unknown else {}
        for word, options in fixes.items():
            if options:
                plan.corrections[word] = options[0][0]
        if plan.corrections:
            fixed = [plan.corrections.get(w, w) for ws in parts for w in ws]
            plan.corrected_phrase = " " + " ".join(fixed) + " "

        def stem_options(word: str) -> list[tuple[str, float]]:
            if word in fixes:
                return [(a.stem(c), TYPO_WEIGHT) for c, _ in fixes[word]]
            return [(a.stem(word), 1.0)]

        def first_stem(word: str) -> str:
            options = stem_options(word)
            return options[0][0] if options else a.stem(word)

        # Glossary names are matched on the corrected stems, word by word and compounds joined.
        flat: list[str] = []
        compact: list[str] = []
        for group, ws in zip(groups, parts, strict=True):
            flat.extend(first_stem(w) for w in ws)
            joined = [t for t in group if t.joined]
            if joined:
                compact.append(a.stem(a.fold(joined[0].text)))
            elif ws:
                compact.append(first_stem(ws[0]))
        # Each glossary entry found, with the index weight (summed idf) of the words typed for it.
        entries: dict[int, float] = {}
        for sequence in (flat, compact) if compact != flat else (flat,):
            for start, end, entry in self.glossary.find(sequence):
                matched = {
                    self.index.term_id(s) for s in sequence[start:end] if not a.is_stopword(s)
                }
                weight = sum(self.index.idf(t) for t in matched if t is not None)
                entries[entry] = max(entries.get(entry, 0.0), weight)
        # The concept of each typed word (or compound), by group number.
        words: dict[int, tuple[str, list[Alternative]]] = {}
        for number, (group, ws) in enumerate(zip(groups, parts, strict=True)):
            alternatives: list[Alternative] = []
            joined = [t for t in group if t.joined]
            if joined:
                tid = self.index.term_id(a.stem(a.fold(joined[0].text)))
                if tid is not None:
                    alternatives.append(Alternative((tid,)))
                terms = [self._best_term(stem_options(w)) for w in ws if not a.is_stopword(w)]
                found = tuple(t for t in terms if t is not None)
                if found:
                    alternatives.append(Alternative(found))
            elif ws and not a.is_stopword(ws[0]):
                for stem, weight in stem_options(ws[0]):
                    tid = self.index.term_id(stem)
                    if tid is not None:
                        alternatives.append(Alternative((tid,), weight))
            if alternatives:
                words[number] = ("w:" + " ".join(ws), alternatives)
        typed_terms = {alt.terms for _, alts in words.values() for alt in alts}
        raw: list[tuple[str, list[Alternative]]] = []
        if self.thesaurus is not None:
            starts = [0]
            for ws in parts:
                starts.append(starts[-1] + len(ws))
            done: set[int] = set()
            for start, end, entry in self.thesaurus.find(flat):
                if entry in done:
                    continue
                done.add(entry)
                spanned = list(range(bisect_left(starts, start), bisect_left(starts, end)))
                spanned = [g for g in spanned if g < len(parts)]
                # The typed words and what they mean are one concept: a paragraph earns the
                # better of the two, never both.
                content = [g for g in spanned if not all(a.is_stopword(w) for w in parts[g])]
                own = [words.pop(g)[1][0] for g in spanned if g in words]
                typed_ids = tuple(t for alt in own for t in alt.terms)
                meaning = self._expansion(entry, typed_ids, typed_terms, max(1, len(content)))
                if typed_ids:
                    # Typed words found only in part ("bases" of "enemy bases", in "based
                    # on") count for that part.
                    share = len(own) / max(1, len(content))
                    meaning.insert(0, Alternative(typed_ids, share, require_all=True))
                if meaning:
                    raw.append((f"t:{entry}", meaning))
        raw[:0] = list(words.values())
        for entry, typed_weight in entries.items():
            alternatives = []
            for stems in self.glossary.entries[entry].stems:
                tids = [self.index.term_id(s) for s in stems]
                ids = tuple(t for t in tids if t is not None)
                if len(ids) != len(stems) or ids in typed_terms:
                    continue
                # Another name for what was typed earns about what the typed words would:
                # "NSS" in a paragraph counts like "National Security Strategy", and back.
                own_idf = sum(self.index.idf(t) for t in set(ids))
                scale = typed_weight / own_idf if typed_weight > 0 and own_idf > 0 else 1.0
                alternatives.append(Alternative(ids, EXPANSION_WEIGHT * scale, require_all=True))
            if alternatives:
                raw.append((f"g:{entry}", alternatives))
        seen: set[str] = set()
        for key, alternatives in raw:
            if key in seen:
                continue
            seen.add(key)
            rarity = max(self.index.idf(t) for alt in alternatives for t in alt.terms)
            stands_for = entries[int(key[2:])] if key.startswith("g:") else None
            plan.concepts.append(Concept(alternatives, rarity, stands_for))
        plan.concepts.sort(key=lambda c: -c.rarity)
        del plan.concepts[MAX_CONCEPTS:]
        for number, concept in enumerate(plan.concepts):
            for alt in concept.alternatives:
                for tid in alt.terms:
                    plan.highlights.setdefault(tid, (number, concept.rarity))
        return plan

    def _expansion(
        self, entry: int, typed_ids: tuple[int, ...], typed: set[tuple[int, ...]], words: int
    ) -> list[Alternative]:
        """The document terms of a thesaurus entry found for `words` typed words: each term
        counts for about as many words as were typed (its words' mean, times that)."""
        assert self.thesaurus is not None
        alternatives = []
        for expansion in self.thesaurus.expansions[entry]:
            tids = [self.index.term_id(s) for s in expansion.stems]
            ids = tuple(t for t in tids if t is not None)
            if len(ids) != len(tids) or ids in typed or set(ids) == set(typed_ids):
                continue
            weight = expansion.weight * words / len(set(ids))
            alternatives.append(Alternative(ids, weight, require_all=True))
        return alternatives

    def _best_term(self, options: list[tuple[str, float]]) -> int | None:
        for stem, _ in options:
            tid = self.index.term_id(stem)
            if tid is not None:
                return tid
        return None
