"""`/fact topic:` and `fact --topic`: tags and headline first, then the quote's own words."""

from __future__ import annotations

from bot.facts import facts_on_topic
from bot.pack.model import Fact

DRONES = Fact(
    "drones", "Japan equips Pacific partners", "Japan provided 3 surveillance drones.", "1"
)
PORTS = Fact("ports", "Port inspections rose", "Port inspections rose to 410 in 2023.", "2")
WARS = Fact("kit", "Help for coast guards", "A software package was shared.", "3")


def test_a_word_of_the_quote_finds_its_fact() -> None:
    """Trial 8: "drones" is in a quote, not in a headline or tag."""
    assert facts_on_topic([DRONES, PORTS], "drones") == [DRONES]
    assert facts_on_topic([DRONES, PORTS], "surveillance drones") == [DRONES]


def test_the_headline_comes_before_the_quote_and_words_are_whole() -> None:
    assert facts_on_topic([DRONES, PORTS], "port inspections") == [PORTS]
    assert facts_on_topic([WARS], "war") == []  # not inside the quote's "software"
