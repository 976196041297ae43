"""Reply rendering without Discord: limits, escaping, pages that never cut mid-word."""

from __future__ import annotations

import pytest
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
    token = custom_ids.query_token(
        long_query, pack="", owner=123456789012345678, guild=5, key=b"k" * 32
    )
    cid = custom_ids.search(123456789012345678, "n", 3, 10, long_query, token=token)
    assert len(cid) <= CUSTOM_ID_MAX
    state = custom_ids.SearchState.parse(cid)
    assert state is not None and state.query is None
    assert state.token == token
    with pytest.raises(ValueError):  # a long query never goes into an id as itself
        custom_ids.search(1, "n", 3, 10, long_query)
    assert (state.owner, state.verb, state.index, state.limit, state.pack) == (
        123456789012345678,
        "n",
        3,
        10,
        "",
    )
    short = custom_ids.SearchState.parse(custom_ids.search(1, "p", 0, 5, "GCAP"))
    assert short is not None and short.query == "GCAP" and short.token is None


@pytest.mark.parametrize("pack", ["", "2025-3", "2024-1.b"])
def test_every_button_state_round_trips_with_its_pack(pack):
    for state in (
        custom_ids.SearchState.make(42, "w", 2, 5, "territorial integrity", pack=pack),
        custom_ids.SearchState.make(
            42,
            "e",
            0,
            3,
            "x" * 120,
            pack=pack,
            token=custom_ids.query_token("x" * 120, pack=pack, owner=42, guild=None, key=b"k" * 32),
        ),
        custom_ids.SectionState(42, "b", 0, "3.1.1(3)¶1", pack),
    ):
        again = type(state).parse(state.custom_id())
        assert again == state
        assert again.pack == pack
    with pytest.raises(ValueError):
        custom_ids.SectionState(1, "p", 0, "3.1", "no spaces allowed").custom_id()


def test_todays_ids_are_the_default_packs_ids():
    # Buttons already out in Discord carry these ids: they parse, with pack "".
    assert custom_ids.search(7, "n", 1, 3, "GCAP") == "bb:s:7:n1/3:GCAP"
    assert custom_ids.section(7, "f", 0, "3.1.2") == "bb:sec:7:f0:3.1.2"
    old = custom_ids.SearchState.parse("bb:s:7:w0/5:query: with a colon")
    assert old is not None and old.query == "query: with a colon" and old.pack == ""
    # An in-memory token of the old versions parses as a token storage will not know.
    token = custom_ids.SearchState.parse("bb:s:7:n1/5:~0123456789ab")
    assert token is not None and token.token == "~0123456789ab" and token.query is None
    assert custom_ids.SearchState.parse("bb:s:7:x1/5:q") is None


def test_a_long_querys_token_is_keyed_by_pack_owner_and_guild():
    key = b"k" * 32

    def token(
        query: str, owner: int = 1, pack: str = "", guild: int | None = 9, key: bytes = key
    ) -> str | None:
        return custom_ids.query_token(query, pack=pack, owner=owner, guild=guild, key=key)

    first, second = "w" * 300, "x" * 300
    assert token(first) == token(first)  # one search, one token for all its buttons
    assert token(second) != token(first)
    assert token(first, owner=2) != token(first)
    assert token(first, pack="2025-3") != token(first)
    assert token(first, guild=10) != token(first)
    assert token(first, guild=None) != token(first)
    # Without the installation's key nobody can confirm what a token stands for.
    assert token(first, key=b"") != token(first)
    assert token(first, key=b"j" * 32) != token(first)
    # A short query that looks like a token is stored too, never read as one.
    assert token("~abc") is not None
    assert token("GCAP") is None


def test_toc_stays_within_the_total_embed_limit(pack):
    reply = toc_reply(pack)
    assert sum(embed_size(e) for e in reply.embeds) <= EMBED_TOTAL_MAX
    assert "3.1.1(3)" in reply.embeds[0]["description"]


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
