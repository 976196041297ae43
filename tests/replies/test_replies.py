"""Reply rendering without Discord: limits, escaping, pages that never cut mid-word."""

from __future__ import annotations

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.pack.model import Manifest, Pack
from bot.pack.parser import parse_chapter
from bot.replies import custom_ids
from bot.replies.common import clip, embed_size, highlight, split_words
from bot.replies.custom_ids import SEARCH, SECTION
from bot.replies.limits import CUSTOM_ID_MAX, EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX
from bot.replies.markdown import escape
from bot.replies.search import library_search_reply, result_buttons
from bot.replies.section import section_pages, section_reply, toc_reply
from cogs.buttons import SearchButton, SectionButton


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


def test_a_heading_that_would_end_a_page_starts_the_next_with_its_text():
    # Long enough that the heading of (2) falls last on page 1 when it is not kept with its text.
    filler = " ".join(f"word{i}" for i in range(EMBED_DESCRIPTION_MAX // 7 - 70))
    text = (
        "Chapter 9\n\nLong Chapter\n\nSection 1 Long Section\n\n1 Part\n\n(1) First\n\n"
        f"{filler}.\n\n(2) Second\n\n{filler}.\n"
    )
    pack = Pack(
        Manifest("T", 2030, 9, "Long Chapter", "en", "https://example.org/x"), parse_chapter(text)
    )
    heading = "**(2) Second** `9.1.1(2)`"
    pages = section_pages(pack.sections["9.1"])
    assert len(pages) >= 2
    ends = [p for p in pages if p.endswith(heading)]
    assert not ends, "a page ends with a heading"
    [starts] = [p for p in pages if heading in p]
    assert starts.startswith(heading) and "word0" in starts
    # Nothing is lost or doubled.
    assert " ".join(pages).count("word0 ") == 2


def _search_ids(
    owner: int, query: str, *, pack: str = "", total: int = 5, token: str | None = None
) -> dict[str, str]:
    """The ids of the buttons a search reply carries (bot/replies/search.py), by verb."""
    buttons = result_buttons(owner, 1, total, query, pack, whole=False, single=False, token=token)
    return {b.state.verb: b.custom_id for b in buttons if b.state and b.custom_id}


async def _pressed(custom_id: str):
    """What the bot reads from a pressed button: the DynamicItem whose template matches."""
    for cls, template in ((SearchButton, SEARCH), (SectionButton, SECTION)):
        match = template.fullmatch(custom_id)
        if match is not None:
            item = await cls.from_custom_id(None, discord.ui.Button(custom_id=custom_id), match)
            return item.state
    return None


async def test_button_ids_fit_discords_limit_and_round_trip():
    long_query = "q" * 500
    token = custom_ids.query_token(
        long_query, pack_key="", owner=123456789012345678, guild=5, key=b"k" * 32
    )
    ids = _search_ids(123456789012345678, long_query, total=10, token=token)
    assert set(ids) == {"p", "n", "w"}
    for verb, cid in ids.items():
        assert len(cid) <= CUSTOM_ID_MAX
        state = await _pressed(cid)
        assert state is not None and state.query is None
        assert state.token == token
        assert (state.owner, state.verb, state.limit, state.pack_key) == (
            123456789012345678,
            verb,
            10,
            "",
        )
    with pytest.raises(ValueError):  # a long query never goes into an id as itself
        _search_ids(1, long_query)
    short = await _pressed(_search_ids(1, "GCAP")["p"])
    assert short is not None and short.query == "GCAP" and short.token is None


async def test_a_search_id_carries_the_text_stamp_and_the_longest_fits():
    """The stamp of the library searched goes into the id (a press after the text changed
    says so); the longest id with a query in it, a two-digit chapter, a 20-digit owner and
    ten results, fits Discord's limit; a query one character longer goes as a token."""
    query = "q" * custom_ids.QUERY_IN_ID_MAX
    state = custom_ids.SearchState(10**20 - 1, "w", 9, 10, query, None, "2025-12", "0a1b2c")
    made = state.custom_id()
    assert len(made) == CUSTOM_ID_MAX and "/10#0a1b2c:" in made
    assert await _pressed(made) == state
    assert custom_ids.needs_token(query + "q")
    with pytest.raises(ValueError):
        custom_ids.SearchState(1, "w", 0, 5, "GCAP", None, "", "not hex").custom_id()


@pytest.mark.parametrize("pack_key", ["", "2025-3", "2024-1.b"])
async def test_every_button_state_round_trips_with_its_pack(pack_key):
    for state in (
        custom_ids.SearchState(42, "w", 2, 5, "territorial integrity", None, pack_key),
        custom_ids.SearchState(
            42,
            "e",
            0,
            3,
            None,
            custom_ids.query_token(
                "x" * 120, pack_key=pack_key, owner=42, guild=None, key=b"k" * 32
            ),
            pack_key,
        ),
        custom_ids.SectionState(42, "b", 0, "3.1.1(3)¶1", pack_key),
    ):
        again = await _pressed(state.custom_id())
        assert again == state
        assert again.pack_key == pack_key
    with pytest.raises(ValueError):
        custom_ids.SectionState(1, "p", 0, "3.1", "no spaces allowed").custom_id()


async def test_todays_ids_are_the_default_packs_ids(pack):
    # Buttons already out in Discord carry these ids: they parse, with pack "".
    assert _search_ids(7, "GCAP", total=3)["n"] == "bb:s:7:n2/3:GCAP"
    sections = [
        b.custom_id
        for row in section_reply(pack, pack.sections["3.1.1"], owner=7).buttons
        for b in row
    ]
    assert "bb:sec:7:n1:3.1.1" in sections
    old = await _pressed("bb:s:7:w0/5:query: with a colon")
    assert old is not None and old.query == "query: with a colon" and old.pack_key == ""
    # An in-memory token of the old versions parses as a token storage will not know.
    token = await _pressed("bb:s:7:n1/5:~0123456789ab")
    assert token is not None and token.token == "~0123456789ab" and token.query is None
    assert await _pressed("bb:s:7:x1/5:q") is None


def test_a_long_querys_token_is_keyed_by_pack_owner_and_guild():
    key = b"k" * 32

    def token(
        query: str, owner: int = 1, pack_key: str = "", guild: int | None = 9, key: bytes = key
    ) -> str | None:
        return custom_ids.query_token(query, pack_key=pack_key, owner=owner, guild=guild, key=key)

    first, second = "w" * 300, "x" * 300
    assert token(first) == token(first)  # one search, one token for all its buttons
    assert token(second) != token(first)
    assert token(first, owner=2) != token(first)
    assert token(first, pack_key="2025-3") != token(first)
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
    from bot.served import ServedLibrary

    library = ServedLibrary.load(None)
    packs = {k: p.pack for k, p in library.packs.items()}
    seen = set()
    for query in ("GCAP", "security", "territorial integrity", "Japan", "alliance", "NSS"):
        response = library.search(query, pack_key=library.newest_key, limit=5)
        for index, found in enumerate(response.results):
            result = found.result
            labels = _labels(library_search_reply(packs, response, owner=1, index=index))
            pages = ["◀ Previous", "Next ▶"] if len(response.results) > 1 else []
            whole = (
                [] if result.excerpt.strip() == result.paragraph.strip() else ["Whole paragraph"]
            )
            assert labels == pages + whole, (query, index)
            seen.add((bool(pages), bool(whole)))
            # Showing the whole paragraph always offers the way back.
            whole_reply = library_search_reply(packs, response, owner=1, index=index, whole=True)
            assert _labels(whole_reply)[-1] == "Excerpt"
    assert (False, True) in seen and (True, True) in seen  # both kinds were exercised


def test_no_fact_on_a_topic_lists_topics_only_when_there_are_some() -> None:
    import dataclasses

    from bot.pack.loader import load_pack
    from bot.replies.facts import fact_reply

    pack = load_pack()
    untagged = dataclasses.replace(
        pack, facts=tuple(dataclasses.replace(f, tags=()) for f in pack.facts)
    )
    text = fact_reply(untagged, None, topic="zzz", ephemeral=False).embeds[0]["description"]
    assert text == "No fact on **zzz**."
    tagged = fact_reply(pack, None, topic="zzz", ephemeral=False).embeds[0]["description"]
    assert "Topics include: `" in tagged
    # The shipped page's facts have 56 topics: 20 are named, and the rest counted.
    assert tagged.split(" and 36 more")[0].count("`") == 2 * 20
    assert tagged.endswith(" and 36 more (`topic` offers them as you type).")


def test_fact_topics_offer_what_was_typed_starts_first() -> None:
    from bot.facts import fact_topics
    from bot.pack.loader import load_pack

    facts = load_pack().facts
    assert fact_topics(facts, "gc") == ["GCAP"]
    found = fact_topics(facts, "def")
    assert found[:2] == ["defense", "defense equipment"] and "active cyber defense" in found
    assert len(fact_topics(facts)) == 56 and len(fact_topics(facts, limit=25)) == 25


def test_stats_title_counts_days_in_words() -> None:
    from bot.replies.stats import stats_reply
    from bot.storage.stats import UsageSummary

    def title(days: int) -> str:
        summary = UsageSummary(days, 0.0, 0.0, 0, {}, {}, (), (), (), None, None, (), 0)
        return stats_reply(summary, None).embeds[0]["title"]

    assert title(1) == "Usage over the last day"
    assert title(30) == "Usage over the last 30 days"


def test_stats_says_that_events_not_logged_are_counted_for_all_servers() -> None:
    """A server's /stats counts only its own events, but the events the writer dropped were
    never filed by server: the reply says the count is every server's."""
    from bot.replies.stats import stats_reply
    from bot.storage.stats import UsageSummary

    def description(dropped: int) -> str:
        summary = UsageSummary(7, 0.0, 0.0, 0, {}, {}, (), (), (), None, None, (), dropped)
        return str(stats_reply(summary, None).embeds[0]["description"])

    assert "not logged" not in description(0)
    assert "3 not logged (all servers)" in description(3)


def test_stats_cut_at_its_largest_top_names_no_operator_command() -> None:
    """A list cut at `top:25` says how many more ("… and N more"); the footer offers
    `top:25` below that, and nothing at it: `bluebook-bot stats` is the operator's command
    over every server's data, not a server admin's."""
    from bot.replies.stats import stats_reply
    from bot.storage.stats import MAX_TOP_N, UsageSummary

    def reply(top_n: int) -> dict:
        misses = tuple((f"word{n}", 1) for n in range(top_n))
        summary = UsageSummary(
            7, 0.0, 0.0, 0, {}, {}, (), (), misses, None, None, (), 0,
            no_result_more=3, top_n=top_n,
        )  # fmt: skip
        return stats_reply(summary, None).embeds[0]

    cut = reply(MAX_TOP_N)
    field = next(f for f in cut["fields"] if f["name"] == "Queries that found nothing")
    assert field["value"].endswith("… and 3 more")
    assert "bluebook-bot" not in cut["footer"]["text"] and "--top" not in cut["footer"]["text"]
    assert "More rows" not in cut["footer"]["text"]
    assert "/stats top:25" in reply(10)["footer"]["text"]


def test_a_section_shows_its_footnotes_after_its_paragraphs_and_a_lone_paragraph_none() -> None:
    """/section shows a section's footnotes (the page prints them at its end; the parser
    gives each to the section whose text carries its marker), verbatim and set apart."""
    from bot.pack.pages import PageId
    from bot.pack.parser import PageText, parse_pages

    text = (
        "Chapter 3\n\nT\n\nSection 1 S\n\n1 Heading\n\nBody.\n\n(1) Sub\n\n"
        "Japan led talks with 12 members*1.\n\nA second paragraph.\n\n"
        "1 Counted by the Ministry of Defense.\n"
    )
    root, _ = parse_pages([PageText.from_text(text, "c030101.txt", PageId.parse("c030101"))])
    pack = Pack(Manifest("B", 2025, 3, "T", "en", "https://example.org/x"), root)
    sub = pack.sections["3.1.1(1)"]
    shown = section_reply(pack, sub, owner=1).embeds[0]["description"]
    assert "`¶1` Japan led talks with 12 members." in shown
    assert shown.endswith("`*1` *Counted by the Ministry of Defense.*")
    whole = section_reply(pack, pack.sections["3.1.1"], owner=1).embeds[0]["description"]
    assert "`*1` *Counted by the Ministry of Defense.*" in whole
    alone = section_reply(pack, sub, owner=1, paragraph=sub.paragraphs[0]).embeds[0]
    assert "Counted" not in alone["description"]
