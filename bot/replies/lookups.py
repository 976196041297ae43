"""Compact replies for keyword lookups in chat: short, quoted, referenced."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.lookups.extract import Lookup
from bot.pack.model import GlossaryTerm, Pack, Section
from bot.pack.refs import RefIndex
from bot.replies.common import QUOTE_COLOUR, WARN_COLOUR, Reply, clip, highlight, quote_block
from bot.replies.errors import missing_paragraph_reply
from bot.replies.markdown import code, escape
from bot.search import SearchEngine, SearchResult

if TYPE_CHECKING:
    from bot.search.library import LibraryResult
    from bot.served import ServedLibrary, ServedPack

# A lookup answer stays short in the conversation; /search and /section give the rest.
EXCERPT_CHARS = 700
OPENING_CHARS = 400


def _result_embed(pack: Pack, lookup: Lookup, result: SearchResult) -> dict:
    section = pack.sections[result.section_ref]
    body = highlight(result.excerpt, result.spans)
    if len(body) > EXCERPT_CHARS:
        body = escape(clip(result.excerpt, EXCERPT_CHARS))
    return {
        # The asker's words are echoed: escaped, so `[[@everyone GCAP]]` neither pings nor renders.
        "title": clip(f"[[{escape(lookup.text)}]] · {result.ref}", 256),
        "url": pack.source_url(section),
        "description": quote_block(body),
        "color": QUOTE_COLOUR,
        "footer": {"text": clip(f"{section.heading} · {pack.manifest.title}", 2048)},
    }


def _opening_embed(pack: Pack, section: Section, ref: str, text: str) -> dict:
    opening = clip(text, OPENING_CHARS)
    more = f"\n*(more: `/section {ref}`)*" if opening != text else ""
    return {
        "title": clip(f"{section.heading} · {ref}", 256),
        "url": pack.source_url(section),
        "description": quote_block(escape(opening)) + more,
        "color": QUOTE_COLOUR,
        "footer": {"text": pack.manifest.title},
    }


def _miss_embed(lookup: Lookup, suggestions: list[str]) -> dict:
    tips = ", ".join(code(s) for s in suggestions[:3])
    text = f"Nothing in the chapter for **{escape(clip(lookup.text, 100))}**."
    if tips:
        text += f" Try {tips}."
    return {"description": text, "color": WARN_COLOUR}


def lookup_embed(
    pack: Pack, engine: SearchEngine, refs: RefIndex, lookup: Lookup
) -> tuple[dict, str | None, int]:
    """The embed for one lookup, the reference it quotes, and the number of results."""
    if lookup.kind == "ref":
        # Resolved once, when the message was parsed, unless it names another edition.
        found = lookup.found or refs.resolve(lookup.ref or lookup.text)
        if found.section is not None:
            para = found.paragraph or next(found.section.all_paragraphs(), None)
            text = para.text if para else found.section.heading
            ref = found.paragraph.ref if found.paragraph else found.section.ref
            return _opening_embed(pack, found.section, ref, text), ref, 1
        # As /section answers it: the section, its paragraphs, and how to open it.
        missing = missing_paragraph_reply(found, pack.manifest.title, lookup.year)
        if missing is not None:
            return {"description": missing.content, "color": WARN_COLOUR}, None, 0
        return _miss_embed(lookup, [s.ref for s in found.suggestions]), None, 0
    response = engine.search(lookup.words, limit=1)
    if not response.results:
        return _miss_embed(lookup, list(response.suggestions)), None, 0
    top = response.results[0]
    return _result_embed(pack, lookup, top), top.ref, len(response.results)


def library_lookup_embed(
    library: ServedLibrary, served: ServedPack, lookup: Lookup
) -> tuple[dict, str | None, int, str]:
    """`lookup_embed` in pack `served`'s edition, and the pack key quoted. A reference opens
    the chapter it names; words are answered from every chapter of the edition and, when it
    has nothing for them, from another edition, as /search does, saying so first."""
    if lookup.kind == "ref":
        resolved = lookup.found or library.edition_refs(served.pack_key).resolve(
            lookup.ref or lookup.text
        )
        served = library.holding(resolved, served.pack_key)
        lookup = replace(lookup, found=resolved)
    if lookup.kind == "ref" or len(library.chapters(served.pack_key)) < 2:
        embed, ref, count = lookup_embed(served.pack, served.engine, served.refs, lookup)
        if count or lookup.kind == "ref" or lookup.year is not None or len(library.packs) < 2:
            return embed, ref, count, served.pack_key
        others = library.search(lookup.words, pack_key=served.pack_key, limit=1).results
        if not others:
            return embed, ref, count, served.pack_key
        return _elsewhere(library, served, lookup, others[0])
    # Several chapters: the edition's best match in any of them, as /search ranks them.
    response = library.search(lookup.words, pack_key=served.pack_key)
    if response.in_edition:
        top = response.in_edition[0]
        pack = library.packs[top.pack_key].pack
        return _result_embed(pack, lookup, top.result), top.result.ref, 1, top.pack_key
    if not response.results or lookup.year is not None:
        return _miss_embed(lookup, list(response.suggestions)), None, 0, served.pack_key
    return _elsewhere(library, served, lookup, response.results[0])


def _elsewhere(
    library: ServedLibrary, served: ServedPack, lookup: Lookup, found: LibraryResult
) -> tuple[dict, str | None, int, str]:
    """A lookup answered from another edition than `served`'s, saying so first."""
    pack = library.packs[found.pack_key].pack
    embed = _result_embed(pack, lookup, found.result)
    note = f"*Nothing in {served.year} matches; this is from {pack.manifest.edition_year}.*"
    embed["description"] = f"{note}\n{embed['description']}"
    return embed, found.result.ref, 1, found.pack_key


def passive_reply(terms: list[GlossaryTerm]) -> Reply:
    """One line per term: what it stands for and where the chapter has it."""
    lines = []
    for term in terms[:3]:
        where = f" · `{term.ref}`" if term.ref else ""
        # Inside inline code a backslash shows as typed, so the copyable syntax is not escaped.
        syntax = f"`[[{term.term.replace('`', '')}]]`"
        lines.append(
            f"**{escape(term.term)}** — {escape(term.expansion)}{where} · {syntax} quotes it"
        )
    return Reply(content="\n".join(lines))
