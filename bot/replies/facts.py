"""Replies for /fact and the fact-of-the-day post."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.facts import fact_topics
from bot.pack.model import Fact, Pack
from bot.pack.refs import written_ref
from bot.replies.common import QUOTE_COLOUR, WARN_COLOUR, Reply, clip, quote_block
from bot.replies.limits import EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX
from bot.replies.markdown import code, escape
from bot.replies.search import section_path

# A /fact on no topic names this many topics, and how many more there are.
SHOWN_TOPICS = 20


def fact_embed(
    pack: Pack, fact: Fact, *, footer: str | None = None, reading: int | None = None
) -> dict:
    """`fact`, quoted from `pack`. `reading`: the edition the server reads (default:
    `pack`'s); when `pack` is of another, the reference carries its year ('2025:3.1.1(1)¶2'),
    as lookups and /verify name it, so that /section opens that edition."""
    para = pack.paragraphs.get(fact.ref)
    year = pack.manifest.edition_year
    ref = written_ref(fact.ref, year, year if reading is None else reading)
    section = pack.sections[para.section_ref] if para else pack.sections[fact.ref]
    return {
        "title": clip(fact.headline, EMBED_TITLE_MAX),
        "url": pack.source_url(section),
        "description": clip(quote_block(escape(fact.quote)), EMBED_DESCRIPTION_MAX),
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "Reference", "value": f"`{ref}`", "inline": True},
            {"name": "Path", "value": clip(section_path(section), 1024)},
        ],
        "footer": {"text": footer or f"{pack.manifest.title} · fact {fact.id}"},
    }


def factless_text(factless: Iterable[tuple[int, int | None]]) -> str:
    """One line naming editions that have no facts yet, each with the edition whose facts
    /fact and the fact of the day use instead (None: no edition has any), as /reload and
    `content fetch` and `content import` say it; "" for none."""
    said = []
    for year, drawn in factless:
        if drawn is None:
            said.append(
                f"{year} has no facts yet, nor has any other edition: /fact and the fact of the day wait for some"
            )
        else:
            said.append(f"{year} has no facts yet: /fact and the fact of the day use {drawn}'s")
    return f"{'; '.join(said)}." if said else ""


def steps_to_add_facts(edition: int | None, library: str = "LIBRARY") -> str:
    """How a pack gets facts: drafts suggested, confirmed by a person, then a reload.
    `library`: the folder to name in the command (default: a placeholder)."""
    named = f" --edition {edition}" if edition is not None else ""
    return (
        f"Draft some with `bluebook-bot --content {library} content facts suggest{named} "
        "--write`, write each draft's headline and remove `draft: true` to confirm it, then "
        "run `/reload`."
    )


def fact_reply(
    pack: Pack,
    fact: Fact | None,
    *,
    topic: str | None,
    ephemeral: bool,
    facts: Sequence[Fact] | None = None,
    fallback: tuple[int, int] | None = None,
    reading: int | None = None,
) -> Reply:
    """`fact`, quoted from `pack`; or, for None, why there is none among `facts` (those
    drawn from: default, the pack's own). `fallback`: (the reader's edition, `pack`'s) when
    the reader's edition has no facts yet and they come from `pack`'s. `reading`: the
    reader's edition (`fact_embed`)."""
    facts = pack.facts if facts is None else facts
    if fact is None:
        tags = fact_topics(facts)
        shown = ", ".join(code(t) for t in tags[:SHOWN_TOPICS])
        if len(tags) > SHOWN_TOPICS:
            more = len(tags) - SHOWN_TOPICS
            shown += f" and {more} more (`topic` offers them as you type)"
        title = "No such fact"
        if not facts:
            title = "No facts yet"
            text = (
                f"{escape(pack.manifest.title)} has no facts yet.\n"
                f"{steps_to_add_facts(pack.manifest.edition_year)}"
            )
        elif not topic:
            text = "No fact to show."
        else:
            text = f"No fact on **{escape(clip(topic, 100))}**."
            if shown:
                text += f" Topics include: {shown}."
        return Reply(
            embeds=[{"title": title, "description": text, "color": WARN_COLOUR}],
            ephemeral=True,
        )
    footer = None
    if fallback is not None:
        footer = f"{pack.manifest.title} · fact {fact.id} · {fallback_note(fallback)}"
    return Reply(
        embeds=[fact_embed(pack, fact, footer=footer, reading=reading)], ephemeral=ephemeral
    )


def fallback_note(fallback: tuple[int, int]) -> str:
    """Why a fact is from another edition than the reader's: (reader's, fact's)."""
    reader, drawn = fallback
    return f"{reader} has no facts yet, so this is from {drawn}"
