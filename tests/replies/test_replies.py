"""Reply rendering without Discord: limits, escaping, pages that never cut mid-word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.pack.model import Manifest, Pack
from bot.pack.parser import parse_chapter
from bot.replies import custom_ids
from bot.replies.common import (
    CUSTOM_ID_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    clip,
    embed_size,
    escape,
    highlight,
    split_words,
)
from bot.replies.section import section_pages, section_reply, toc_reply


def test_escape_breaks_mentions_and_markdown():
    text = escape("@everyone **bold** <@123> `code`")
    assert "@everyone" not in text
    assert "<@123>" not in text
    assert "\\*\\*bold\\*\\*" in text


def test_highlight_bolds_spans_and_escapes_the_rest():
    assert highlight("a *b* GCAP c", [(6, 10)]) == "a \\*b\\* **GCAP** c"
    assert highlight("abc", [(5, 9), (1, 1)]) == "abc"
    assert highlight("abcdef", [(0, 3), (2, 5)]) == "**abcde**f"
    assert highlight("Global Combat Air", [(0, 6), (7, 13)]) == "**Global Combat** Air"


@given(st.text(max_size=300), st.integers(min_value=10, max_value=100))
def test_clip_fits_and_keeps_a_prefix(text, limit):
    out = clip(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    else:
        assert text.startswith(out[:-1].rstrip())


@given(
    st.text(alphabet=st.sampled_from("ab cd\n"), max_size=2000),
    st.integers(min_value=5, max_value=300),
)
def test_split_words_never_loses_words(text, limit):
    pieces = split_words(text, limit)
    assert all(len(p) <= limit for p in pieces)
    # Words survive whole unless one alone is longer than a piece.
    assert "".join("".join(pieces).split()) == "".join(text.split())
    if all(len(w) <= limit for w in text.split()):
        assert " ".join(pieces).split() == text.split()


def _long_pack() -> Pack:
    words = " ".join(f"word{i}" for i in range(3000))
    text = f"Chapter 9\n\nLong Chapter\n\nSection 1 Long Section\n\n{words}.\n\nSecond paragraph.\n"
    return Pack(
        Manifest("T", 2030, 9, "Long Chapter", "en", "https://example.org/x"), parse_chapter(text)
    )


def test_long_section_is_split_across_pages_without_losing_text():
    pack = _long_pack()
    section = pack.sections["9.1"]
    pages = section_pages(section)
    assert len(pages) >= 2
    assert all(len(p) <= EMBED_DESCRIPTION_MAX for p in pages)
    joined = " ".join(pages)
    for i in (0, 1500, 2999):
        assert f"word{i}" in joined
    reply = section_reply(pack, section, owner=1, page=1)
    embed = reply.embeds[0]
    assert f"page 2 of {len(pages)}" in embed["footer"]["text"]
    assert embed_size(embed) <= EMBED_TOTAL_MAX


def test_button_ids_fit_discords_limit_and_round_trip():
    long_query = "q" * 500
    cid = custom_ids.search(123456789012345678, "n", 3, 10, long_query)
    assert len(cid) <= CUSTOM_ID_MAX
    match = custom_ids.SEARCH.fullmatch(cid)
    assert match is not None
    assert custom_ids.query_from_token(match["query"]) == long_query
    short = custom_ids.search(1, "p", 0, 5, "GCAP")
    assert custom_ids.SEARCH.fullmatch(short)["query"] == "GCAP"


def test_the_buttons_of_one_long_query_share_one_token():
    def token(verb: str, query: str) -> str:
        match = custom_ids.SEARCH.fullmatch(custom_ids.search(1, verb, 0, 5, query))
        assert match is not None
        return match["query"]

    first, second = "w" * 300, "x" * 300
    assert token("p", first) == token("n", first) == token("w", first)
    assert token("p", second) != token("p", first)
    assert custom_ids.query_from_token(token("n", second)) == second


def test_toc_stays_within_the_total_embed_limit(pack):
    reply = toc_reply(pack)
    assert sum(embed_size(e) for e in reply.embeds) <= EMBED_TOTAL_MAX
    assert "3.1.1(3)" in reply.embeds[0]["description"]


def test_a_forgotten_long_query_gets_a_fresh_token_that_works(monkeypatch):
    monkeypatch.setattr(custom_ids, "_KEPT_QUERIES", 2)
    queries = [c * 300 for c in "abc"]
    tokens = [
        custom_ids.SEARCH.fullmatch(custom_ids.search(1, "n", 0, 5, q))["query"] for q in queries
    ]
    assert custom_ids.query_from_token(tokens[0]) is None  # forgotten: the button says expired
    again = custom_ids.SEARCH.fullmatch(custom_ids.search(1, "n", 0, 5, queries[0]))["query"]
    assert again != tokens[0]
    assert custom_ids.query_from_token(again) == queries[0]


def _labels(reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row]


def test_search_buttons_are_only_those_that_do_something(pack):
    from bot.replies.search import search_reply
    from bot.search import SearchEngine

    engine = SearchEngine.build(pack)
    seen = set()
    for query in ("GCAP", "security", "territorial integrity", "Japan", "alliance", "NSS"):
        response = engine.search(query, limit=5)
        for index, result in enumerate(response.results):
            labels = _labels(search_reply(pack, response, owner=1, index=index))
            pages = ["◀ Previous", "Next ▶"] if len(response.results) > 1 else []
            whole = (
                [] if result.excerpt.strip() == result.paragraph.strip() else ["Whole paragraph"]
            )
            assert labels == pages + whole, (query, index)
            seen.add((bool(pages), bool(whole)))
            # Showing the whole paragraph always offers the way back.
            assert _labels(search_reply(pack, response, owner=1, index=index, whole=True))[-1] == (
                "Excerpt"
            )
    assert (False, True) in seen and (True, True) in seen  # both kinds were exercised
