from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.pack.model import Pack
from bot.search import SearchEngine
from bot.search.verify import (
    DiffOp,
    trim_quote,
    verify_quote,
    without_discord_markdown,
    word_diff,
)


def test_misquoted_number_shows_the_closest_passage_and_the_difference(
    engine: SearchEngine,
) -> None:
    verdict = verify_quote(engine, "Japan escorted the U.S. Forces 200 times")
    assert not verdict.verbatim
    assert verdict.closest is not None
    assert verdict.closest.ref == "3.1.1(2)¶2"
    assert "137 times" in verdict.closest.passage
    assert verdict.closest.passage in engine.pack.paragraphs["3.1.1(2)¶2"].text
    assert verdict.closest.sentence.startswith("For example, from 2017")
    assert DiffOp("replaced", "200", "137") in verdict.diff
    assert verdict.diff[0] == DiffOp(
        "equal", "Japan escorted the U.S. Forces", "Japan escorted the U.S. Forces"
    )


def test_verbatim_sentence_is_found_where_it_stands(engine: SearchEngine, pack: Pack) -> None:
    quote = "Maintaining territorial integrity is a fundamental responsibility of the Government."
    verdict = verify_quote(engine, quote)
    assert verdict.verbatim
    assert [m.ref for m in verdict.matches] == ["3.1.1(3)¶1"]
    match = verdict.matches[0]
    assert pack.paragraphs["3.1.1(3)¶1"].text[match.start : match.end] == match.passage == quote


def test_quotes_dashes_and_spaces_do_not_matter_but_case_and_words_do(pack: Pack) -> None:
    straight = '"Japan\'s policy to resolutely protect its land,   sea and air space"'
    verdict = verify_quote(pack, straight)
    assert verdict.verbatim
    assert (
        verdict.matches[0].passage
        == "Japan's policy to resolutely protect its land, sea and air space"
    )
    dash = "Global Combat Air Programme - GCAP International Government Organisation"
    assert verify_quote(pack, dash).verbatim
    lower = verify_quote(pack, "maintaining territorial integrity is a fundamental responsibility")
    assert not lower.verbatim
    assert lower.closest is not None and lower.closest.ref == "3.1.1(3)¶1"
    assert DiffOp("replaced", "maintaining", "Maintaining") in lower.diff
    changed = verify_quote(pack, "The Japan-U.S. Alliance is weaker than it has ever been")
    assert not changed.verbatim
    assert DiffOp("replaced", "weaker", "stronger") in changed.diff


def test_unrelated_text_is_not_given_a_passage(engine: SearchEngine) -> None:
    for quote in ["hello world", "the weather in Paris is lovely today", ""]:
        verdict = verify_quote(engine, quote)
        assert not verdict.verbatim and verdict.closest is None and verdict.diff == ()


def test_word_diff_marks_added_and_missing_words() -> None:
    ops = word_diff(
        "Japan will continue to firmly maintain", "Japan will continue to maintain its stance"
    )
    kinds = [op.kind for op in ops]
    assert "removed" in kinds and "missing" in kinds
    assert DiffOp("removed", "firmly", "") in ops
    assert DiffOp("missing", "", "its stance") in ops


def test_trim_quote() -> None:
    assert trim_quote("  “It said so.”  ") == "It said so."
    assert trim_quote("'\"x\"'") == "x"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    quote=st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "Japan",
                    "escorted",
                    "the",
                    "U.S.",
                    "Forces",
                    "137",
                    "“",
                    "”",
                    "-",
                    "–",
                    "\u200b",
                    "times",
                    "GCAP",
                    "🇯🇵",
                    "שלום",
                    "(",
                    "*",
                    "  ",
                    "\n",
                    "Government.",
                ]
            ),
            max_size=40,
        ).map(" ".join),
    )
)
def test_never_raises(engine: SearchEngine, quote: str) -> None:
    verdict = verify_quote(engine, quote)
    paragraphs = engine.pack.paragraphs
    for location in (*verdict.matches, *([verdict.closest] if verdict.closest else [])):
        text = paragraphs[location.ref].text
        assert text[location.start : location.end] == location.passage
        assert location.passage in location.sentence
    if verdict.verbatim:
        assert verdict.matches and verdict.similarity == 100.0
    assert 0.0 <= verdict.similarity <= 100.0


@pytest.mark.parametrize("quote", ["the", "x", "apan", "Japan escorted", "the U.S. Forces"])
def test_short_quotes_get_no_verdict(engine: SearchEngine, quote: str) -> None:
    verdict = verify_quote(engine, quote)
    assert verdict.too_short and not verdict.verbatim
    assert verdict.matches == () and verdict.closest is None


def test_a_match_must_start_and_end_on_word_boundaries(engine: SearchEngine) -> None:
    inside = verify_quote(engine, "apan escorted the U.S. Forces")
    assert not inside.verbatim and not inside.differs_only_in
    assert verify_quote(engine, "Japan escorted the U.S. Forces").verbatim


def test_each_location_is_listed_once(engine: SearchEngine) -> None:
    # Stands twice in one paragraph.
    quote = "Global Combat Air Programme"
    text = next(p.text for p in engine.pack.paragraphs.values() if p.text.count(quote) > 1)
    assert text
    verdict = verify_quote(engine, quote)
    refs = [m.ref for m in verdict.matches]
    assert verdict.verbatim and len(refs) == len(set(refs))


@pytest.mark.parametrize(
    ("quote", "differs"),
    [
        ("japan escorted the u.s. forces", "capitals"),
        ("Japan escorted, the U.S. Forces", "punctuation"),
        ("( Japan escorted the U.S. Forces", "punctuation"),  # a word of punctuation alone
        ("Japan escorted the U.S. Forces ...", "punctuation"),
        ("japan escorted the US forces", "capitals and punctuation"),
    ],
)
def test_capitals_or_punctuation_alone_are_named(
    engine: SearchEngine, quote: str, differs: str
) -> None:
    verdict = verify_quote(engine, quote)
    assert not verdict.verbatim and verdict.differs_only_in == differs
    assert verdict.closest is not None and verdict.closest.ref == "3.1.1(2)¶2"
    assert verdict.closest.passage == "Japan escorted the U.S. Forces"


def _across(which: str, pack: Pack) -> tuple[Pack, SearchEngine]:
    """The shipped page or the sample pages, with an engine."""
    from bench.sample_library import sample_library_pack

    source = pack if which == "shipped page" else sample_library_pack()
    return source, SearchEngine.build(source)


def _runs(pack: Pack) -> list[list]:
    """Runs of two or more consecutive paragraphs of one section."""
    runs: list[list] = []
    for paragraph in pack.paragraphs.values():
        if runs and runs[-1][-1].section_ref == paragraph.section_ref:
            runs[-1].append(paragraph)
        else:
            runs.append([paragraph])
    return [run for run in runs if len(run) > 1]


@pytest.mark.parametrize("which", ["shipped page", "sample pages"])
def test_a_quote_copied_across_a_paragraph_break_is_verbatim(pack: Pack, which: str) -> None:
    """The end of one paragraph and the start of the next (a paragraph break or a space
    between), or across three, is verbatim: each part is located in its own paragraph."""
    source, engine = _across(which, pack)
    checked = 0
    for run in _runs(source)[:12]:
        a, b = run[0], run[1]
        head, tail = a.text.split()[-5:], b.text.split()[:5]
        for joiner in ("\n\n", " "):
            # (A quotation mark at either end is not part of a quote: trimmed here as there.)
            quote = trim_quote(" ".join(head) + joiner + " ".join(tail))
            verdict = verify_quote(engine, quote)
            assert verdict.verbatim and verdict.across, (a.ref, b.ref)
            assert [m.ref for m in verdict.matches] == [a.ref, b.ref]
            assert verdict.places == 1
            first, second = verdict.matches
            assert a.text[first.start : first.end] == first.passage
            assert b.text[second.start : second.end] == second.passage
            assert first.passage + joiner + second.passage == quote
            checked += 1
        if len(run) > 2:
            quote = f"{' '.join(head[-2:])} {run[1].text} {' '.join(run[2].text.split()[:2])}"
            verdict = verify_quote(engine, quote)
            assert [m.ref for m in verdict.matches] == [p.ref for p in run[:3]]
    assert checked >= 2


def test_paragraphs_of_different_sections_or_apart_are_not_joined(pack: Pack) -> None:
    paragraphs = list(pack.paragraphs.values())
    pairs = [(a, b) for a, b in pairwise(paragraphs) if a.section_ref != b.section_ref]
    assert pairs
    for a, b in pairs:
        quote = " ".join(a.text.split()[-5:]) + " " + " ".join(b.text.split()[:5])
        assert not verify_quote(pack, quote).verbatim
    run = _runs(pack)[0]
    # The end of one paragraph and the start of one two further on: not verbatim.
    quote = " ".join(run[0].text.split()[-5:]) + " " + " ".join(run[2].text.split()[:5])
    verdict = verify_quote(pack, quote)
    assert not verdict.verbatim and not verdict.across


def test_the_reply_to_a_quote_across_paragraphs_names_where_it_runs(pack: Pack) -> None:
    from bot.replies.verify import verify_reply

    a, b = _runs(pack)[0][:2]
    quote = " ".join(a.text.split()[-5:]) + "\n" + " ".join(b.text.split()[:5])
    description = verify_reply(pack, verify_quote(pack, quote)).embeds[0]["description"]
    assert description.startswith("✅ **Verbatim, across a paragraph break.**")
    assert f"`{a.ref}` into `{b.ref}`" in description


@pytest.mark.parametrize("which", ["shipped page", "sample pages"])
def test_a_quote_across_a_paragraph_break_with_a_slip_is_closest_to_both(pack, which) -> None:
    """One word changed in a quote copied across a paragraph break: the closest passage runs
    across the break, and only the slip is marked (the correct half was struck out)."""
    source, engine = _across(which, pack)
    checked = 0
    for run in _runs(source)[:10]:
        a, b = run[0], run[1]
        head, tail = a.text.split()[-8:], b.text.split()[:8]
        at = next((i for i in range(2, len(head)) if head[i].isalpha()), None)
        if at is None:
            continue
        slipped = [*head[:at], "zebra", *head[at + 1 :]]
        verdict = verify_quote(engine, " ".join(slipped + tail))
        assert not verdict.verbatim and verdict.across, (a.ref, b.ref)
        assert [m.ref for m in verdict.matches] == [a.ref, b.ref]
        assert verdict.closest == verdict.matches[0]
        changed = [d for d in verdict.diff if d.kind != "equal"]
        assert changed == [DiffOp("replaced", "zebra", head[at])], changed
        checked += 1
    assert checked >= 2


def test_the_reply_to_a_slipped_quote_across_paragraphs_shows_both(pack: Pack) -> None:
    from bot.replies.verify import verify_reply

    a, b = _runs(pack)[0][:2]
    head, tail = a.text.split()[-8:], b.text.split()[:8]
    quote = " ".join([*head[:3], "zebra", *head[4:], *tail])
    description = verify_reply(pack, verify_quote(pack, quote)).embeds[0]["description"]
    assert description.startswith(
        f"❌ **Not verbatim.** The closest passage runs on from `{a.ref}` into `{b.ref}`"
    )
    assert "~~zebra~~ → **" in description


def test_discord_markdown_markers_are_not_words_of_the_quote(engine: SearchEngine) -> None:
    plain = verify_quote(engine, "Japan escorted the U.S. Forces 200 times")
    marked = verify_quote(engine, "**Japan** __escorted__ the U.S. Forces 200 times")
    assert marked.closest is not None and plain.closest is not None
    assert marked.closest.ref == plain.closest.ref == "3.1.1(2)¶2"
    assert marked.similarity == plain.similarity and marked.diff == plain.diff
    assert marked.quote == "**Japan** __escorted__ the U.S. Forces 200 times"
    for quote in (
        "> Japan escorted the U.S. Forces",
        "***Japan*** escorted ||the U.S.|| ~~Forces~~",
        ">>> `Japan escorted` the _U.S. Forces_",
        "**“Japan escorted the U.S. Forces”**",
    ):
        verdict = verify_quote(engine, quote)
        assert verdict.verbatim, quote
        assert verdict.matches[0].passage == "Japan escorted the U.S. Forces"


@pytest.mark.parametrize(
    "text", ["snake_case words", "members*1. and year*2.", "2 * 3 * 4", "**unclosed", "a*b*c"]
)
def test_text_with_marker_characters_that_are_not_markdown_is_kept(text: str) -> None:
    assert without_discord_markdown(text) is None


def test_a_quote_with_more_markers_than_pasted_text_has_is_not_read_for_markdown() -> None:
    """Each marker the markdown pattern may try costs a scan of the rest of the quote: a quote
    of hundreds of them (which no pasted message has) is checked as written."""
    from bot.search.verify import MAX_MARKDOWN_MARKERS

    pairs = MAX_MARKDOWN_MARKERS // 4
    few = " ".join(["**Japan**"] * pairs)
    assert without_discord_markdown(few) == " ".join(["Japan"] * pairs)
    many = " ".join(["**Japan**"] * (pairs + 1))
    assert without_discord_markdown(many) is None
    assert without_discord_markdown("> " + many) == many
    assert without_discord_markdown("`" * 1428 + "a") is None
