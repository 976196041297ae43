"""A reproducible synthetic Bluebook: the real chapter hidden among generated sections.

The text goes through the same parser as the shipped chapter, so refs such as 3.1.1(3)¶1
stay the same and the distractors are real paragraphs of the pack. Distractor sentences mix
common English, words that are common in the chapter ("Japan", "security", "defense") and a
Zipf-distributed vocabulary of tens of thousands of made-up words, so the chapter's words are
not trivially rare. The same seed gives the same text, byte for byte.
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.pack.loader import load_pack, shipped_content_dir
from bot.pack.model import Pack
from bot.pack.parser import parse_chapter

DEFAULT_SEED = 20250301
VOCABULARY_SIZE = 40_000

_COMMON_ENGLISH_TEXT = """
the of and to in a is that for it as was with be by on not he this are or his from at
which but have an they you were her she there been one all we their has would when if
more will no out so said what up its about than into them can only other new some could
time these two may then do first any my now such like our over man me even most made
after also did many before must through back years where much your way well down should
because each just those people how too little state good very make world still own see
men work long get here between both life being under never day same another know while
last might us great old year off come since against go came right used take three
"""
COMMON_ENGLISH = _COMMON_ENGLISH_TEXT.split()

_CHAPTER_WORDS_TEXT = """
Japan Japan's security international community cooperation peace stability government
policy development countries region regional economic support efforts relations
diplomatic national defense forces military strategy global partners dialogue agreement
meeting leaders summit Ministry Foreign Affairs United States Nations issues
environment maritime technology capabilities order law situation Indo-Pacific alliance
U.S. cyber measures framework
"""
CHAPTER_WORDS = _CHAPTER_WORDS_TEXT.split()

# A heading must not end in a full stop ("U.S.") or the parser reads it as a paragraph.
_TITLE_WORDS = [w for w in CHAPTER_WORDS if w.isalpha()]

_ONSETS_TEXT = """
b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr st sp ch sh th pl gl
"""
_ONSETS = _ONSETS_TEXT.split()
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "ei"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "t", "nd", "st"]

# Shares of each word source in a distractor sentence.
SHARE_ENGLISH = 0.45
SHARE_CHAPTER = 0.12
PARAGRAPHS_PER_SUBSECTION = (2, 6)
SUBSECTIONS_PER_NUMBER = 9
NUMBERS_PER_SECTION = 9


def chapter_text() -> str:
    """The shipped chapter, as the parser reads it."""
    return (Path(shipped_content_dir()) / "chapter.txt").read_text(encoding="utf-8")


def made_up_words(rng: random.Random, count: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.randint(2, 4)
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        words.setdefault(word)
    return list(words)


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = made_up_words(self.rng, VOCABULARY_SIZE)
        # Zipf: the k-th made-up word is k times rarer than the first.
        self.cumulative: list[float] = []
        total = 0.0
        for rank in range(1, len(self.vocabulary) + 1):
            total += 1.0 / rank
            self.cumulative.append(total)

    def word(self) -> str:
        roll = self.rng.random()
        if roll < SHARE_ENGLISH:
            return self.rng.choice(COMMON_ENGLISH)
        if roll < SHARE_ENGLISH + SHARE_CHAPTER:
            return self.rng.choice(CHAPTER_WORDS)
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative)[0]

    def sentence(self) -> str:
        words = [self.word() for _ in range(self.rng.randint(8, 26))]
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(1, len(words)), str(self.rng.randint(1990, 2025)))
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))

    def title(self) -> str:
        words = [self.rng.choice(self.vocabulary) for _ in range(self.rng.randint(1, 3))]
        words.append(self.rng.choice(_TITLE_WORDS))
        return " ".join(w[:1].upper() + w[1:] for w in words)


def synthetic_chapter(
    size_mb: float | None = None, paragraphs: int | None = None, seed: int = DEFAULT_SEED
) -> str:
    """The real chapter followed by generated sections, until `size_mb` (UTF-8) or
    `paragraphs` distractor paragraphs are reached, whichever comes first."""
    if size_mb is None and paragraphs is None:
        raise ValueError("give size_mb or paragraphs")
    target_bytes = int(size_mb * 1_000_000) if size_mb is not None else None
    writer = _Writer(seed)
    lines = [chapter_text().rstrip("\n"), ""]
    size = len(lines[0].encode("utf-8"))
    written = 0

    def done() -> bool:
        return (target_bytes is not None and size >= target_bytes) or (
            paragraphs is not None and written >= paragraphs
        )

    for section in range(2, 100):
        lines += [f"Section {section} {writer.title()}", ""]
        for number in range(1, NUMBERS_PER_SECTION + 1):
            lines += [f"{number} {writer.title()}", ""]
            for sub in range(1, SUBSECTIONS_PER_NUMBER + 1):
                lines += [f"({sub}) {writer.title()}", ""]
                for _ in range(writer.rng.randint(*PARAGRAPHS_PER_SUBSECTION)):
                    text = writer.paragraph()
                    lines += [text, ""]
                    size += len(text) + 2
                    written += 1
                    if done():
                        return "\n".join(lines)
    return "\n".join(lines)


def synthetic_pack(
    size_mb: float | None = None, paragraphs: int | None = None, seed: int = DEFAULT_SEED
) -> Pack:
    """A Pack of `synthetic_chapter`, with the shipped pack's manifest and glossary."""
    shipped = load_pack()
    root = parse_chapter(synthetic_chapter(size_mb, paragraphs, seed))
    return Pack(manifest=shipped.manifest, root=root, glossary=shipped.glossary)
