"""The Discord-markdown stripper: ignored spans become spaces, offsets survive."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.lookups.markdown import strip_ignored


@pytest.mark.parametrize(
    "text",
    [
        "`GCAP`",
        "``GCAP``",
        "``a ` GCAP``",
        "```GCAP```",
        "```py\nGCAP\n```",
        "```\nGCAP",  # unterminated fence runs to the end
        "> GCAP",
        ">GCAP",
        "  > GCAP",
        ">>> x\nGCAP\nGCAP",
        "||GCAP||",
        "||a\nGCAP||",
    ],
)
def test_ignored_spans_are_blanked(text: str) -> None:
    assert "GCAP" not in strip_ignored(text)


@pytest.mark.parametrize(
    "text",
    [
        "GCAP",
        "`GCAP",  # an unclosed backtick is literal
        "||GCAP",  # an unclosed spoiler is literal
        "a > GCAP",  # `>` mid-line is not a quote
        "> quoted\nGCAP",  # a single `>` quotes one line only
        "```x``` GCAP",
        "`x` GCAP `y`",
    ],
)
def test_visible_text_is_kept(text: str) -> None:
    assert "GCAP" in strip_ignored(text)


def test_code_wins_over_spoilers_and_quotes() -> None:
    text = "`||` GCAP `||`"
    assert "GCAP" in strip_ignored(text)


def test_offsets_and_newlines_are_kept() -> None:
    text = "a `b` c\n```\nd\n```\ne"
    stripped = strip_ignored(text)
    assert len(stripped) == len(text)
    assert stripped.index("c") == text.index("c")
    assert stripped.count("\n") == text.count("\n")


@given(st.text())
def test_length_is_always_kept(text: str) -> None:
    assert len(strip_ignored(text)) == len(text)
