"""Pick the sentence(s) of a paragraph that answer a query, and the words to bold in them."""

from __future__ import annotations

from collections.abc import Callable
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
    value, covered, alone = _measures(words, count, sentences.crossing)
    # The best sentence alone, the first of equal ones.
    best = alone.index(max(alone)) if alone else 0
    first = last = best
    while True:
        current = value(first, last)
        options = []
        if first > 0:
            options.append((first - 1, last))
        if last + 1 < count:
            options.append((first, last + 1))
        options = [
            o
            for o in options
            if ends[o[1]] - starts[o[0]] <= EXCERPT_MAX_CHARS
            and covered(*o)[1] > covered(first, last)[1]
        ]
        if not options:
            break
        first, last = max(options, key=lambda o: value(*o))
        if value(first, last) <= current:
            break
    start, end = starts[first], ends[last]
    spans: list[tuple[int, int]] = []
    for s, e, *_ in words:
        if s < start or e > end:
            continue
        if spans and s - start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e - start))
            continue
        spans.append((s - start, e - start))
    return Excerpt(text[start:end], start, tuple(spans))


Measure = Callable[[int, int], float]
Covered = Callable[[int, int], tuple[float, int]]


def _measures(
    placed: list[tuple[int, int, int, int, int, float]], count: int, crossing: bool = True
) -> tuple[Measure, Covered, list[float]]:
    """For sentences first..last: `value` (the distinct concepts' summed weight, repeated
    hits breaking ties) and `covered` ((that weight, number of concepts)); and the value of
    each sentence alone. A word's weight is its concept's, so a range's concepts are those
    of its sentences, in the order the words come: summed per sentence rather than over
    every word for every range. `crossing`: whether a word may run across a sentence break."""
    if crossing and any(
        a != b for _, _, a, b, _, _ in placed
    ):  # a word across a sentence break: count each
        value_by_word, covered_by_word = _measures_by_word(placed)
        return value_by_word, covered_by_word, [value_by_word(i, i) for i in range(count)]
    concepts: list[dict[int, float]] = [{} for _ in range(count)]
    hits = [0] * count
    for _, _, a, _, c, w in placed:
        concepts[a].setdefault(c, w)
        hits[a] += 1
    # Each sentence alone, worked out once: every sentence is valued alone to find the best.
    alone = [(sum(inside.values()), len(inside)) for inside in concepts]
    alone_values = [weight + 0.01 * n for (weight, _), n in zip(alone, hits, strict=True)]

    def covered(first: int, last: int) -> tuple[float, int]:
        if first == last:
            return alone[first]
        inside: dict[int, float] = {}
        for i in range(first, last + 1):
            for c, w in concepts[i].items():
                inside.setdefault(c, w)
        return sum(inside.values()), len(inside)

    def value(first: int, last: int) -> float:
        if first == last:
            return alone_values[first]
        return covered(first, last)[0] + 0.01 * sum(hits[first : last + 1])

    return value, covered, alone_values


def _measures_by_word(
    placed: list[tuple[int, int, int, int, int, float]],
) -> tuple[Measure, Covered]:
    memo: dict[tuple[int, int], tuple[float, int]] = {}

    def covered(first: int, last: int) -> tuple[float, int]:
        key = (first, last)
        if key not in memo:
            inside = {c: w for _, _, a, b, c, w in placed if a >= first and b <= last}
            memo[key] = (sum(inside.values()), len(inside))
        return memo[key]

    def value(first: int, last: int) -> float:
        # Distinct concepts count most; repeated hits only break ties.
        hits = sum(1 for _, _, a, b, _, _ in placed if a >= first and b <= last)
        return covered(first, last)[0] + 0.01 * hits

    return value, covered
