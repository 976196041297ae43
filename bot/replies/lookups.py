"""Compact replies for keyword lookups in chat: short, quoted, referenced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.lookups.extract import Lookup
from bot.pack.model import GlossaryTerm, Pack, Section
from bot.pack.refs import RefIndex, Resolved, written_ref
from bot.replies.common import QUOTE_COLOUR, WARN_COLOUR, Reply, clip, highlight, quote_block
from bot.replies.errors import missing_paragraph_reply, no_section_reply, section_notes
from bot.replies.markdown import code, escape
from bot.replies.search import edition_note
from bot.search import SearchEngine, SearchResult

if TYPE_CHECKING:
    from bot.served import ServedLibrary, ServedPack

# A lookup answer stays short in the conversation; /search and /section give the rest.
EXCERPT_CHARS = 700
OPENING_CHARS = 400


def _result_embed(pack: Pack, lookup: Lookup, result: SearchResult, ref: str = "") -> dict:
    """`ref`: the result's reference as the reader writes it (`written_ref`), default as is."""
    ref = ref or result.ref
    section = pack.sections[result.section_ref]
    body = highlight(result.excerpt, result.spans, within=result.paragraph)
    if len(body) > EXCERPT_CHARS:
        body = escape(clip(result.excerpt, EXCERPT_CHARS))
    return {
        # The asker's words are echoed: escaped, so `[[@everyone GCAP]]` neither pings nor renders.
        "title": clip(f"[[{escape(lookup.text, links=False)}]] · {ref}", 256),
        "url": pack.source_url(section),
        "description": quote_block(body),
        "color": QUOTE_COLOUR,
        "footer": {"text": clip(f"{section.heading} · {pack.manifest.title}", 2048)},
    }


def _opening_embed(
    pack: Pack, section: Section, ref: str, text: str, year: int | None = None
) -> dict:
    """`year`: the pack's edition, when it is not the server's, so that /section opens it."""
    opening = clip(text, OPENING_CHARS)
    ref = ref if year is None else written_ref(ref, year)
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
    text = f"Nothing in the Bluebook matches **{escape(clip(lookup.text, 100))}**."
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
    library: ServedLibrary, served: ServedPack, lookup: Lookup, *, reader: ServedPack | None = None
) -> tuple[dict, str | None, int, str]:
    """The embed for one lookup read in pack `served`'s edition (the one it names, else the
    server's, `reader`'s), the reference it quotes, the number of results and the pack key
    quoted. A reference opens the chapter it names and is answered as /section answers it;
    words are searched as /search searches them, every chapter and edition ranked together."""
    reader = reader or served
    if lookup.kind == "ref":
        found = lookup.found or library.edition_refs(served.pack_key).resolve(
            lookup.ref or lookup.text
        )
        return _ref_embed(library, library.holding(found, served.pack_key), reader, lookup, found)
    response = library.search(lookup.words, pack_key=served.pack_key, limit=1)
    if not response.results:
        return _miss_embed(lookup, list(response.suggestions)), None, 0, served.pack_key
    top = response.results[0]
    pack = library.packs[top.pack_key].pack
    year = pack.manifest.edition_year
    written = written_ref(top.result.ref, year, reader.year)
    embed = _result_embed(pack, lookup, top.result, written)
    if year != served.year:
        note = edition_note(served.year, year, only_elsewhere=response.only_elsewhere)
        embed["description"] = f"{note}\n{embed['description']}"
    return embed, top.result.ref, 1, top.pack_key


def _ref_embed(
    library: ServedLibrary, held: ServedPack, reader: ServedPack, lookup: Lookup, found: Resolved
) -> tuple[dict, str | None, int, str]:
    """A reference resolved in pack `held`: its opening, else what /section says of it (a
    year on what it offers to open when `held` is of another edition than `reader`'s)."""
    other = held.year if held.year != reader.year else None
    if found.section is not None:
        para = found.paragraph or next(found.section.all_paragraphs(), None)
        text = para.text if para else found.section.heading
        ref = found.paragraph.ref if found.paragraph else found.section.ref
        return _opening_embed(held.pack, found.section, ref, text, other), ref, 1, held.pack_key
    reply = missing_paragraph_reply(found, held.label, other) or no_section_reply(
        lookup.text,
        held.label,
        found.suggestions,
        year=other,
        notes=section_notes(library.library, lookup.ref or lookup.text, held.year, lookup.year),
    )
    return {"description": reply.content, "color": WARN_COLOUR}, None, 0, held.pack_key


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
