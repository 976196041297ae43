"""Examples and suggestions come from the pack being served: the /toc footer, /help, the
console greeting and "Try:" name what this pack holds, on the shipped page and on the sample
library (tests/samples), and a suggestion never repeats the query that found nothing."""

from __future__ import annotations

import pytest

from bot.pack.refs import RefIndex
from bot.replies.examples import examples_from
from bot.replies.help import help_reply
from bot.replies.section import toc_reply
from bot.search.analysis import Analyzer
from bot.search.suggest import Suggester
from bot.served import ServedLibrary
from bot.storage.settings import DEFAULTS
from localdiscord.terminal import console_greeting
from tests.samples import LIBRARY

SHIPPED_ONLY = ("GCAP", "3.1.1(3)", "U.S. Forces")


@pytest.fixture(scope="module")
def sample() -> ServedLibrary:
    return ServedLibrary.load(LIBRARY)


def _packs(sample: ServedLibrary):
    return [*sample.packs.values(), *ServedLibrary.load(None).packs.values()]


def test_every_example_is_held_by_its_pack(sample):
    for served in _packs(sample):
        example = examples_from(served.pack)
        assert RefIndex(served.pack).resolve(example.ref).section is not None, served.pack_key
        assert served.engine.search(example.term, limit=1).results, served.pack_key
        assert any(example.quote in p.text for p in served.pack.paragraphs.values())


def test_a_pack_without_the_shipped_pages_gets_none_of_their_examples(sample):
    pack = sample.pack("2025-3").pack  # no 3.1.1(3), no GCAP
    assert RefIndex(pack).resolve("3.1.1(3)").section is None
    example = examples_from(pack)
    footer = toc_reply(pack).embeds[-1]["footer"]["text"]
    assert footer == f"Open one with /section REF, e.g. /section {example.ref}"
    lookups = help_reply(pack, [], lookups_available=True, switches=DEFAULTS).embeds[0]["fields"][
        0
    ]["value"]
    assert f"`[[{example.term}]]`" in lookups and f"`§{example.ref}`" in lookups
    greeting = console_greeting(example.term, example.ref, example.quote)
    for text in (footer, lookups, greeting):
        assert not any(shipped in text for shipped in SHIPPED_ONLY), text


def test_a_suggestion_never_repeats_the_query():
    analyzer = Analyzer()
    suggester = Suggester([("GCAP", "GCAP"), ("GCAP programme", "GCAP programme")], analyzer)
    assert suggester.suggest("gcap") == ("GCAP programme",)
    assert suggester.suggest("gcap programme") == ("GCAP",)
