"""Passive mode: glossary terms named plainly in chat."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.lookups.passive import find_terms
from bot.pack.model import Glossary, GlossaryTerm, Pack


def terms_in(text: str, pack: Pack) -> list[str]:
    return [t.term for t in find_terms(text, pack.glossary)]


def test_finds_acronyms_in_order(pack: Pack) -> None:
    assert terms_in("is the GCAP in the NSS?", pack) == ["GCAP", "NSS"]


@pytest.mark.parametrize(
    "text",
    [
        "let us know",
        "unusual",
        "un-american is not a word here",
        "Us too",
        "gcap is lower case",
        "NSSA is another thing",
        "the GCAPs",
        "LET US KNOW",  # shouting: every word is in capitals
        "`GCAP`",
        "```\nGCAP\n```",
        "> GCAP",
        "||GCAP||",
        "[[GCAP]]",  # explicit, answered elsewhere
    ],
)
def test_no_term(text: str, pack: Pack) -> None:
    assert terms_in(text, pack) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("ask the US", "US"),
        ("the UN said", "UN"),
        ("U.S. policy", "US"),
        ("GCAP!", "GCAP"),
        ("NSS?", "NSS"),
        ("UN-backed", "UN"),
        ("national security strategy", "NSS"),
        ("Global Combat Air Program partners", "GCAP"),
        ("the gray zone", "grey zone"),
        ("a Grey-Zone case", "grey zone"),
        ("the Indo-Pacific", "Indo-Pacific"),
        ("peacekeeping   operations", "PKO"),
    ],
)
def test_term_found(text: str, term: str, pack: Pack) -> None:
    assert terms_in(text, pack) == [term]


def test_each_term_once(pack: Pack) -> None:
    assert terms_in("GCAP, GCAP and Global Combat Air Programme", pack) == ["GCAP"]


def test_longest_name_wins(pack: Pack) -> None:
    assert terms_in("UN Peacekeeping operations", pack) == ["PKO"]
    assert terms_in("GCAP International Government Organisation", pack) == ["GIGO"]


def test_term_next_to_explicit_lookup_still_counts(pack: Pack) -> None:
    assert terms_in("[[GCAP]] and the NSS", pack) == ["NSS"]


def test_shouting_only_mutes_acronyms_on_its_own_line(pack: Pack) -> None:
    assert terms_in("LET US KNOW\nabout the UN", pack) == ["UN"]


def test_custom_glossary() -> None:
    glossary = Glossary(terms=(GlossaryTerm("ODA", "Official Development Assistance"),))
    assert find_terms("ODA and official development assistance", glossary) == [glossary.terms[0]]
    assert find_terms("oda", glossary) == []


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_arbitrary_text_never_raises(text: str, pack: Pack) -> None:
    found = find_terms(text, pack.glossary)
    assert len(found) == len(set(found))
