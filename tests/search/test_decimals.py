"""A decimal typed ("1.5") is no search for its digits apart: a paragraph with a 5 in it is
not an answer to "1.5 degrees" (trial 8)."""

from __future__ import annotations

from bot.search import SearchEngine
from tests.search.conftest import make_pack

BODY = """Section 1 Test Section

1 Numbers

(1) Coast Guards

Japan trained 5 coast guard crews from partner countries.

(2) Climate Finance

Japan pledged 1.5 billion dollars for adaptation in island states.
"""


def _refs(query: str) -> list[str]:
    engine = SearchEngine.build(make_pack(BODY))
    return [r.ref for r in engine.search(query).results]


def test_the_digits_of_a_decimal_are_found_together_or_not_at_all() -> None:
    """A 5 alone (3.1.1(1)¶1) is no answer to 1.5; the paragraph with 1.5 is."""
    assert _refs("1.5 degrees") == ["3.1.1(2)¶1"]
    assert _refs("1.5") == ["3.1.1(2)¶1"]
    assert _refs("2.5 degrees") == []
    assert _refs("3.1.1") == []


def test_a_decimal_with_words_the_text_has_finds_them() -> None:
    assert _refs("1.5 billion")[0] == "3.1.1(2)¶1"
    assert _refs("5 coast guard crews")[0] == "3.1.1(1)¶1"
