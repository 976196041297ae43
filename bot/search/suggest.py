"""What to offer when nothing matches: section titles and glossary and thesaurus terms whose
words are close to the query's words.

Closeness is judged word by word, never on the whole string, so a short name is never
offered because its letters happen to occur in the query ("USA" for "quantum computing").
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from bot.search.analysis import Analyzer
from bot.search.normalize import words

MAX_SUGGESTIONS = 5
# Words shorter than this must be typed exactly to count: "UN" is not "US".
MIN_FUZZY_LENGTH = 4
# Two longer words are close when they share a stem, start with this many letters in common
# ("legislat" and "legislation"), or score at least FUZZY_MIN (rapidfuzz ratio, 0-100).
SHARED_PREFIX = 5
FUZZY_MIN = 80
MAX_QUERY_WORDS = 12


class Suggester:
    """Offers `choices`: (text matched against the query, text offered). A thesaurus word
    is matched but its document term offered, so a suggestion always finds something."""

    def __init__(self, choices: Iterable[tuple[str, str]], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._words: list[list[str]] = []
        self._offered: list[str] = []
        seen: set[tuple[str, str]] = set()
        for matched, offered in choices:
            key = (" ".join(words(matched)), " ".join(words(offered)))
            if not all(key) or key in seen:
                continue
            seen.add(key)
            self._words.append([w for w in words(matched) if not analyzer.is_stopword(w)])
            self._offered.append(offered)

    def _close(self, typed: str, word: str) -> float:
        if typed == word:
            return 100.0
        if len(typed) < MIN_FUZZY_LENGTH or len(word) < MIN_FUZZY_LENGTH:
            return 0.0
        stem = self._analyzer.stem
        if stem(typed) == stem(word):
            return 100.0
        prefix = min(len(typed), len(word), SHARED_PREFIX)
        if prefix == SHARED_PREFIX and typed[:prefix] == word[:prefix]:
            return 90.0
        score = fuzz.ratio(typed, word)
        return score if score >= FUZZY_MIN else 0.0

    def suggest(self, normalized: str) -> tuple[str, ...]:
        """Up to MAX_SUGGESTIONS choices, those closest to most of the query's words first;
        never the query itself (it was just tried: "Nothing matches GCAP. Try: GCAP")."""
        asked = " ".join(words(normalized))
        typed = [w for w in words(normalized) if not self._analyzer.is_stopword(w)]
        typed = list(dict.fromkeys(typed))[:MAX_QUERY_WORDS]
        if not typed:
            return ()
        scored: list[tuple[float, int, int]] = []
        for number, choice_words in enumerate(self._words):
            if not choice_words:
                continue
            total = sum(max(self._close(t, w) for w in choice_words) for t in typed)
            if total > 0:
                scored.append((-total, len(choice_words), number))
        scored.sort()
        offered: dict[str, str] = {}
        for _, _, number in scored:
            text = self._offered[number]
            key = " ".join(words(text))
            if key != asked:
                offered.setdefault(key, text)
            if len(offered) == MAX_SUGGESTIONS:
                break
        return tuple(offered.values())
