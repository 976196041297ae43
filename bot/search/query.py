"""Turn typed text into concepts to score: words, their typo corrections, glossary expansions.

A concept is one thing the user asked about. It scores the best of its alternatives, so a
word and its corrections or an acronym and its expansions never add up against a paragraph
that simply contains the word.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import islice, pairwise
from operator import attrgetter, itemgetter
from typing import Final, NamedTuple

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
# The words looked up (spelling, stem, index term) are kept for this many typed words, as
# the analyzer keeps stems: past it, new words are looked up each time.
MAX_LOOKED_UP = 4096


class Alternative(NamedTuple):
    """Index terms that together stand for a concept; `require_all` for multi-word names.
    (A named tuple: a query makes several, and a frozen dataclass costs more to make.)"""

    terms: tuple[int, ...]
    weight: float = 1.0
    require_all: bool = False


_new = tuple.__new__
_joined = itemgetter(3)  # a Token's `joined`
_rarity = attrgetter("rarity")


class Word(NamedTuple):
    """A typed word as the planner reads it: spelling-folded, its stem, its index term (None
    when no paragraph has it), whether it is worth correcting (unknown, four letters or more,
    not a number nor a stop word), the concept it is on its own (None for a stop word or an
    unknown word) and that concept's key."""

    folded: str
    stem: str
    tid: int | None
    correctable: bool
    alternative: Alternative | None
    key: str


@dataclass(slots=True)
class Concept:
    alternatives: list[Alternative]
    rarity: float = 0.0
    # For another name of typed words (a glossary expansion or acronym): how much of the
    # query a paragraph with that name covers, the summed rarity of the words it stands for.
    # None for a concept of its own.
    stands_for: float | None = None
    # How many typed words the concept is (a compound's parts, the words a thesaurus entry
    # was found for); 0 for another name of typed words.
    typed: int = 1


@dataclass(slots=True)
class QueryPlan:
    concepts: list[Concept] = field(default_factory=list)
    # The typed words, spelling-folded, as they would appear in a paragraph's phrase string;
    # and the same with typos corrected, when any were.
    phrase: str = ""
    corrected_phrase: str = ""
    # Terms to highlight, each with the number of the concept it belongs to and its weight.
    highlights: dict[int, tuple[int, float]] = field(default_factory=dict)
    # Index terms of the glossary names typed (an acronym, a name's words) and of the names
    # they stand for: a paragraph with one of them is about something the user named.
    named: set[int] = field(default_factory=set)
    corrections: dict[str, str] = field(default_factory=dict)

    def marks(self) -> Marks:
        """What its results need of the plan to choose an excerpt and say how much of the
        query a paragraph answers."""
        return Marks(self.highlights, self.named, tuple([c.typed for c in self.concepts]))


class Marks:
    """Of a query's plan, what its results keep: the terms to highlight (each with its
    concept's number and weight), the named terms, and how many typed words each concept is.
    An engine keeps its recent answers, so each result's objects live through garbage
    collections until it is dropped: not the plan's concepts and their alternatives."""

    __slots__ = ("highlights", "named", "typed")

    def __init__(
        self, highlights: dict[int, tuple[int, float]], named: set[int], typed: tuple[int, ...]
    ) -> None:
        self.highlights: Final = highlights
        self.named: Final = named
        self.typed: Final = typed


def _decimals(normalized: str, tokens: list[Token]) -> list[list[Token]]:
    """The digits of each decimal the query has ("1.5", "3.1.1"): runs of tokens of digits
    only, with a full stop and nothing else between each and the next."""
    found: list[list[Token]] = []
    for token, after in pairwise(tokens):
        if (
            after.start == token.end + 1
            and normalized[token.end] == "."
            and token.text.isdigit()
            and after.text.isdigit()
        ):
            if found and found[-1][-1] is token:
                found[-1].append(after)
            else:
                found.append([token, after])
    return found


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
        self._looked_up: dict[str, Word] = {}
        # What does not depend on the query, worked out once for the pack: each glossary
        # name's index terms (with their summed idf) and each thesaurus term's, leaving out
        # names with a word the pack never uses.
        self.names: list[list[tuple[tuple[int, ...], float]]] = []
        for entry in glossary.entries:
            names = []
            for stems in entry.stems:
                ids = self._term_ids(stems)
                if ids is not None:
                    names.append((ids, sum(index.idf(t) for t in set(ids))))
            self.names.append(names)
        self._meanings: list[list[tuple[tuple[int, ...], frozenset[int], float]]] = []
        for expansions in thesaurus.expansions if thesaurus is not None else ():
            meanings = []
            for expansion in expansions:
                ids = self._term_ids(expansion.stems)
                if ids is not None:
                    meanings.append((ids, frozenset(ids), expansion.weight))
            self._meanings.append(meanings)

    def _term_ids(self, stems: tuple[str, ...]) -> tuple[int, ...] | None:
        tids = [self.index.term_id(s) for s in stems]
        ids = tuple(t for t in tids if t is not None)
        return ids if len(ids) == len(tids) else None

    def _look_up(self, text: str) -> Word:
        """A typed word's `Word`, kept for the next query (as the analyzer keeps stems)."""
        a = self.analyzer
        folded = a.fold(text)
        stem = a.stem(folded)
        tid = self.index.term_id(stem)
        stop = a.is_stopword(folded)
        word = Word(
            folded,
            stem,
            tid,
            tid is None and len(folded) >= MIN_WORD_LENGTH and not folded.isdigit() and not stop,
            None if tid is None or stop else _new(Alternative, ((tid,), 1.0, False)),
            "w:" + folded,
        )
        if len(self._looked_up) < MAX_LOOKED_UP:
            self._looked_up[text] = word
        return word

    def plan(self, normalized: str) -> QueryPlan:
        a = self.analyzer
        stem = a.stem
        stop = a.is_stopword
        term_id = self.index.term_id
        idf = self.index.idf
        tokens = tokenize(normalized)
        if len(tokens) > 1:
            tokens = self._compounds(normalized, tokens)
        # Each typed word looked up once (`Word`). Without a compound ("peace-keeping"),
        # each word is a group of its own, and `parts` (each group's words) is made only if
        # the thesaurus needs it.
        get, look_up = self._looked_up.get, self._look_up
        compounds = any(map(_joined, tokens))
        groups: list[list[Token]] | None = None
        parts: list[list[str]] | None = None
        if compounds:
            groups = group_words(tokens)[:MAX_QUERY_WORDS]
            parts = []
            records: list[Word] = []
            for group in groups:
                ws = []
                for token in group:
                    if not token.joined:
                        record = get(token.text) or look_up(token.text)
                        records.append(record)
                        ws.append(record.folded)
                parts.append(ws)
        else:
            records = [get(t[0]) or look_up(t[0]) for t in tokens[:MAX_QUERY_WORDS]]
        typed = [r.folded for r in records]
        stems = [r.stem for r in records]
        plan = QueryPlan(phrase=" " + " ".join(typed) + " ")
        # Everyday words the thesaurus knows are not typos of document words.
        meant: list[tuple[int, int, int]] = []
        if self.thesaurus:
            meant = self.thesaurus.find(stems)
        if meant:
            covered = {typed[i] for start, end, _ in meant for i in range(start, end)}
            unknown = [r.folded for r in records if r.correctable and r.folded not in covered]
        else:
            unknown = [r.folded for r in records if r.correctable]
        # No typo index is consulted (or made) when every word is known.
        fixes: dict[str, list[tuple[str, int]]] = {}
        if unknown:
            unknown = sorted(dict.fromkeys(unknown), key=len, reverse=True)[:MAX_CORRECTED_WORDS]
            fixes = self.typos.correct(unknown)
            for word, closest in fixes.items():
                if closest:
                    plan.corrections[word] = closest[0][0]
        # Each typed word's stems to look up, with their weight: its corrections', if it had
        # to be corrected (none when none was close), else its own.
        options: dict[str, list[tuple[str, float]]] = {
            w: [(stem(c), TYPO_WEIGHT) for c, _ in found] for w, found in fixes.items()
        }
        flat = stems
        if plan.corrections:
            fixed = [plan.corrections.get(w, w) for w in typed]
            plan.corrected_phrase = " " + " ".join(fixed) + " "
            flat = [
                options[w][0][0] if options.get(w) else s for w, s in zip(typed, stems, strict=True)
            ]

        # Glossary names are matched on the corrected stems, word by word and compounds joined.
        compact = flat
        if groups is not None and parts is not None:
            compact = []
            at = 0
            for group, ws in zip(groups, parts, strict=True):
                joined = [t for t in group if t.joined]
                if joined:
                    compact.append(stem(a.fold(joined[0].text)))
                elif ws:
                    compact.append(flat[at])
                at += len(ws)
        # Each glossary entry found, with the index weight (summed idf) of the words typed for it.
        entries: dict[int, float] = {}
        for sequence in (flat, compact) if compact is not flat else (flat,):
            for start, end, entry in self.glossary.find(sequence):
                matched = {term_id(s) for s in sequence[start:end] if not stop(s)}
                plan.named.update(t for t in matched if t is not None)
                weight = sum(idf(t) for t in matched if t is not None)
                entries[entry] = max(entries.get(entry, 0.0), weight)
        # The concept of each typed word (or compound), by group number. The digits of a
        # decimal ("1.5": "1" and "5") are one concept, all of them needed: a paragraph with
        # a 5 in it is not about 1.5.
        decimals = _decimals(normalized, tokens) if "." in normalized else []
        decimal = {t.start for run in decimals for t in run}
        number_at: dict[int, int] = {}  # a decimal part's start: its word's or group's number
        words: dict[int, tuple[str, list[Alternative]]] = {}
        if groups is None or parts is None:  # each word a group
            for number, record in enumerate(records):
                if decimal and tokens[number].start in decimal:
                    number_at[tokens[number].start] = number
                    continue
                if record.folded in options:
                    alternatives = []
                    for option, weight in options[record.folded]:
                        tid = term_id(option)
                        if tid is not None:
                            alternatives.append(Alternative((tid,), weight))
                    if alternatives:
                        words[number] = (record.key, alternatives)
                elif record.alternative is not None:
                    words[number] = (record.key, [record.alternative])
        else:
            first = 0  # the number of the group's first typed word
            for number, (group, ws) in enumerate(zip(groups, parts, strict=True)):
                alternatives = []
                if decimal and len(group) == 1 and group[0].start in decimal:
                    number_at[group[0].start] = number
                    first += len(ws)
                    continue
                if group[-1].joined:
                    tid = term_id(stem(a.fold(group[-1].text)))
                    if tid is not None:
                        alternatives.append(Alternative((tid,)))
                    found = []
                    for w in ws:
                        if not stop(w):
                            for option, _ in options[w] if w in options else ((stem(w), 1.0),):
                                tid = term_id(option)
                                if tid is not None:
                                    found.append(tid)
                                    break
                    if found:
                        alternatives.append(Alternative(tuple(found)))
                elif ws:
                    w = ws[0]
                    if w in options:
                        for option, weight in options[w]:
                            tid = term_id(option)
                            if tid is not None:
                                alternatives.append(Alternative((tid,), weight))
                    elif (known := records[first].alternative) is not None:
                        alternatives.append(known)
                first += len(ws)
                if alternatives:
                    words[number] = ("w:" + " ".join(ws), alternatives)
        if decimals:
            read = [t for t in tokens if not t.joined]
            tid_at = {t.start: r.tid for t, r in zip(read, records, strict=False)}
            for run in decimals:
                tids = [tid_at.get(t.start) for t in run]
                if run[0].start in number_at and None not in tids:
                    terms = tuple(dict.fromkeys(t for t in tids if t is not None))
                    text = normalized[run[0].start : run[-1].end]
                    alternative = Alternative(terms, 1.0, require_all=len(terms) > 1)
                    words[number_at[run[0].start]] = ("w:" + text, [alternative])
            words = dict(sorted(words.items()))
        # The typed words' own terms, before the thesaurus takes some: a glossary name that
        # is one of them is no other name for it.
        typed_terms = (
            {alt.terms for _, alts in words.values() for alt in alts} if entries else set()
        )
        raw: list[tuple[str, list[Alternative]]] = []
        covers: dict[str, int] = {}  # the typed words of each thesaurus concept
        if self.thesaurus is not None:
            # Unless a typo was corrected, the thesaurus's matches are those found above.
            found_meant = self.thesaurus.find(flat) if flat is not stems else meant
            grouped: list[list[str]] = parts if parts is not None else []
            if found_meant and parts is None:
                grouped = [[w] for w in typed]
            starts = [0]
            for ws in grouped if found_meant else ():
                starts.append(starts[-1] + len(ws))
            done: set[int] = set()
            for start, end, entry in found_meant:
                if entry in done:
                    continue
                done.add(entry)
                spanned = range(
                    bisect_left(starts, start), min(bisect_left(starts, end), len(grouped))
                )
                # The typed words and what they mean are one concept: a paragraph earns the
                # better of the two, never both.
                content = [g for g in spanned if not all(stop(w) for w in grouped[g])]
                own = [words.pop(g)[1][0] for g in spanned if g in words]
                typed_ids = tuple(t for alt in own for t in alt.terms)
                # A meaning that is one of the words typed for it stays ("nuclear weapons"
                # means "nuclear"); one that another typed word scores on its own does not.
                elsewhere = {alt.terms for _, alts in words.values() for alt in alts}
                meaning = self._expansion(entry, typed_ids, elsewhere, max(1, len(content)))
                if typed_ids:
                    # Typed words found only in part ("bases" of "enemy bases", in "based
                    # on") count for that part.
                    share = len(own) / max(1, len(content))
                    meaning.insert(0, Alternative(typed_ids, share, require_all=True))
                if meaning:
                    raw.append((f"t:{entry}", meaning))
                    covers[f"t:{entry}"] = max(1, len(content))
        raw[:0] = list(words.values())
        for entry, typed_weight in entries.items():
            alternatives = []
            for ids, own_idf in self.names[entry]:
                if ids in typed_terms:
                    continue
                # Another name for what was typed earns about what the typed words would:
                # "NSS" in a paragraph counts like "National Security Strategy", and back.
                scale = typed_weight / own_idf if typed_weight > 0 and own_idf > 0 else 1.0
                alternatives.append(Alternative(ids, EXPANSION_WEIGHT * scale, require_all=True))
                plan.named.update(ids)
            if alternatives:
                raw.append((f"g:{entry}", alternatives))
        seen: set[str] = set()
        concepts = plan.concepts
        for key, alternatives in raw:
            if key in seen:
                continue
            seen.add(key)
            # The rarest term's idf (idf is positive), in a loop: a generator costs more.
            if len(alternatives) == 1 and len(alternatives[0].terms) == 1:
                rarity = idf(alternatives[0].terms[0])  # one word: most concepts
            else:
                rarity = 0.0
                for alt in alternatives:
                    for t in alt.terms:
                        if idf(t) > rarity:
                            rarity = idf(t)
            if key[0] == "g":
                concepts.append(Concept(alternatives, rarity, entries[int(key[2:])], 0))
            else:
                typed_words = covers.get(key) or len(key[2:].split())
                concepts.append(Concept(alternatives, rarity, None, typed_words))
        concepts.sort(key=_rarity, reverse=True)  # a reversed sort keeps equal ones in order
        del concepts[MAX_CONCEPTS:]
        highlights = plan.highlights
        for number, concept in enumerate(concepts):
            for alt in concept.alternatives:
                for tid in alt.terms:
                    if tid not in highlights:
                        highlights[tid] = (number, concept.rarity)
        return plan

    def _compounds(self, normalized: str, tokens: list[Token]) -> list[Token]:
        """Two words typed apart that the pack writes as one ("peace keeping"; the text has
        "peacekeeping") read as if typed with a hyphen: their joined form follows them, so a
        paragraph with either spelling counts for the pair, once. Only plain words one space
        apart, neither a stop word nor shorter than 3 letters nor part of a compound typed."""
        a = self.analyzer
        vocabulary = self.typos.known
        # Most queries have no such pair: one test of each pair's joined form comes first.
        fold = a.fold
        text = tokens[0].text
        for token in islice(tokens, 1, None):
            if fold(text + token.text) in vocabulary:
                break
            text = token.text
        else:
            return tokens
        out: list[Token] = []
        at = 0
        last = len(tokens) - 1
        while at < last:
            token, after = tokens[at], tokens[at + 1]
            out.append(token)
            at += 1
            if (
                after.start != token.end + 1
                or token.joined
                or after.joined
                or normalized[token.end] != " "  # one space apart: no hyphen, no comma
                or (token.start and normalized[token.start - 1] != " ")
                or normalized[after.end : after.end + 1] in ("-", "'")
                or len(token.text) < 3
                or len(after.text) < 3
            ):
                continue
            # A word of the pack's (a dict test) before its stem: the stem cache keeps what
            # it is asked, and pairs of words typed are mostly new.
            joined = a.fold(token.text + after.text)
            if (
                joined in vocabulary
                and not a.is_stopword(token.text)
                and not a.is_stopword(after.text)
                and self.index.term_id(a.stem(joined)) is not None
            ):
                out += [after, Token(joined, token.start, after.end, True)]
                at += 1
        out += tokens[at:]
        return out

    def _expansion(
        self, entry: int, typed_ids: tuple[int, ...], typed: set[tuple[int, ...]], words: int
    ) -> list[Alternative]:
        """The document terms of a thesaurus entry found for `words` typed words: each term
        counts for about as many words as were typed (its words' mean, times that)."""
        alternatives = []
        typed_set = set(typed_ids)
        for ids, id_set, weight in self._meanings[entry]:
            if ids in typed or id_set == typed_set:
                continue
            alternatives.append(Alternative(ids, weight * words / len(id_set), require_all=True))
        return alternatives
