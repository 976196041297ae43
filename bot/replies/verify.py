"""The /verify reply: verbatim or not, where, and the differences marked word by word."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bot.pack.model import Pack
from bot.pack.refs import written_ref
from bot.replies.also_in import also_in_text, held_at
from bot.replies.common import ERROR_COLOUR, OK_COLOUR, WARN_COLOUR, Reply, clip, quote_block
from bot.replies.errors import and_list, held_text
from bot.replies.limits import EMBED_DESCRIPTION_MAX
from bot.replies.markdown import code, escape
from bot.search.verify import (
    MIN_QUOTE_CHARS,
    MIN_QUOTE_WORDS,
    DiffOp,
    LibraryVerdict,
    Verdict,
)


def render_diff(
    ops: tuple[DiffOp, ...],
    *,
    quoted: str = "~~{}~~",
    text: str = "**{}**",
    between: str = " → ",
    quote: Callable[[str], str] = escape,
) -> str:
    """Words the quote has wrong are struck through, the text's words shown in bold; other
    marks (`quoted`, `text`, `between`) and no escaping (`quote`) for a terminal."""
    parts: list[str] = []
    for op in ops:
        if op.kind == "equal":
            parts.append(quote(op.passage))
        elif op.kind == "removed":
            parts.append(quoted.format(quote(op.quote)))
        elif op.kind == "missing":
            parts.append(text.format(quote(op.passage)))
        else:
            parts.append(quoted.format(quote(op.quote)) + between + text.format(quote(op.passage)))
    return " ".join(p for p in parts if p)


def library_verify_reply(
    packs: Mapping[str, Pack],
    found: LibraryVerdict,
    *,
    ephemeral: bool = False,
    reading: int | None = None,
) -> Reply:
    """The answer to a quote checked in a library: from the edition it is in, saying so when
    that is not the one checked first, and naming the other editions holding it. `reading`:
    the edition the reader reads (default: the one checked first); references of any other
    carry their year."""
    pack = packs[found.pack_key]
    year = pack.manifest.edition_year
    first = packs[found.checked_first].manifest.edition_year
    verdict = found.verdict

    also = ""
    if verdict.verbatim and verdict.matches:
        # Where the check found the quote in each other edition: not looked for again.
        held = held_at(packs, found.also_in, year=year, ref=verdict.matches[0].ref)
        also = also_in_text(held)
    return verify_reply(
        pack,
        verdict,
        ephemeral=ephemeral,
        instead_of=first if found.elsewhere else None,
        also_in=also,
        checked=list(
            dict.fromkeys(packs[k].manifest.edition_year for k in found.checked if k in packs)
        ),
        year=year,
        reading=first if reading is None else reading,
        held=held_text(packs.values(), first),
    )


def verify_reply(
    pack: Pack,
    verdict: Verdict,
    *,
    ephemeral: bool = False,
    instead_of: int | None = None,
    also_in: str = "",
    checked: Sequence[int] = (),
    year: int | None = None,
    reading: int | None = None,
    held: str = "",
) -> Reply:
    """`instead_of`: the edition checked first, when the verdict is another's (`year`).
    References carry their year, as /section takes them, when `year` is given and is not
    `reading`, the edition the reader reads. `also_in`: other editions
    holding the quote verbatim, as `also_in_text` names them; `checked`: every edition checked,
    and `held`, what the library holds of the one checked first (`held_text`): for "Not found"."""
    quoted = quote_block(escape(clip(verdict.quote, 600))) if verdict.quote else "> (empty)"

    def ref(text: str) -> str:
        return code(text if year is None else written_ref(text, year, reading))

    if verdict.too_short:
        text = (
            f"✋ **Too short to check.**\n{quoted}\n\nA quote of fewer than {MIN_QUOTE_WORDS} words "
            f"or {MIN_QUOTE_CHARS} characters stands in too many places to prove anything. Quote "
            "a longer stretch, or use `/search` to find where words appear."
        )
        return Reply(
            embeds=[_embed("Quote check: too short", text, WARN_COLOUR, pack, checked=False)],
            ephemeral=ephemeral,
        )
    if verdict.verbatim and verdict.matches:
        first = verdict.matches[0]
        if verdict.across:
            breaks = "a paragraph break" if len(verdict.matches) == 2 else "paragraph breaks"
            said = (
                f"✅ **Verbatim, across {breaks}.** This quote runs on from {ref(first.ref)} "
                f"into {ref(verdict.matches[-1].ref)}."
            )
        else:
            refs = list(dict.fromkeys(m.ref for m in verdict.matches))
            where = ", ".join(ref(r) for r in refs[:5])
            if len(refs) > 5:
                where += f" and {len(refs) - 5} more"
            said = f"✅ **Verbatim.** This quote stands at {where}."
        if instead_of is not None:
            said = f"*From {year}, not in {instead_of}.*\n{said}"
        if also_in:
            said += f" Also in {also_in}."
        text = f"{said}\n\n{quoted}\n\n*{escape(first.title)}*"
        return Reply(
            embeds=[_embed("Quote check: verbatim", text, OK_COLOUR, pack, first.ref)],
            ephemeral=ephemeral,
        )
    # Not verbatim anywhere: a passage from another edition only when none checked first
    # was as close.
    note = f"*Closest in {year}; nothing as close in {instead_of}.*\n" if instead_of else ""
    if verdict.closest is not None and verdict.differs_only_in:
        closest = verdict.closest
        differ = "differs" if verdict.differs_only_in == "punctuation" else "differ"
        text = (
            f"{note}⚠️ **Verbatim except for {verdict.differs_only_in}.** The words are the "
            f"text's, at {ref(closest.ref)}; only the {verdict.differs_only_in} {differ}.\n\n"
            f"**You quoted:**\n{quoted}\n\n"
            f"**The text says:**\n{quote_block(escape(closest.passage))}"
        )
        title = f"Quote check: {verdict.differs_only_in} {differ}"
        return Reply(
            embeds=[_embed(title, text, WARN_COLOUR, pack, closest.ref)], ephemeral=ephemeral
        )
    if verdict.closest is not None:
        closest = verdict.closest
        where = f"is at {ref(closest.ref)}"
        says = closest.passage
        if verdict.across:  # copied across a paragraph break, with a slip
            where = f"runs on from {ref(closest.ref)} into {ref(verdict.matches[-1].ref)}"
            says = "\n\n".join(m.passage for m in verdict.matches)
        text = (
            f"{note}❌ **Not verbatim.** The closest passage {where} "
            f"({verdict.similarity:.0f}% similar).\n\n**You quoted:**\n{quoted}\n\n"
            f"**The text says:**\n{quote_block(escape(says))}\n\n"
            f"**Differences** (~~quoted~~ → **text**):\n{render_diff(verdict.diff)}"
        )
        return Reply(
            embeds=[_embed("Quote check: misquote", text, ERROR_COLOUR, pack, closest.ref)],
            ephemeral=ephemeral,
        )
    tips = ", ".join(code(s) for s in verdict.suggestions[:5])
    text = f"🔍 **Not found.** Nothing in the Bluebook is close to:\n{quoted}"
    if len(checked) > 1:
        text += f"\n\nChecked {checked[0]}, then {and_list(checked[1:])}."
    if tips:
        text += f"\n\nPerhaps: {tips}"
    if held:
        text += f"\n\n{held}"
    return Reply(
        embeds=[_embed("Quote check: not found", text, WARN_COLOUR, pack)], ephemeral=ephemeral
    )


def _embed(
    title: str, text: str, colour: int, pack: Pack, ref: str | None = None, *, checked: bool = True
) -> dict:
    """Linked to the page of the passage at `ref` (a pack of many pages has many addresses);
    an answer about no passage links the chapter's first page, as /toc does, and says so.
    `checked`: the quote was compared with the text (not when too short to check)."""
    paragraph = pack.paragraphs.get(ref or "")
    section = pack.section_of(paragraph) if paragraph else pack.sections.get(ref or "")
    footer = f"{pack.manifest.title} · checked word for word" if checked else pack.manifest.title
    if section is None:
        footer += " · the link opens the chapter's first page"
    return {
        "title": title,
        "url": pack.source_url(section) if section is not None else pack.manifest.source_url,
        "description": clip(text, EMBED_DESCRIPTION_MAX),
        "color": colour,
        "footer": {"text": footer},
    }
