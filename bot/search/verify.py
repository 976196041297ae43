"""`/verify quote`: is a quote verbatim in the chapter, and where; if not, what it should say.

Verbatim means the quote, trimmed of surrounding quotation marks, stands in a paragraph
from a word boundary to a word boundary once curly and straight quotes, dash variants and
runs of whitespace are treated as equal; or runs on from one paragraph into the next of the
same section, the break read as a space (a quote copied across a paragraph break). Case and
words must match exactly. A quote that differs only in capitals or punctuation is said to be so. Otherwise the closest passage is
found (search for candidate paragraphs, then a word-level alignment inside each) and the
differences are listed word by word, ready to render as ~~200~~ → **137**.

A quote of fewer than MIN_QUOTE_WORDS words or MIN_QUOTE_CHARS characters gets no verdict:
"the" stands in every paragraph and proves nothing.
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Collection
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from bot.pack.library import QualifiedRef, split_edition
from bot.pack.loader import without_markers
from bot.pack.model import Pack, Paragraph
from bot.search.engine import SearchEngine
from bot.search.library import LibrarySearch
from bot.search.normalize import fold_with_map, normalize
from bot.search.sentences import split_sentences

# A passage is offered as "the closest" only when it is at least this similar to the quote
# (rapidfuzz ratio, 0-100, on normalised text); below it the quote is reported as not found.
CLOSE_MIN = 60.0
# Candidate paragraphs taken from search before aligning the quote inside each.
CANDIDATE_PARAGRAPHS = 8
# When aligning, matched stretches further apart than this many words (or the quote's length,
# if longer) are not joined into one passage.
ALIGN_GAP_MIN = 8
# ... and only when it shares at least this many words with the quote (fewer for a shorter
# quote) and this share of the quote's words: one common word in common is not a misquote.
MIN_MATCHED_WORDS = 3
MIN_MATCHED_SHARE = 0.5
MAX_MATCHES = 10
# Shorter quotes are "too short to check": they match almost anywhere.
MIN_QUOTE_WORDS = 4
MIN_QUOTE_CHARS = 20
MAX_QUOTE_CHARS = 4000
QUOTE_MARKS = "\"'“”‘’«»„‚‛‟`「」『』"
_WORD = re.compile(r"\S+")
# Discord's inline markdown around words: bold, underline, italics, strike-through, spoiler,
# inline code, as a pair of markers with the words between them. Only at word boundaries,
# so snake_case and a page's footnote marker ("members*1") are not read as markers.
_INLINE_MARKDOWN = re.compile(
    r"(?<![\w*_~|`])(\*\*|__|~~|\|\||\*|_|`{1,3})(?=\S)([^\n]+?)(?<=\S)\1(?![\w*_~|`])"
)
# A quote with more marker characters than this is not read for markdown: pasted text has a
# few, and each one the pattern above may try costs a scan of the rest of the quote.
MAX_MARKDOWN_MARKERS = 40
# A block quote: "> " or ">>> " at the start of a line.
_BLOCK_QUOTE = re.compile(r"^[ \t]*>(?:>>)?[ \t]+", re.MULTILINE)
_EDGE_PUNCTUATION = "\"'“”‘’«»„‚.,;:!?()[]{}…-–—"

DiffKind = Literal["equal", "removed", "missing", "replaced"]


@dataclass(frozen=True)
class Location:
    ref: str
    section_ref: str
    title: str
    passage: str  # verbatim, as it stands in the paragraph
    start: int  # offsets of `passage` in the paragraph
    end: int
    sentence: str  # the sentence(s) around the passage, verbatim


@dataclass(frozen=True)
class DiffOp:
    """`removed`: in the quote, not the text; `missing`: in the text, not the quote."""

    kind: DiffKind
    quote: str
    passage: str


@dataclass(frozen=True)
class Verdict:
    quote: str
    verbatim: bool
    matches: tuple[Location, ...] = ()
    closest: Location | None = None
    similarity: float = 0.0
    diff: tuple[DiffOp, ...] = ()
    suggestions: tuple[str, ...] = ()
    too_short: bool = False
    # When the words are those of `closest` but the quote is not verbatim: "capitals",
    # "punctuation" or "capitals and punctuation".
    differs_only_in: str = ""
    # A quote that runs on from one paragraph into the next (copied across a paragraph
    # break): `matches` are its part in each paragraph, in order; when not verbatim, those
    # of the closest passage, whose first part is `closest` and `diff` is against them all.
    across: bool = False

    @property
    def places(self) -> int:
        """How many places the quote stands in: a quote across paragraphs stands in one."""
        if not self.verbatim:
            return 0
        return 1 if self.across else len(self.matches)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class LibraryVerdict:
    """A verdict in a library of packs: on pack `pack_key`, pack `checked_first` having been
    checked first (they differ when the quote is only in another edition)."""

    verdict: Verdict
    pack_key: str
    checked_first: str
    # The other packs the quote is verbatim in, newest first, each with the reference it
    # starts at there (None: a verdict without matches).
    also_in: tuple[tuple[str, str | None], ...] = ()
    checked: tuple[str, ...] = ()  # every pack checked, in the order checked
    # Whether `pack_key` is of another edition than `checked_first` (another chapter of the
    # same edition is that edition).
    elsewhere: bool = False


# Paragraphs normalised for quote comparison, computed once per pack on first use and
# forgotten with it (keyed by identity: a Pack is mutable, so not hashable).
_QUOTE_TEXTS: dict[int, list[str]] = {}


def trim_quote(text: str) -> str:
    """The quote without surrounding whitespace and quotation marks."""
    return text.strip().strip(QUOTE_MARKS + " \t\r\n\u3000").strip()


@lru_cache(maxsize=64)
def without_discord_markdown(quote: str) -> str | None:
    """The quote without the Discord markdown markers a quote pasted from a message has
    ("**Japan** __escorted__" → "Japan escorted", "> " block quotes); None when it has
    none. Inline markers are read only in a quote with at most MAX_MARKDOWN_MARKERS of
    them. Markers nest ("***x***"), so pairs are taken off until none is left; quotation
    marks they held are trimmed as `trim_quote` trims them ("**“…”**"). Kept for the last
    quotes: a /verify asks once for each edition it checks."""
    plain = _BLOCK_QUOTE.sub("", quote)
    if sum(map(plain.count, "*_~|`")) <= MAX_MARKDOWN_MARKERS:
        while (unwrapped := _INLINE_MARKDOWN.sub(r"\2", plain)) != plain:
            plain = unwrapped
    return trim_quote(plain) if plain != quote else None


def _location(paragraph: Paragraph, title: str, start: int, end: int) -> Location:
    sentences = split_sentences(paragraph.text) or [(0, len(paragraph.text))]
    first = max((s for s, _ in sentences if s <= start), default=0)
    last = min((e for _, e in sentences if e >= end), default=len(paragraph.text))
    return Location(
        paragraph.ref,
        paragraph.section_ref,
        title,
        paragraph.text[start:end],
        start,
        end,
        paragraph.text[first:last],
    )


def _located(pack: Pack, paragraph: Paragraph, start: int, end: int) -> Location:
    """`_location` under the title of the paragraph's section."""
    section = pack.sections.get(paragraph.section_ref)
    return _location(paragraph, section.title if section else "", start, end)


def _words(text: str) -> list[tuple[int, int, str]]:
    """Whitespace-separated words with offsets and their comparison key (case kept)."""
    found = []
    for m in _WORD.finditer(text):
        key = normalize(m.group(), fold_case=False).strip(_EDGE_PUNCTUATION)
        if key:
            found.append((m.start(), m.end(), key))
    return found


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    """True unless the span starts or ends inside a word ("apan" in "Japan")."""
    inside_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    inside_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not inside_start and not inside_end


def _quote_texts(pack: Pack) -> list[str]:
    texts = _QUOTE_TEXTS.get(id(pack))
    if texts is None:
        texts = [normalize(p.text, fold_case=False) for p in pack.paragraphs.values()]
        _QUOTE_TEXTS[id(pack)] = texts
        weakref.finalize(pack, _QUOTE_TEXTS.pop, id(pack), None)
    return texts


def _quote_key(quote: str) -> str:
    return " ".join(normalize(quote, fold_case=False).split())


def _verbatim(pack: Pack, quote: str) -> list[Location]:
    """Where the quote stands, at most once per paragraph."""
    texts = _quote_texts(pack)
    paragraphs = list(pack.paragraphs.values())
    key = _quote_key(quote)
    found: list[Location] = []
    for paragraph, text in zip(paragraphs, texts, strict=True):
        if key not in text:
            continue
        folded = fold_with_map(paragraph.text, fold_case=False)
        position = folded.text.find(key)
        while position >= 0:
            if _on_word_boundaries(folded.text, position, position + len(key)):
                start, end = folded.original_span(position, position + len(key))
                found.append(_located(pack, paragraph, start, end))
                break
            position = folded.text.find(key, position + 1)
        if len(found) >= MAX_MATCHES:
            break
    return found


def _across(pack: Pack, quote: str) -> list[Location]:
    """The quote's part in each paragraph when it runs on from one paragraph into the next
    of the same section (one paragraph break read as a space); [] when it does not."""
    texts = _quote_texts(pack)
    paragraphs = list(pack.paragraphs.values())
    key = _quote_key(quote)
    first = 0
    while first < len(paragraphs):
        last = first
        section_ref = paragraphs[first].section_ref
        while last + 1 < len(paragraphs) and paragraphs[last + 1].section_ref == section_ref:
            last += 1
        run = [t.strip() for t in texts[first : last + 1]]
        joined = " ".join(run)
        position = joined.find(key) if last > first else -1
        while position >= 0:
            end = position + len(key)
            if _on_word_boundaries(joined, position, end):
                found = _parts(pack, paragraphs[first : last + 1], run, position, end)
                if len(found) > 1:
                    return found
            position = joined.find(key, position + 1)
        first = last + 1
    return []


def _pieces(texts: list[str], start: int, end: int) -> list[tuple[int, int, int]]:
    """(which text, start, end within it) of the span start..end of `texts` joined by single
    spaces, for each text the span reaches."""
    found = []
    offset = 0
    for number, text in enumerate(texts):
        lo, hi = max(start, offset) - offset, min(end, offset + len(text)) - offset
        if lo < hi:
            found.append((number, lo, hi))
        offset += len(text) + 1
    return found


def _parts(
    pack: Pack, paragraphs: list[Paragraph], texts: list[str], start: int, end: int
) -> list[Location]:
    """The locations of the span start..end of `texts` (the paragraphs' normalised texts)
    joined by spaces, one per paragraph it reaches."""
    found: list[Location] = []
    for number, lo, hi in _pieces(texts, start, end):
        paragraph = paragraphs[number]
        folded = fold_with_map(paragraph.text, fold_case=False)
        at = folded.text.find(texts[number])  # the stripped text in the paragraph's folded one
        found.append(_located(pack, paragraph, *folded.original_span(at + lo, at + hi)))
    return found


def _loose_key(word: str) -> str:
    return "".join(c for c in normalize(word) if c.isalnum())


def _same_words(pack: Pack, quote: str) -> tuple[Location, str] | None:
    """The passage with the quote's words when only capitals or punctuation differ."""
    quote_keys = [k for k in (_loose_key(w) for w in quote.split()) if k]
    if not quote_keys:
        return None
    for paragraph in pack.paragraphs.values():
        words = [
            (m.start(), m.end(), _loose_key(m.group())) for m in _WORD.finditer(paragraph.text)
        ]
        words = [w for w in words if w[2]]
        keys = [w[2] for w in words]
        for i in range(len(keys) - len(quote_keys) + 1):
            if keys[i : i + len(quote_keys)] != quote_keys:
                continue
            start, end = words[i][0], words[i + len(quote_keys) - 1][1]
            location = _located(pack, paragraph, start, end)
            return location, _what_differs(quote, location.passage)
    return None


def _what_differs(quote: str, passage: str) -> str:
    def letters(text: str, fold: bool) -> str:
        # A word of punctuation alone ("> ", "...") leaves no letters, and no word.
        kept = (
            "".join(c for c in normalize(w, fold_case=fold) if c.isalnum()) for w in text.split()
        )
        return " ".join(w for w in kept if w)

    def spaced(text: str) -> str:
        return " ".join(normalize(text).split())

    if letters(quote, False) == letters(passage, False):
        return "punctuation"
    if spaced(quote) == spaced(passage):
        return "capitals"
    return "capitals and punctuation"


def is_too_short(quote: str) -> bool:
    """Fewer than MIN_QUOTE_WORDS words or MIN_QUOTE_CHARS characters."""
    return len(quote.split()) < MIN_QUOTE_WORDS or len(quote) < MIN_QUOTE_CHARS


def _align(
    quote: list[tuple[int, int, str]], text: list[tuple[int, int, str]]
) -> tuple[range, int] | None:
    """The run of `text` words the quote corresponds to (case-insensitive word matching),
    and how many quote words it matches."""
    matcher = difflib.SequenceMatcher(
        None, [w[2].casefold() for w in quote], [w[2].casefold() for w in text], autojunk=False
    )
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    gap = max(ALIGN_GAP_MIN, len(quote))
    core = max(range(len(blocks)), key=lambda i: blocks[i].size)
    first = last = core
    while first > 0 and blocks[first].b - (blocks[first - 1].b + blocks[first - 1].size) <= gap:
        first -= 1
    while (
        last + 1 < len(blocks) and blocks[last + 1].b - (blocks[last].b + blocks[last].size) <= gap
    ):
        last += 1
    matched = sum(b.size for b in blocks[first : last + 1])
    return range(blocks[first].b, blocks[last].b + blocks[last].size), matched


def _pair(quote_words: list[str], text_words: list[str]) -> list[DiffOp]:
    """Split an unequal replacement so one word pairs with its likeliest counterpart."""
    if len(quote_words) == len(text_words) or min(len(quote_words), len(text_words)) != 1:
        return [DiffOp("replaced", " ".join(quote_words), " ".join(text_words))]
    single, many = (
        (quote_words[0], text_words) if len(quote_words) == 1 else (text_words[0], quote_words)
    )

    def likeness(word: str) -> float:
        both_numbers = any(c.isdigit() for c in word) and any(c.isdigit() for c in single)
        return fuzz.ratio(word.casefold(), single.casefold()) + (100 if both_numbers else 0)

    best = max(range(len(many)), key=lambda i: (likeness(many[i]), -i))
    extra: DiffKind = "missing" if len(quote_words) == 1 else "removed"
    ops: list[DiffOp] = []
    if best > 0:
        before = " ".join(many[:best])
        ops.append(
            DiffOp(
                extra, before if extra == "removed" else "", before if extra == "missing" else ""
            )
        )
    q, t = (single, many[best]) if len(quote_words) == 1 else (many[best], single)
    ops.append(DiffOp("replaced", q, t))
    if best + 1 < len(many):
        after = " ".join(many[best + 1 :])
        ops.append(
            DiffOp(extra, after if extra == "removed" else "", after if extra == "missing" else "")
        )
    return ops


def word_diff(quote: str, passage: str) -> tuple[DiffOp, ...]:
    """Word-level differences from `quote` to `passage` (case and words count)."""
    q = [quote[s:e] for s, e, _ in _words(quote)]
    p = [passage[s:e] for s, e, _ in _words(passage)]
    q_keys = [k for _, _, k in _words(quote)]
    p_keys = [k for _, _, k in _words(passage)]
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(None, q_keys, p_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", " ".join(q[i1:i2]), " ".join(p[j1:j2])))
        elif tag == "delete":
            ops.append(DiffOp("removed", " ".join(q[i1:i2]), ""))
        elif tag == "insert":
            ops.append(DiffOp("missing", "", " ".join(p[j1:j2])))
        else:
            ops.extend(_pair(q[i1:i2], p[j1:j2]))
    return tuple(ops)


def verify_quote(source: SearchEngine | Pack, quote: str) -> Verdict:
    """Whether `quote` is verbatim in the chapter, where, and if not the closest passage."""
    engine = source if isinstance(source, SearchEngine) else SearchEngine.build(source)
    text = trim_quote(quote[:MAX_QUOTE_CHARS] if isinstance(quote, str) else "")
    unchecked = _unchecked(engine, text)
    if unchecked is not None:
        return unchecked
    return verbatim_in(engine.pack, text) or _nearest(engine, text)


def split_quote(quote: str, edition: int | None = None) -> QualifiedRef:
    """The edition to check a quote in first, and the quote: `edition` when given, else the
    one the quote names as a search's words do ("2023:…" or "…@2023"), else None."""
    if edition is not None:
        return QualifiedRef(edition, quote)
    return split_edition(quote, words=True)


def verify_in_library(library: LibrarySearch, quote: str, *, pack_key: str) -> LibraryVerdict:
    """`verify_quote` over a library: pack `pack_key` first, then the others, newest first.

    A quote verbatim in `pack_key` is answered from it, else from the newest other pack that
    holds it verbatim. A quote verbatim nowhere gets the closest passage among the pack's
    own paragraphs and those only other packs hold (the index /search reads for `pack_key`),
    the pack's own on a tie."""
    # The other chapters of the pack's edition are that edition: checked before the others.
    year = library.packs[pack_key].pack.manifest.edition_year
    same = [k for k in library.packs if k != pack_key and _year(library, k) == year]
    order = (pack_key, *same, *(k for k in library.packs if k != pack_key and k not in same))
    text = trim_quote(quote[:MAX_QUOTE_CHARS] if isinstance(quote, str) else "")
    unchecked = _unchecked(library.packs[pack_key].engine, text)
    if unchecked is not None:
        return LibraryVerdict(unchecked, pack_key, pack_key, checked=order)
    held = [(k, v) for k in order if (v := verbatim_in(library.packs[k].pack, text)) is not None]
    if held:
        (key, verdict), others = held[0], tuple((k, _first_ref(v)) for k, v in held[1:])
        elsewhere = _year(library, key) != year
        return LibraryVerdict(verdict, key, pack_key, others, order, elsewhere)
    reading = library.reading(pack_key)
    verdict = _nearest(reading.engine, text, reading.origins.keys())
    origin = reading.origins.get(verdict.closest.ref) if verdict.closest else None
    if origin is None:
        return LibraryVerdict(verdict, pack_key, pack_key, checked=order)
    # A passage only another pack holds: named by its own reference and section.
    key, paragraph = origin
    section = library.packs[key].pack.sections[paragraph.section_ref]

    def restored(at: Location) -> Location:
        return replace(at, ref=paragraph.ref, section_ref=section.ref, title=section.title)

    verdict = replace(
        verdict,
        matches=tuple(restored(m) for m in verdict.matches),
        closest=restored(verdict.closest) if verdict.closest else None,
    )
    elsewhere = _year(library, key) != year
    return LibraryVerdict(verdict, key, pack_key, checked=order, elsewhere=elsewhere)


def _first_ref(verdict: Verdict) -> str | None:
    """Where a verbatim quote starts: its first paragraph's reference."""
    return verdict.matches[0].ref if verdict.matches else None


def _year(library: LibrarySearch, pack_key: str) -> int:
    return library.packs[pack_key].pack.manifest.edition_year


def _unchecked(engine: SearchEngine, text: str) -> Verdict | None:
    """The verdict on an empty or too short (trimmed) quote: no verdict at all."""
    if not normalize(text).strip():
        return Verdict(text, False, suggestions=engine.suggest(""))
    if is_too_short(text):
        return Verdict(text, False, too_short=True)
    return None


def verbatim_in(pack: Pack, text: str) -> Verdict | None:
    """The verdict on a trimmed quote verbatim in `pack`, in paragraphs or across a paragraph
    break, as written or without the footnote markers the pack's pages have ("year*1."),
    then without Discord markdown markers ("**Japan**"): they are not words of the text.
    None when it is not. Reads the text only, no index."""
    plain = without_discord_markdown(text)
    for variant in (text, *([plain] if plain is not None else [])):
        found = _verbatim_as_written(pack, variant)
        unmarked = without_markers(variant, pack) if found is None else None
        if unmarked is not None:
            found = _verbatim_as_written(pack, unmarked)
        if found is not None:
            return replace(found, quote=text)
    return None


def _verbatim_as_written(pack: Pack, text: str) -> Verdict | None:
    matches = _verbatim(pack, text)
    if matches:
        return Verdict(text, True, tuple(matches), matches[0], 100.0)
    parts = _across(pack, text)
    if parts:
        return Verdict(text, True, tuple(parts), parts[0], 100.0, across=True)
    return None


def _nearest(engine: SearchEngine, text: str, foreign: Collection[str] = ()) -> Verdict:
    """The verdict on a trimmed quote verbatim nowhere: the passage with its words but other
    capitals or punctuation, else the closest passage, else not found (with suggestions).
    A paragraph in `foreign` (another edition's, in a library's reading index) is the closest
    only when it is strictly closer than any of the pack's own. Footnote markers the pack's
    pages have are left out of the comparison, and Discord markdown markers, as `verbatim_in`
    leaves them out."""
    quote, text = text, without_discord_markdown(text) or text
    text = without_markers(text, engine.pack) or text
    same = _same_words(engine.pack, text)
    if same is not None:
        location, differs = same
        similarity = round(fuzz.ratio(text, location.passage), 1)
        diff = word_diff(text, location.passage)
        return Verdict(quote, False, (), location, similarity, diff, differs_only_in=differs)
    quote_words = _words(text)
    best: tuple[tuple[float, bool], tuple[Location, ...], str] | None = None
    for result in engine.search(text, limit=CANDIDATE_PARAGRAPHS).results:
        paragraph = engine.pack.paragraphs[result.ref]
        # The paragraph alone, then with the one before or after it in its section: a quote
        # copied across a paragraph break with a slip is closest to the two together.
        for run in _runs_around(engine.pack, paragraph):
            joined = " ".join(p.text for p in run)
            words = _words(joined)
            aligned = _align(quote_words, words)
            if aligned is None or aligned[1] < min(MIN_MATCHED_WORDS, len(quote_words)):
                continue
            span, matched = aligned
            if matched < MIN_MATCHED_SHARE * len(quote_words):
                continue
            start, end = words[span.start][0], words[span.stop - 1][1]
            pieces = _run_parts(engine, run, start, end)
            if len(pieces) != len(run):
                continue  # a run counts only for a passage across its break
            similarity = fuzz.ratio(normalize(text), normalize(joined[start:end]))
            rank = (similarity, paragraph.ref not in foreign)
            if best is None or rank > best[0]:
                best = (rank, pieces, joined[start:end])
    if best is None or best[0][0] < CLOSE_MIN:
        return Verdict(quote, False, suggestions=engine.suggest(normalize(text)))
    (similarity, _), pieces, passage = best
    diff = word_diff(text, passage)
    if len(pieces) > 1:
        return Verdict(quote, False, pieces, pieces[0], round(similarity, 1), diff, across=True)
    return Verdict(quote, False, (), pieces[0], round(similarity, 1), diff)


def _runs_around(pack: Pack, paragraph: Paragraph) -> list[tuple[Paragraph, ...]]:
    """The paragraph alone, then with the paragraph before it and after it in its section."""
    siblings = pack.sections[paragraph.section_ref].paragraphs
    at = next(i for i, p in enumerate(siblings) if p.ref == paragraph.ref)
    runs: list[tuple[Paragraph, ...]] = [(paragraph,)]
    if at > 0:
        runs.append((siblings[at - 1], paragraph))
    if at + 1 < len(siblings):
        runs.append((paragraph, siblings[at + 1]))
    return runs


def _run_parts(
    engine: SearchEngine, run: tuple[Paragraph, ...], start: int, end: int
) -> tuple[Location, ...]:
    """The locations of start..end of the run's texts joined by spaces, one per paragraph
    it reaches."""
    texts = [p.text for p in run]
    return tuple(_located(engine.pack, run[n], lo, hi) for n, lo, hi in _pieces(texts, start, end))
