"""Echoing user text safely: markdown escaped, mentions broken."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies.markdown import ZERO_WIDTH_SPACE, escape, escape_markdown, neutralise_mentions
from tests.replies.discord_markdown import visible

_MENTION = re.compile(r"@everyone|@here|<@[!&]?\d+>")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("_a_", r"\_a\_"),
        ("~~s~~", r"\~\~s\~\~"),
        ("||spoiler||", r"\|\|spoiler\|\|"),
        ("> quote", r"\> quote"),
        ("# head", r"\# head"),
        ("- item", r"\- item"),
        ("`code`", r"\`code\`"),
        ("[link](x)", r"\[link](x)"),
        ("a\\b", "a\\\\b"),
        ("plain text 3.1", "plain text 3.1"),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@pytest.mark.parametrize(
    "text", ["@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "hi @everyone and <@1>"]
)
def test_mentions_are_broken(text: str) -> None:
    out = neutralise_mentions(text)
    assert not _MENTION.search(out)
    assert out.replace(ZERO_WIDTH_SPACE, "") == text


def test_plain_at_signs_are_left_alone() -> None:
    assert neutralise_mentions("mail a@b.c or <#123>") == "mail a@b.c or <#123>"


def test_safe_echo_breaks_mentions_and_escapes() -> None:
    out = escape("**<@123>** @here")
    assert not _MENTION.search(out.replace("\\", ""))
    assert out.startswith(r"\*\*")


@given(st.text())
def test_no_mention_survives(text: str) -> None:
    assert not _MENTION.search(neutralise_mentions(text))


def test_escape_strips_bidirectional_controls() -> None:
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
    out = escape(f"abc\u202edcba{controls}xyz")
    assert out == "abcdcbaxyz"
    assert not any(c in out for c in controls)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("https://evil.example/x", "<https://evil.example/x>"),
        ("see http://a.b/x_y*z.", "see <http://a.b/x_y*z>."),  # no backslash inside the link
        ("[x](https://e.x) **b**", r"\[x](<https://e.x>) \*\*b\*\*"),
        ("(HTTPS://A.B/c), then", "(<HTTPS://A.B/c>), then"),
        ("https://a.b/@everyone", f"<https://a.b/@{ZERO_WIDTH_SPACE}everyone>"),
        ("https:// and ftp://a.b", "https:// and ftp://a.b"),
    ],
)
def test_links_are_echoed_without_a_preview(text: str, escaped: str) -> None:
    """In `<...>` Discord shows a link without the brackets and never previews the page."""
    assert escape(text) == escaped
    assert visible(escape(text)).replace(ZERO_WIDTH_SPACE, "") == text
