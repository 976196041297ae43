"""The shipped glossary's chapter-wide terms: an acronym finds its spelled-out form and back."""

import pytest

from bot.pack.loader import load_pack
from bot.search.engine import SearchEngine

from .conftest import make_pack

BODY = """Section 1 Sample Section

1 Sample Part

(1) United Nations

Japan served on the UN Security Council as a non-permanent member and called for its reform.

Filler about fisheries cooperation with coastal states and training programmes.

(2) Defense Cooperation

Japan and the partner signed a Reciprocal Access Agreement to ease joint exercises.

(3) Health

The spread of COVID-19 slowed travel and trade across the region.

(4) Disarmament

Japan supports the early entry into force of the CTBT and a world without nuclear weapons.
"""


@pytest.fixture(scope="module")
def engine():
    return SearchEngine.build(make_pack(BODY, load_pack().glossary))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("UNSC", "3.1.1(1)¶1"),
        ("RAA", "3.1.1(2)¶1"),
        ("coronavirus", "3.1.1(3)¶1"),
        ("Comprehensive Nuclear-Test-Ban Treaty", "3.1.1(4)¶1"),
    ],
)
def test_an_acronym_finds_its_spelled_out_form_and_back(engine, query, expected):
    results = engine.search(query).results
    assert results and results[0].ref == expected, [r.ref for r in results]
