from hypothesis import given
from hypothesis import strategies as st

from bot.search.normalize import (
    fold_with_map,
    is_plain,
    normalize,
    tokenize,
    tokens_by_pattern,
    word_spans,
    word_tokens,
    words,
)


def test_folds_case_width_quotes_dashes_and_invisible_characters() -> None:
    assert normalize("ＧＣＡＰ") == "gcap"
    assert normalize("Japan’s “policy”") == 'japan\'s "policy"'
    assert normalize("Programme – GCAP") == "programme - gcap"
    assert normalize("peace\u2011keeping") == "peace-keeping"
    assert normalize("terri\u200btorial") == "territorial"
    assert normalize("\u3164 \u115f\u1160\uffa0\u180e\u2800").strip() == ""
    assert normalize("a \t\n\u00a0 b") == "a b"


def test_composes_combining_marks_like_nfkc() -> None:
    assert normalize("cafe\u0301") == normalize("café")


def test_us_with_and_without_dots_is_one_word() -> None:
    assert words("the U.S. Forces") == ["the", "us", "forces"]
    assert words("US forces") == ["us", "forces"]
    assert words("Japan-U.S. Alliance") == ["japan", "us", "alliance"]


def test_possessive_is_dropped_and_compounds_are_also_joined() -> None:
    assert words("Japan’s position") == ["japan", "position"]
    tokens = tokenize(normalize("next-generation fighter"))
    assert [t.text for t in tokens if t.joined] == ["nextgeneration"]
    assert [t.text for t in tokens if not t.joined] == ["next", "generation", "fighter"]


def test_operators_and_punctuation_are_not_words() -> None:
    assert words('"grey zone" OR (NSS) * -defense GCAP:') == [
        "grey",
        "zone",
        "or",
        "nss",
        "defense",
        "gcap",
    ]


@given(st.text(max_size=200))
def test_map_points_back_into_the_original(text: str) -> None:
    folded = fold_with_map(text)
    assert folded.text == normalize(text)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    for token in tokenize(folded.text):
        start, end = folded.original_span(token.start, token.end)
        assert 0 <= start < end <= len(text)


@given(st.text(alphabet="abcABC .,'’-–U.S\u200b\u00a0Ｇ", max_size=80))
def test_tokens_of_the_original_span_are_the_same(text: str) -> None:
    folded = fold_with_map(text)
    for token in tokenize(folded.text):
        if token.joined:
            continue
        start, end = folded.original_span(token.start, token.end)
        assert token.text in [t.text for t in tokenize(normalize(text[start:end]))]


@given(st.text(alphabet="abcXYZ019 .,'’-–U.S\u200b\u00a0\tＧé\u0301", max_size=120))
def test_word_spans_and_word_tokens_give_tokenize_s_tokens(text: str) -> None:
    """Indexing finds a paragraph's words in bulk (word_spans) and splits each distinct
    word once (word_tokens); together they must give exactly tokenize's tokens."""
    normalized = normalize(text)
    found, starts, ends = word_spans(normalized)
    bulk = [
        (piece, start + s, start + e, joined)
        for word, start, end in zip(found, starts, ends, strict=True)
        for piece, s, e, joined in word_tokens(word)
        if normalized[start:end] == word
    ]
    assert len(bulk) == sum(len(word_tokens(w)) for w in found)  # every span is its word
    assert bulk == [tuple(t) for t in tokenize(normalized)]


@given(st.text(max_size=80))
def test_plain_text_normalises_to_its_lower_case(text: str) -> None:
    if is_plain(text):
        folded = fold_with_map(text)
        assert folded.text == text.lower()
        assert folded.starts == tuple(range(len(text)))


# Text a query can be after normalising: ASCII letters, digits, spaces and punctuation, the
# word joiners (' - .) among them, and now and then a letter outside ASCII.
_QUERY_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"abcdefghijklmnopqrstuvwxyz0123456789", *"    ", *'?!,;:()"_/', *"'-.é"]
    ),
    max_size=40,
)


@given(_QUERY_TEXT)
def test_tokenize_splits_like_the_word_pattern(text: str) -> None:
    assert tokenize(text) == tokens_by_pattern(text)


def test_tokenize_splits_a_plain_query_at_punctuation_with_offsets() -> None:
    text = "what is gcap? (japan, uk and italy)"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["what", "is", "gcap", "japan", "uk", "and", "italy"]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert tokens == tokens_by_pattern(text)
