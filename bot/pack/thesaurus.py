"""The glossary's thesaurus: everyday words mapped to the document's terms, checked as content.

In glossary.yaml:

    thesaurus:
      - words: [fake news, propaganda]          # what askers type
        means: [disinformation]                 # the document's terms for the same thing
        broader: [information warfare]          # optional: more general terms the text uses
        narrower: [...]                         # optional: more specific ones

Problems found: an entry of the wrong shape, a word listed twice (in one entry or two), a
target that leads back to its own words through other entries (a cycle), and, as a
warning, a target that occurs nowhere in the library (search could never find it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from bot.pack.model import ThesaurusEntry
from bot.pack.yaml_lines import Located
from bot.search.analysis import Analyzer
from bot.search.normalize import words

# Called as add(line, message, warning=False) for every problem found.
Report = Callable[..., None]
TARGET_KINDS = ("means", "broader", "narrower")


@lru_cache(maxsize=4096)
def key(text: str) -> str:
    """The form two listed phrases are compared in: normalised words, one space apart."""
    return " ".join(words(text))


def read_thesaurus(doc: Located | None, add: Report) -> tuple[ThesaurusEntry, ...]:
    """The entries under `thesaurus:` of a loaded glossary, every problem reported."""
    if doc is None or not isinstance(doc.value, dict) or "thesaurus" not in doc.fields:
        return ()
    located = doc.fields["thesaurus"]
    if located.value is None:
        return ()
    if not isinstance(located.value, list):
        add(located.line, "'thesaurus' must be a list")
        return ()
    entries: list[ThesaurusEntry] = []
    first_line: dict[str, int] = {}
    for item in located.items:
        entry = _entry(item, add)
        if entry is None:
            continue
        for word, line in zip(entry.words, _lines(item, "words"), strict=False):
            folded = key(word)
            if folded in first_line:
                add(
                    line, f"thesaurus: duplicate word '{word}' (first at line {first_line[folded]})"
                )
            else:
                first_line[folded] = line
        entries.append(entry)
    for entry, message in find_cycles(entries):
        add(entry.line, message)
    return tuple(entries)


def _lines(item: Located, field: str) -> list[int]:
    located = item.fields.get(field)
    if located is None:
        return []
    return [i.line for i in located.items] or [located.line]


def _strings(item: Located, field: str, add: Report) -> tuple[str, ...] | None:
    value = item.value.get(field)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and key(v) for v in value):
        add(item.line_of(field), f"thesaurus: '{field}' must be a list of words or phrases")
        return None
    return tuple(value)


def _entry(item: Located, add: Report) -> ThesaurusEntry | None:
    if not isinstance(item.value, dict):
        add(item.line, "a thesaurus entry must be a mapping with 'words' and 'means'")
        return None
    unknown = sorted(set(item.value) - {"words", *TARGET_KINDS})
    if unknown:
        add(item.line_of(unknown[0]), f"thesaurus: unknown field '{unknown[0]}'")
    fields = {f: _strings(item, f, add) for f in ("words", *TARGET_KINDS)}
    listed = {f: v for f, v in fields.items() if v is not None}
    if len(listed) < len(fields):
        return None
    if not listed["words"]:
        add(item.line, "thesaurus entry needs 'words'")
        return None
    if not any(listed[f] for f in TARGET_KINDS):
        add(
            item.line,
            f"thesaurus entry '{listed['words'][0]}' needs 'means', 'broader' or 'narrower'",
        )
        return None
    targets = [t for f in TARGET_KINDS for t in listed[f]]
    lines = [line for f in TARGET_KINDS for line in _lines(item, f)]
    seen: set[str] = set()
    for target, line in zip(targets, lines, strict=False):
        if key(target) in seen:
            add(line, f"thesaurus: duplicate target '{target}' in one entry")
        seen.add(key(target))
    return ThesaurusEntry(
        words=listed["words"],
        means=listed["means"],
        broader=listed["broader"],
        narrower=listed["narrower"],
        line=item.line,
    )


def find_cycles(entries: Iterable[ThesaurusEntry]) -> list[tuple[ThesaurusEntry, str]]:
    """Entries whose targets lead back to their own words (directly or through others)."""
    listed = list(entries)
    owner: dict[str, ThesaurusEntry] = {}
    for entry in listed:
        for word in entry.words:
            owner.setdefault(key(word), entry)
    found: list[tuple[ThesaurusEntry, str]] = []
    for entry in listed:
        own = {key(w) for w in entry.words}
        # Walk targets breadth first; `via` remembers the path for the message.
        via: dict[str, list[str]] = {key(t): [t] for t in entry.targets}
        queue = list(via)
        while queue:
            current = queue.pop(0)
            if current in own:
                path = " -> ".join([entry.words[0], *via[current]])
                found.append((entry, f"thesaurus: cycle {path}"))
                break
            nxt = owner.get(current)
            if nxt is None:
                continue
            for target in nxt.targets:
                k = key(target)
                if k not in via:
                    via[k] = [*via[current], target]
                    queue.append(k)
    return found


class TokenisedText:
    """A library's texts, each tokenised once, however many packs and spellings ask."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._words = [words(t) for t in texts]
        self._folded: dict[tuple[tuple[str, ...], ...], LibraryText] = {}

    def library(self, spellings: Iterable[Iterable[str]] = ()) -> LibraryText:
        """The text with `spellings` folded (made once per distinct set of spellings)."""
        groups = tuple(tuple(g) for g in spellings)
        if groups not in self._folded:
            self._folded[groups] = LibraryText(self._words, groups)
        return self._folded[groups]


class LibraryText:
    """Every word of a library's text, to ask whether a phrase occurs anywhere in it."""

    def __init__(
        self, tokenised: Iterable[list[str]], spellings: Iterable[Iterable[str]] = ()
    ) -> None:
        """`tokenised`: each text's words (`normalize.words`)."""
        self._analyzer = Analyzer(spellings)
        fold = self._analyzer.fold
        self._text = "\n".join(" " + " ".join(fold(w) for w in ws) for ws in tokenised)

    def has(self, phrase: str) -> bool:
        """True if the phrase's words occur in a row; the last may go on ("cyberattack")."""
        folded = " ".join(self._analyzer.fold(w) for w in words(phrase))
        return bool(folded) and " " + folded in self._text


def unknown_targets(
    entries: Iterable[ThesaurusEntry], library: LibraryText
) -> list[tuple[ThesaurusEntry, str]]:
    """(entry, target) for every target that occurs nowhere in the library."""
    return [(e, t) for e in entries for t in e.targets if not library.has(t)]
