"""Explicit lookups in a chat message: `[[words]]` and written section references."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.lookups.extract import (
    MAX_INNER_CHARS,
    MAX_LOOKUPS,
    TOO_LONG_KEY,
    Lookup,
    extract_lookups,
)
from bot.pack.refs import RefIndex


def test_bracketed_query_mid_sentence(refs: RefIndex) -> None:
    assert extract_lookups("what does it say about [[GCAP]]?", refs) == [
        Lookup("query", "GCAP", "gcap", words="GCAP")
    ]


def test_query_text_is_kept_as_written(refs: RefIndex) -> None:
    [lookup] = extract_lookups("[[  Global Combat  Air ]]", refs)
    assert lookup.text == "Global Combat  Air"
    assert lookup.key == "global combat air"


@pytest.mark.parametrize(
    "text",
    [
        "[[2024:GCAP]]",
        "[[ 2024 : GCAP ]]",
        "[[GCAP@2024]]",
        "[[２０２４：GCAP]]",  # typed full-width
        "[[2024\u200b:GCAP]]",  # with a zero-width space pasted along
    ],
)
def test_a_query_names_its_edition_the_explicit_ways(text: str, refs: RefIndex) -> None:
    [lookup] = extract_lookups(f"and {text} please", refs)
    assert (lookup.kind, lookup.key, lookup.year, lookup.words) == (
        "query",
        "2024:gcap",
        2024,
        "GCAP",
    )
    assert lookup.text == text[2:-2].strip()  # as written, for the reply to echo


def test_a_year_in_brackets_or_before_words_is_searched(refs: RefIndex) -> None:
    assert extract_lookups("[[ODA (2024)]] [[2024 budget]]", refs) == [
        Lookup("query", "ODA (2024)", "oda (2024)", words="ODA (2024)"),
        Lookup("query", "2024 budget", "2024 budget", words="2024 budget"),
    ]


def test_one_query_in_two_editions_is_two_lookups(refs: RefIndex) -> None:
    found = extract_lookups("[[GCAP]] vs [[2024:GCAP]] vs [[gcap]]", refs)
    assert [(lookup.key, lookup.year) for lookup in found] == [("gcap", None), ("2024:gcap", 2024)]


@pytest.mark.parametrize(
    "text",
    [
        "`[[GCAP]]`",
        "``[[GCAP]]``",
        "```\n[[GCAP]]\n```",
        "```\n[[GCAP]]",
        "> [[GCAP]]",
        "hi\n>>> quote\n[[GCAP]]",
        "||[[GCAP]]||",
        "[[ ]]",
        "[[]]",
        "[[GC\nAP]]",
        "[[GCAP]",
    ],
)
def test_no_lookup(text: str, refs: RefIndex) -> None:
    assert extract_lookups(text, refs) == []


def test_longest_allowed_inner_text(refs: RefIndex) -> None:
    inner = "x" * MAX_INNER_CHARS
    assert [lk.text for lk in extract_lookups(f"[[{inner}]]", refs)] == [inner]
    [long] = extract_lookups(f"[[{inner}x]]", refs)
    assert (long.kind, long.key, long.text) == ("too_long", TOO_LONG_KEY, inner + "x")


def test_lookups_too_long_are_one_refusal_in_their_place(refs: RefIndex) -> None:
    long = "fishing " * 40
    found = extract_lookups(f"[[GCAP]] [[{long}]] [[{long}x]] §3.1.1(3) [[PKO]]", refs)
    assert [lk.kind for lk in found] == ["query", "too_long", "ref"]


def test_non_greedy_brackets(refs: RefIndex) -> None:
    assert [lk.text for lk in extract_lookups("[[NSS]] and [[GCAP]]", refs)] == ["NSS", "GCAP"]


def test_extra_brackets_around(refs: RefIndex) -> None:
    assert [lk.text for lk in extract_lookups("[[[GCAP]]]", refs)] == ["GCAP"]


def test_at_most_three(refs: RefIndex) -> None:
    found = extract_lookups("[[NSS]] [[GCAP]] [[PKO]] [[MOFA]]", refs)
    assert [lk.text for lk in found] == ["NSS", "GCAP", "PKO"]
    assert MAX_LOOKUPS == 3


def test_max_lookups_argument(refs: RefIndex) -> None:
    assert len(extract_lookups("[[NSS]] [[GCAP]] [[PKO]]", refs, max_lookups=1)) == 1
    assert extract_lookups("[[NSS]]", refs, max_lookups=0) == []


@pytest.mark.parametrize(
    "text", ["[[GCAP]] [[gcap]]", "[[GCAP]] [[ GCAP ]]", "[[Air  Programme]] [[air programme]]"]
)
def test_duplicates_collapse(text: str, refs: RefIndex) -> None:
    assert len(extract_lookups(text, refs)) == 1


def test_duplicates_do_not_use_up_the_cap(refs: RefIndex) -> None:
    found = extract_lookups("[[NSS]] [[nss]] [[NSS]] [[GCAP]] [[PKO]]", refs)
    assert [lk.key for lk in found] == ["nss", "gcap", "pko"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("§3.1.1(3)", "3.1.1(3)"),
        ("see §3.1.1(3).", "3.1.1(3)"),
        ("§ 3.1.1(3)¶1", "3.1.1(3)¶1"),
        ("sec. 3.1.1(3)", "3.1.1(3)"),
        ("sec 3.1.1(3)", "3.1.1(3)"),
        ("Section 3.1.1(2) says", "3.1.1(2)"),
        ("section 3.1.1 (2)", "3.1.1(2)"),
        ("as 3.1.1(3)¶1 puts it", "3.1.1(3)¶1"),
        ("3.1.1(1) ¶ 2", "3.1.1(1)¶2"),
        ("§1.1(3)", "3.1.1(3)"),  # chapter left out
        ("[[3.1.1(3)]]", "3.1.1(3)"),
        ("[[§3.1.1(3)¶1]]", "3.1.1(3)¶1"),
        ("see §３.１.１（３） please", "3.1.1(3)"),  # typed with a Japanese keyboard
        ("§３.１.１(３)¶１", "3.1.1(3)¶1"),
    ],
)
def test_written_reference(text: str, key: str, refs: RefIndex) -> None:
    [lookup] = extract_lookups(text, refs)
    assert lookup.kind == "ref"
    assert lookup.key == key


@pytest.mark.parametrize(
    "text",
    [
        "version 3.1 is out",
        "3.1.1(3) is plain numbers",
        "see 3.1.1(3)",
        "section 230 of some act",  # prefixed but not in the pack
        "§3.1.1(3)¶9",  # no such paragraph
        "§3.1.1(3)abc",
        "insec 3.1.1(3)",
        "`§3.1.1(3)`",
        "> §3.1.1(3)",
        "||§3.1.1(3)||",
    ],
)
def test_not_a_written_reference(text: str, refs: RefIndex) -> None:
    assert extract_lookups(text, refs) == []


def test_unknown_bracketed_reference_is_still_a_lookup(refs: RefIndex) -> None:
    [lookup] = extract_lookups("[[9.9.9]]", refs)
    assert lookup.kind == "ref"


@pytest.mark.parametrize(
    "text", ["3.1.1(3)b", "3.1.1(3)A(a)", "3.1.1-3", "3.1.1(2)A", "§3.1.1(3)x¶1", "2024:3.1.1(3)b"]
)
def test_a_reference_that_does_not_parse_is_still_a_reference(text: str, refs: RefIndex) -> None:
    """Answered as /section answers an unknown reference, never searched as "3" or "A"."""
    [lookup] = extract_lookups(f"see [[{text}]]", refs)
    assert lookup.kind == "ref", lookup


@pytest.mark.parametrize(
    "text",
    ["3 pillars", "5G", "2+2", "1.5 degrees", "100-year plan", "COVID-19", "G7", "2024 budget"],
)
def test_words_with_numbers_are_searched(text: str, refs: RefIndex) -> None:
    [lookup] = extract_lookups(f"[[{text}]]", refs)
    assert lookup.kind == "query", lookup


def test_one_reference_written_two_ways_is_one(refs: RefIndex) -> None:
    found = extract_lookups("§3.1.1(3) or sec 3.1.1 (3) or [[1.1(3)]]", refs)
    assert [lk.key for lk in found] == ["3.1.1(3)"]


def test_reference_inside_brackets_is_not_counted_twice(refs: RefIndex) -> None:
    found = extract_lookups("[[§3.1.1(3)]]", refs)
    assert [lk.text for lk in found] == ["§3.1.1(3)"]


def test_order_follows_the_message(refs: RefIndex) -> None:
    found = extract_lookups("§3.1.1(2) then [[GCAP]] then §3.1.1(3)¶1", refs)
    assert [lk.kind for lk in found] == ["ref", "query", "ref"]
    assert [lk.key for lk in found] == ["3.1.1(2)", "gcap", "3.1.1(3)¶1"]


def test_only_the_first_written_references_are_checked(refs: RefIndex) -> None:
    text = "§9 " * 500 + "§3.1.1(3)"
    assert extract_lookups(text, refs) == []


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_arbitrary_text_never_raises(text: str, refs: RefIndex) -> None:
    assert len(extract_lookups(text, refs)) <= MAX_LOOKUPS


_PIECES = st.sampled_from(
    ["[[", "]]", "`", "```", "||", "> ", ">>> ", "\n", "§", "sec ", "¶", "3.1.1(3)", "GCAP", " "]
)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=40).map("".join))
def test_markdown_like_text_never_raises(text: str, refs: RefIndex) -> None:
    found = extract_lookups(text, refs)
    assert len(found) <= MAX_LOOKUPS
    assert len({lk.key for lk in found}) == len(found)


@pytest.mark.parametrize(
    "text",
    ["see 2024:§3.1.1(3)", "see §2024:3.1.1(3)", "see §3.1.1(3)@2024", "see §3.1.1(3) (2024)"],
)
def test_a_written_reference_naming_an_edition_is_read_there(refs: RefIndex, text: str) -> None:
    asked: list[int] = []

    def refs_of(year: int) -> RefIndex:
        asked.append(year)
        return refs

    [lookup] = extract_lookups(text, refs, refs_of=refs_of)
    assert (lookup.kind, lookup.year, lookup.ref, lookup.key) == (
        "ref",
        2024,
        "§3.1.1(3)",
        "2024:3.1.1(3)",
    )
    assert asked == [2024] and lookup.found is not None and lookup.found.section is not None


def test_a_written_reference_in_an_edition_not_held_is_no_lookup(refs: RefIndex) -> None:
    assert extract_lookups("§3.1.1(3)@1999", refs, refs_of=lambda year: None) == []
    # Without a way to read other editions, such a reference is not read at all.
    assert extract_lookups("§3.1.1(3)@2024", refs) == []
    assert extract_lookups("under §230 (2024)", refs, refs_of=lambda year: refs) == []
