"""Pick the sentence(s) of a paragraph that answer a query, and the words to bold in them."""

from __future__ import annotations

from dataclasses import dataclass

# Discord shows long quotes badly; neighbouring sentences are added to the best one only
# while the excerpt stays within this many characters. A single longer sentence is kept
# whole (never cut mid-word).
EXCERPT_MAX_CHARS = 600


@dataclass(frozen=True)
class Excerpt:
    text: str
    start: int
    spans: tuple[tuple[int, int], ...]


class Sentences:
    """A paragraph's sentence spans, as their starts and their ends (the engine keeps them
    for each paragraph it excerpts); `crossing` is False once it is known that no word of
    the paragraph runs across a sentence break (the engine finds out where its words are)."""

    __slots__ = ("crossing", "ends", "starts")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.crossing = True


def choose_excerpt(
    text: str,
    words: list[tuple[int, int, int, int, int, float]],
    sentences: Sentences,
) -> Excerpt:
    """The best sentence, plus neighbours that add matched concepts while it stays short.

    `words` are the matched words of `text` as (start, end, first sentence, last sentence,
    concept number, weight), sorted (the engine keeps each word's sentences with it):
    a word is inside the sentences first..last of an excerpt when first <= its first and
    its last <= last. `sentences`: the paragraph's sentences."""
    starts, ends = sentences.starts, sentences.ends
    count = len(starts)
    ranges = _Ranges(words, count, sentences.crossing)
    alone = ranges.alone
    # The best sentence alone, the first of equal ones.
    best = alone.index(max(alone)) if alone else 0
    first = last = best
    while True:
        current = ranges.value(first, last)
        concepts = ranges.covered(first, last)[1]
        # Grow by the sentence before or after, whichever is worth more (before on a tie),
        # if it fits and adds a concept.
        grown = -1.0
        grow_first = grow_last = -1
        if (
            first > 0
            and ends[last] - starts[first - 1] <= EXCERPT_MAX_CHARS
            and ranges.covered(first - 1, last)[1] > concepts
        ):
            grown, grow_first, grow_last = ranges.value(first - 1, last), first - 1, last
        if (
            last + 1 < count
            and ends[last + 1] - starts[first] <= EXCERPT_MAX_CHARS
            and ranges.covered(first, last + 1)[1] > concepts
        ):
            after = ranges.value(first, last + 1)
            if grow_first < 0 or after > grown:
                grown, grow_first, grow_last = after, first, last + 1
        if grow_first < 0:
            break
        first, last = grow_first, grow_last
        if grown <= current:
            break
    start, end = starts[first], ends[last]
    spans: list[tuple[int, int]] = []
    for word in words:
        s, e = word[0], word[1]
        if s < start or e > end:
            continue
        if spans and s - start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e - start))
            continue
        spans.append((s - start, e - start))
    return Excerpt(text[start:end], start, tuple(spans))


def placed_words(
    highlights: dict[int, tuple[int, float]], spans: dict[int, list[tuple[int, int, int, int]]]
) -> list[tuple[int, int, int, int, int, float]]:
    """The words of a paragraph to bold, as `choose_excerpt` takes them: each place (`spans`:
    a term's character spans and sentences) of each term to highlight (`highlights`: a
    term's concept number and weight), in order."""
    placed: list[tuple[int, int, int, int, int, float]] = []
    for tid, (concept, weight) in highlights.items():
        places = spans.get(tid)
        if places is not None:
            for start, end, first, last in places:
                placed.append((start, end, first, last, concept, weight))
    placed.sort()
    return placed


class _Ranges:
    """For sentences first..last of a paragraph: `value` (the distinct concepts' summed
    weight, repeated hits breaking ties) and `covered` ((that weight, number of concepts));
    and `alone`, the value of each sentence alone.

    A word's weight is its concept's, so a range's concepts are those of its sentences, in
    the order the words come: summed per sentence rather than over every word for every
    range. When a word may run across a sentence break (`crossing`) and one does, each
    range counts its words instead. (Methods, not closures: this module is compiled.)"""

    def __init__(
        self, placed: list[tuple[int, int, int, int, int, float]], count: int, crossing: bool
    ) -> None:
        self.placed = placed
        self.by_word = crossing and any(w[2] != w[3] for w in placed)
        self.memo: dict[tuple[int, int], tuple[float, int]] = {}
        self.concepts: list[dict[int, float]] = []
        self.hits: list[int] = []
        self.alone_covered: list[tuple[float, int]] = []
        if self.by_word:
            self.alone = [self.value(i, i) for i in range(count)]
            return
        concepts: list[dict[int, float]] = [{} for _ in range(count)]
        hits = [0] * count
        for word in placed:
            a = word[2]
            concepts[a].setdefault(word[4], word[5])
            hits[a] += 1
        self.concepts, self.hits = concepts, hits
        # Each sentence alone, worked out once: every sentence is valued alone to find the best.
        self.alone_covered = [(sum(inside.values()), len(inside)) for inside in concepts]
        self.alone = [
            weight + 0.01 * n for (weight, _), n in zip(self.alone_covered, hits, strict=True)
        ]

    def covered(self, first: int, last: int) -> tuple[float, int]:
        if self.by_word:
            key = (first, last)
            found = self.memo.get(key)
            if found is None:
                inside = {w[4]: w[5] for w in self.placed if w[2] >= first and w[3] <= last}
                found = self.memo[key] = (sum(inside.values()), len(inside))
            return found
        if first == last:
            return self.alone_covered[first]
        inside = {}
        for i in range(first, last + 1):
            for c, w in self.concepts[i].items():
                inside.setdefault(c, w)
        return sum(inside.values()), len(inside)

    def value(self, first: int, last: int) -> float:
        if self.by_word:
            # Distinct concepts count most; repeated hits only break ties.
            hits = sum(1 for w in self.placed if w[2] >= first and w[3] <= last)
            return self.covered(first, last)[0] + 0.01 * hits
        if first == last:
            return self.alone[first]
        return self.covered(first, last)[0] + 0.01 * sum(self.hits[first : last + 1])
