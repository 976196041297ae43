"""Replies for /search and its buttons."""

from __future__ import annotations

from collections.abc import Mapping

from bot.pack.model import Pack, Section
from bot.pack.refs import written_ref
from bot.replies.also_in import also_in_text, held_elsewhere, paragraph_in
from bot.replies.common import (
    QUOTE_COLOUR,
    WARN_COLOUR,
    Button,
    Reply,
    clip,
    highlight,
    quote_block,
)
from bot.replies.custom_ids import SearchState, needs_token
from bot.replies.errors import held_text
from bot.replies.limits import EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX, EMBED_TITLE_MAX
from bot.replies.markdown import code, escape
from bot.search import SearchResponse, SearchResult
from bot.search.analysis import STOPWORDS
from bot.search.library import LibraryResponse
from bot.search.normalize import normalize, words


def section_path(section: Section) -> str:
    names: list[str] = []
    node: Section | None = section
    while node is not None:
        names.append(node.heading)
        node = node.parent
    return " › ".join(reversed(names))


def result_embed(
    pack: Pack, result: SearchResult, *, position: str, whole: bool = False, ref: str = ""
) -> dict:
    """`ref`: the result's reference as the reader writes it (`written_ref`), default as is."""
    ref = ref or result.ref
    section = pack.sections[result.section_ref]
    body = (
        escape(result.paragraph)
        if whole
        else highlight(result.excerpt, result.spans, within=result.paragraph)
    )
    note = ""
    if len(body) > EMBED_DESCRIPTION_MAX - 200:
        body = clip(body, EMBED_DESCRIPTION_MAX - 200)
        note = f"\n*(continues: `/section {ref}`)*"
    return {
        "title": clip(section.heading, EMBED_TITLE_MAX),
        "url": pack.source_url(section),
        "description": quote_block(body) + note,
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "Reference", "value": code(ref), "inline": True},
            {"name": "Path", "value": clip(section_path(section), EMBED_FIELD_VALUE_MAX)},
        ],
        "footer": {"text": f"{pack.manifest.title} · {position} · verbatim quote"},
    }


def result_buttons(
    owner: int,
    index: int,
    total: int,
    query: str,
    pack_key: str,
    *,
    whole: bool,
    single: bool,
    token: str | None = None,
    stamp: str = "",
) -> list[Button]:
    """Only the buttons that can do something: no pages for a single result, no "whole
    paragraph" when the excerpt already is the whole paragraph. A long query goes into them
    as `token`, which the caller made with the installation's key and kept in storage;
    `stamp` is the text stamp of the library searched."""
    if needs_token(query) and token is None:
        raise ValueError("a long query needs its token")
    text = query if token is None else None
    # Each button's state is the same but for its verb and position (no closure to make
    # them: compiled, a closure costs more than the repetition).
    buttons: list[Button] = []
    if total > 1:
        before, after = max(index - 1, 0), min(index + 1, total - 1)
        buttons += [
            Button(
                "◀ Previous",
                state=SearchState(owner, "p", before, total, text, token, pack_key, stamp),
                disabled=index == 0,
            ),
            Button(
                "Next ▶",
                state=SearchState(owner, "n", after, total, text, token, pack_key, stamp),
                disabled=index >= total - 1,
            ),
        ]
    if whole or not single:
        verb = "e" if whole else "w"
        buttons.append(
            Button(
                "Excerpt" if whole else "Whole paragraph",
                state=SearchState(owner, verb, index, total, text, token, pack_key, stamp),
                style="primary",
            )
        )
    return buttons


def no_results_reply(response: SearchResponse, *, ephemeral: bool = False, held: str = "") -> Reply:
    """The answer to a query nothing matched: suggestions, the outline, and `held` (what the
    library holds, `held_text`)."""
    # A query of invisible characters alone (zero-width spaces) is empty, as search reads it.
    query = clip(response.query.strip(), 200) if normalize(response.query).strip() else ""
    query = query or "(empty)"
    typed = words(response.query)
    too_common = bool(typed) and all(w in STOPWORDS for w in typed)
    if too_common:
        common = "is too common" if len(typed) == 1 else "has only words too common"
        lines = [
            f"**{escape(query)}** {common} to search for. Add a word that says what you are "
            "looking for."
        ]
    else:
        lines = [f"Nothing in the Bluebook matches **{escape(query)}**."]
    if response.suggestions:
        tips = ", ".join(code(s) for s in response.suggestions[:5])
        lines.append(f"Try: {tips}")
        lines.append("Or browse the outline with `/toc`.")
    else:
        lines.append("Browse the outline with `/toc`.")
    if held and not too_common:
        lines.append(held)
    embed = {"title": "No match", "description": "\n".join(lines), "color": WARN_COLOUR}
    return Reply(embeds=[embed], ephemeral=ephemeral)


def loose_match_note(result: SearchResult) -> str:
    """Said above the closest passage to a whole message it answers little of."""
    shared = list(dict.fromkeys(result.excerpt[s:e].casefold() for s, e in result.spans))[:3]
    words = ", ".join(f"“{escape(w)}”" for w in shared)
    has = f"; the nearest passage has only {words}" if words else ""
    return f"Nothing in the Bluebook closely answers this message{has}."


def edition_note(searched: int, year: int, *, only_elsewhere: bool) -> str:
    """Said above a result from edition `year` when edition `searched` was searched first:
    whether `searched` had nothing, or only weaker matches."""
    if only_elsewhere:
        return f"*Nothing in {searched} matches; this is from {year}.*"
    return f"*From {year}, not in {searched}.*"


def library_search_reply(
    packs: Mapping[str, Pack],
    response: LibraryResponse,
    *,
    owner: int,
    index: int = 0,
    whole: bool = False,
    ephemeral: bool = False,
    token: str | None = None,
    stamp: str = "",
    reading: int | None = None,
) -> Reply:
    """The result at `index` with buttons for the other results and the whole paragraph
    (`token` and `stamp`: see `result_buttons`).

    Each result quotes its own edition, notes the editions holding it unchanged, and says
    so when only another edition matched. `reading`: the edition the reader reads (default:
    the one searched); a result of any other is referred to with its year."""
    if not response.results:
        holding = held_text(packs.values(), packs[response.pack_key].manifest.edition_year)
        return no_results_reply(response.primary, ephemeral=ephemeral, held=holding)
    index = max(0, min(index, len(response.results) - 1))
    total = len(response.results)
    found = response.results[index]
    pack = packs[found.pack_key]
    year = pack.manifest.edition_year
    searched = packs[response.pack_key].manifest.edition_year
    # A reference typed plainly would open the edition read: another's names its year.
    written = written_ref(found.result.ref, year, searched if reading is None else reading)
    embed = result_embed(
        pack, found.result, position=f"result {index + 1} of {total}", whole=whole, ref=written
    )
    result = found.result
    ref_in = paragraph_in(result.paragraph, result.ref)
    # Editions, not packs: another chapter of this edition holding the same words is no other.
    held = held_elsewhere(packs, found.also_in, year=year, ref=result.ref, ref_in=ref_in)
    if also := also_in_text(held):
        embed["fields"].insert(1, {"name": "Also in", "value": also, "inline": True})
    # Another chapter of the edition searched is that edition: nothing to say.
    if year != searched:
        note = edition_note(searched, year, only_elsewhere=response.only_elsewhere)
        embed["description"] = note + "\n" + embed["description"]
    single = found.result.excerpt.strip() == found.result.paragraph.strip()
    buttons = result_buttons(
        owner,
        index,
        total,
        response.query,
        response.pack_key,
        whole=whole,
        single=single,
        token=token,
        stamp=stamp,
    )
    return Reply(embeds=[embed], buttons=[buttons] if buttons else [], ephemeral=ephemeral)
