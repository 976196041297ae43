"""Raw user text never breaks search: operators, quotes, Unicode, huge input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.search import SearchEngine, SearchResponse
from bot.search.engine import MAX_LIMIT

AWKWARD = [
    "U.S.",
    "GCAP:",
    "peace-keeping",
    '"',
    "(",
    ")",
    "*",
    "-",
    "OR",
    "AND",
    "NOT",
    "NEAR",
    "NEAR/3",
    "^",
    ":",
    "'",
    "“",
    "”",
    "\u200b",
    "\u200f",
    "\u202e",
    "🇯🇵",
    "👍🏽",
    "שלום",
    "مرحبا",
    "ＧＣＡＰ",
    "e\u0301",
    "\x00",
    "\t",
    "\n",
    "NSS",
    "defence",
    "terittorial",
    "UN",
    "US",
    "{}",
    "[",
    "\\",
    "%",
    "_",
    "..",
    "U.S",
    "Japan's",
]
queries = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(AWKWARD), max_size=30).map(" ".join),
    st.lists(st.sampled_from(AWKWARD), max_size=30).map("".join),
)


def well_formed(response: SearchResponse, limit: int) -> None:
    assert isinstance(response.normalized, str)
    assert len(response.results) <= max(1, min(limit, MAX_LIMIT))
    for r in response.results:
        assert r.excerpt and r.excerpt in r.paragraph
        assert all(0 <= s < e <= len(r.excerpt) for s, e in r.spans)
        assert list(r.spans) == sorted(r.spans)
    if not response.results:
        assert all(isinstance(s, str) and s for s in response.suggestions)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries, limit=st.integers(min_value=-5, max_value=100))
def test_never_raises_and_stays_well_formed(engine: SearchEngine, query: str, limit: int) -> None:
    well_formed(engine.search(query, limit=limit), limit)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=queries)
def test_distractor_corpus_too(distractor_engine: SearchEngine, query: str) -> None:
    well_formed(distractor_engine.search(query), 5)


def test_edge_cases(engine: SearchEngine) -> None:
    for query in ["", "   ", "\u200b\u200b", "*", '"', "(", "-", "OR", "NEAR"]:
        response = engine.search(query)
        well_formed(response, 5)
        assert response.results == ()
    huge = "security " * 1250  # 10,000 characters
    well_formed(engine.search(huge), 5)
    assert engine.search(huge).results


def test_whole_chat_message_finds_its_paragraph(
    engine: SearchEngine, distractor_engine: SearchEngine
) -> None:
    message = (
        "hey all, quick q before the meeting tmrw — I remember the bluebook said something "
        "like japan escorted US forces and other troops a total of 137 times between 2017 "
        "and 2023, incl. ballistic missile warnings?? can someone confirm the exact wording "
        "so we can cite it properly in the brief. thx!! " * 6
    )[:2000]
    for chosen in (engine, distractor_engine):
        assert chosen.search(message).results[0].ref == "3.1.1(2)¶2"
