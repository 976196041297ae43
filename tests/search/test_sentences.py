from bot.search.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_does_not_split_after_abbreviations() -> None:
    text = (
        "Japan escorted the U.S. Forces 137 times. The Japan-U.S. Alliance is strong. "
        "Some fields, e.g. cyber, matter. See No. 5 for details. Mr. Smith agreed."
    )
    assert sentences(text) == [
        "Japan escorted the U.S. Forces 137 times.",
        "The Japan-U.S. Alliance is strong.",
        "Some fields, e.g. cyber, matter.",
        "See No. 5 for details.",
        "Mr. Smith agreed.",
    ]


def test_splits_after_closing_quotes_and_keeps_all_text() -> None:
    text = "It took effect in “March.” Then it passed! Did it? Yes"
    assert sentences(text) == ["It took effect in “March.”", "Then it passed!", "Did it?", "Yes"]


def test_shipped_paragraphs_split_without_losing_words(pack) -> None:  # type: ignore[no-untyped-def]
    for paragraph in pack.paragraphs.values():
        parts = sentences(paragraph.text)
        assert " ".join(parts).split() == paragraph.text.split()
        assert not any(p.endswith("U.S.") for p in parts[:-1])
