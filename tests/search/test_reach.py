"""How much of a whole chat message a result answers ("Find in Bluebook" on any message)."""

from __future__ import annotations

import pytest

from bot.search import SearchEngine
from bot.search.engine import answers_little_of

UNRELATED = [
    "lol what time is the meeting tomorrow? I can't make it before 5",
    "ok thanks, see you all next week",
    "anyone going to the party on friday night",
]
ANSWERED = [
    "GCAP is the coolest fighter jet program ever",  # a name, and more
    "tell me more about the GCAP thing",  # one word, but a glossary name
    "what did they say about territorial integrity",
    "what about nuclear weapons testing",  # a thesaurus entry counts its two words
    "nuclear weapons",  # too few words to judge: a query, not a message
    "Japan",
]


@pytest.mark.parametrize("message", UNRELATED)
def test_a_chat_message_about_something_else_is_answered_little(engine, message) -> None:
    top = engine.search(message).results[0]
    assert answers_little_of(message, top)
    assert top.reach.words * 3 <= 6 and not top.reach.named


@pytest.mark.parametrize("message", ANSWERED)
def test_a_message_on_the_chapter_is_answered(engine, message) -> None:
    assert not answers_little_of(message, engine.search(message).results[0])


def test_sample_pages_a_paragraphs_own_words_answer_it_and_chatter_does_not() -> None:
    from bench.sample_library import sample_library_pack

    pack = sample_library_pack()
    engine = SearchEngine.build(pack)
    checked = 0
    for paragraph in list(pack.paragraphs.values())[::7]:
        own = [w for w in paragraph.text.split() if w.isalpha() and len(w) > 6][:5]
        if len(own) < 4:
            continue
        message = "hey, did you see this: " + " ".join(own) + "?"
        top = engine.search(message).results[0]
        assert not answers_little_of(message, top), (message, top.ref)
        checked += 1
    assert checked >= 3
    chatter = "anyone up for lunch on friday at noon"
    found = engine.search(chatter).results
    assert not found or answers_little_of(chatter, found[0])
