"""The word-position test before a phrase's substring test (`SearchEngine._close`) may only
leave out paragraphs without the phrase: every run of words of a paragraph, stop words and
compounds included, must keep that paragraph."""

from __future__ import annotations

import pytest

from bench.sample_library import sample_library_pack
from bot.pack.loader import load_pack
from bot.search import SearchEngine
from tests.search.conftest import make_pack

# Compounds (their joined term sits between their parts and the next word), stop words in
# compounds and between words, clitics, dotted acronyms, repeated words.
AWKWARD = """3.1 Awkward Words

The state-of-the-art peace-keeping operations of the U.S.-Japan alliance go on.

On-the-ground co-operation is what Japan's and the U.S.'s forces don't lack at all.

A well-known long-term plan of the of the Self-Defense Forces: defence of a free and open
Indo-Pacific, and the Japan-U.S. Security Treaty, year-on-year, in-and-out, x-ray-free.

Peace peace-keeping peace keeping peacekeeping keeping-peace, the the, and and-or or.
"""


def _runs(engine: SearchEngine, longest: int = 5) -> list[tuple[int, str]]:
    """Every run of two to `longest` words of every paragraph's phrase string."""
    found = []
    for doc, text in enumerate(engine._phrases):
        words = text.split()
        for at in range(len(words)):
            for size in range(2, longest + 1):
                if at + size <= len(words):
                    found.append((doc, " " + " ".join(words[at : at + size]) + " "))
    return found


@pytest.mark.parametrize(
    "pack",
    [make_pack(AWKWARD), load_pack(), sample_library_pack()],
    ids=["awkward words", "page", "sample pages"],
)
def test_every_paragraph_with_the_phrase_is_kept(pack) -> None:  # type: ignore[no-untyped-def]
    engine = SearchEngine.build(pack)
    tested = 0
    for doc, phrase in _runs(engine):
        close = engine._close(phrase)
        if close is None:
            continue  # fewer than two words but stop words: nothing to test
        assert close[doc], phrase
        tested += 1
    assert tested > 50


def test_paragraphs_without_the_words_close_are_left_out() -> None:
    engine = SearchEngine.build(make_pack(AWKWARD))
    close = engine._close(" operations alliance ")
    assert close is not None and not close.any()
    close = engine._close(" peace keeping ")
    assert close is not None and close.sum() == 2
