"""Choosing facts: at random, on a topic, or by id with suggestions for typos."""

from __future__ import annotations

import random
from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

from bot.pack.model import Fact

# A topic matches a fact when its tags or headline score at least this (rapidfuzz WRatio).
TOPIC_MATCH_MIN = 80
ID_SUGGEST_MIN = 50


def _topic_text(fact: Fact) -> str:
    return " ".join((*fact.tags, fact.headline, fact.id.replace("-", " ")))


def fact_topics(facts: Sequence[Fact], typed: str = "", limit: int | None = None) -> list[str]:
    """The facts' topics (their tags) in alphabetical order; with `typed`, those holding it,
    those starting with it first (what `/fact topic:` offers as you type)."""
    tags = sorted({t for f in facts for t in f.tags}, key=str.casefold)
    if typed.strip():
        wanted = typed.strip().casefold()
        tags = [t for t in tags if wanted in t.casefold()]
        tags.sort(key=lambda t: not t.casefold().startswith(wanted))
    return tags if limit is None else tags[:limit]


def facts_on_topic(facts: Sequence[Fact], topic: str) -> list[Fact]:
    """Facts whose tags or headline match `topic`, else whose quote has its words, best
    first; none for a topic without a letter or digit (an emoji, punctuation), which no fact
    is about."""
    query = utils.default_process(topic)
    if not query:
        return []
    choices = [utils.default_process(_topic_text(f)) for f in facts]
    exact = [f for f, text in zip(facts, choices, strict=True) if query in text]
    if exact:
        return exact
    # The quote's words as written ("drones" in "3 surveillance drones"), whole words only:
    # a fuzzy match over a whole sentence would find something in most of them.
    words = f" {query} "
    quoted = [f for f in facts if words in f" {utils.default_process(f.quote)} "]
    if quoted:
        return quoted
    found = process.extract(
        query,
        choices,
        scorer=fuzz.partial_ratio if len(query) > 3 else fuzz.ratio,
        limit=len(choices),
        score_cutoff=TOPIC_MATCH_MIN,
    )
    return [facts[i] for _, _, i in found]


def pick_fact(
    facts: Sequence[Fact], topic: str | None = None, rng: random.Random | None = None
) -> Fact | None:
    """A random fact, or a random one of those on `topic`; None when nothing matches."""
    rng = rng or random.Random()
    pool = facts_on_topic(facts, topic) if topic else list(facts)
    return rng.choice(pool) if pool else None


def closest_ids(facts: Sequence[Fact], wanted: str, limit: int = 3) -> list[str]:
    ids = [f.id for f in facts]
    found = process.extract(
        wanted.casefold(), ids, scorer=fuzz.WRatio, limit=limit, score_cutoff=ID_SUGGEST_MIN
    )
    return [ids[i] for _, _, i in found]
