"""Echoed text reads right on Discord: escapes where markdown would act, none in code spans."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.replies.common import highlight
from bot.replies.markdown import code, escape_markdown
from tests.replies.discord_markdown import code_spans, visible

MARKDOWN_TEXT = st.text(alphabet="*_~|`\\[]()>#-+.:/1 aZ\n", max_size=40)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("**bold**", "bold"),
        ("a \\*b\\*", "a *b*"),
        ("`a\\-b`", "a\\-b"),  # backslashes show inside code
        ("> quote", "quote"),
        ("x\n- item", "x\nitem"),
        ("Japan-U.S. ties", "Japan-U.S. ties"),
        ("[link](https://x.y)", "link"),
    ],
)
def test_the_model_follows_discords_rules(text: str, shown: str) -> None:
    assert visible(text) == shown


@given(MARKDOWN_TEXT)
def test_escaped_text_shows_as_typed(text: str) -> None:
    assert visible(escape_markdown(text)) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Japan-U.S. Alliance", "Japan-U.S. Alliance"),
        ("next-generation", "next-generation"),
        ("Indo-Pacific", "Indo-Pacific"),
        ("- a list", "\\- a list"),
        ("a\n# head", "a\n\\# head"),
        ("1. first", "1\\. first"),
        ("version 3.1 # 2", "version 3.1 # 2"),
    ],
)
def test_only_markup_that_would_act_is_escaped(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


@given(st.text(alphabet="ab`\\*-", min_size=1, max_size=20))
def test_code_spans_show_the_text_and_hold_no_added_backslash(text: str) -> None:
    spans = code_spans(code(text))
    assert len(spans) == 1
    assert spans[0].count("\\") == text.count("\\")
    if "``" not in text:
        assert spans[0] == " ".join(text.split())


def test_highlight_reads_as_the_text_with_phrases_in_bold() -> None:
    text = "a joint development program for next-generation fighter aircraft"
    start = text.index("next")
    bolded = highlight(text, [(start, start + 4), (start + 5, start + 15)])
    assert "**next-generation**" in bolded
    assert visible(bolded) == text


@given(MARKDOWN_TEXT, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4))
def test_highlighted_text_shows_as_typed(text: str, spans: list[tuple[int, int]]) -> None:
    assert visible(highlight(text, spans)) == text


def test_text_left_alone_is_only_text_escaping_would_not_change() -> None:
    """`escape` returns text unchanged without substituting when nothing in it can act;
    on any text it gives what the five substitutions give."""
    import random

    from bot.replies import markdown

    def substituted(text: str) -> str:
        text = markdown._BIDI.sub("", text)
        return markdown.escape_markdown(markdown.neutralise_mentions(text))

    rng = random.Random(5)
    alphabet = [*"ab 1.\n\t-+#>*_~|`[]\\@<&!9", "\u202e", "\u200f", "<@1>", "@here", "12."]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        assert markdown.escape(text) == substituted(text), repr(text)
    plain = "Japan-U.S. Alliance, 2.5 trillion yen (FY2025)"
    assert markdown._plain(plain) and markdown.escape(plain) == plain


def test_highlight_never_cuts_a_link() -> None:
    """A matched word inside a link is not bolded: bold would cut the link in two, the first
    part a link to another page (review)."""
    text = "see https://www.mofa.go.jp/policy/economy/page.html and the economy"
    inside = text.index("economy")
    outside = text.rindex("economy")
    shown = highlight(text, [(inside, inside + 7), (outside, outside + 7)])
    assert "<https://www.mofa.go.jp/policy/economy/page.html>" in shown
    assert shown.endswith("the **economy**")
    assert visible(shown) == text


def test_a_link_in_an_embed_title_is_escaped_without_brackets() -> None:
    """Discord makes no link of a title's text, and would show the brackets."""
    from bot.replies.markdown import escape

    assert escape("https://evil.example/x", links=False) == "https://evil.example/x"
    assert escape("https://evil.example/x") == "<https://evil.example/x>"


def test_escaper_escapes_each_piece_of_a_text_as_escape_does() -> None:
    """`escaper` scans a text once and then escapes its pieces (highlight's): each piece
    comes out as `escape` gives it, on random texts and random cuts."""
    import random

    from bot.replies import markdown

    rng = random.Random(7)
    alphabet = [*"ab 1.\n\t-+#>*_~|`[]\\@<&!9", "\u202e", "“", "12.", "://", "https://x.yz"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(3, len(text) + 1)))
        escaped = markdown.escaper(text)
        for start, end in itertools.pairwise([0, *cuts, len(text)]):
            assert escaped(text[start:end]) == markdown.escape(text[start:end]), repr(text)
            # A slice escaped by what the whole holds (an excerpt of its paragraph).
            piece = text[start:end]
            assert markdown.escaper(piece, within=text)(piece) == markdown.escape(piece)
