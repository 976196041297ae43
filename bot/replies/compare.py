"""Replies for /compare: one section in two editions with what changed marked, or (without a
reference) the sections that changed between two editions, most changed first; paginated."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.pack.compare import (
    ADDED,
    NOT_HELD,
    REMOVED,
    REWRITTEN,
    SAME,
    UNCHANGED,
    Comparison,
    EditionChanges,
    HeadingChange,
    ParagraphChange,
    Piece,
    SectionChanges,
    text_key,
)
from bot.pack.held_pages import PageNotHeld
from bot.pack.library import CompareMiss
from bot.pack.model import Pack
from bot.pack.refs import written_ref
from bot.replies.common import QUOTE_COLOUR, Button, Reply, clip, split_words
from bot.replies.custom_ids import COMPARE_OVERVIEW, CompareState
from bot.replies.errors import no_section_reply
from bot.replies.limits import EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX
from bot.replies.markdown import escape
from bot.search.sentences import split_sentences

PAGE_CHARS = EMBED_DESCRIPTION_MAX - 400
# Around a change, at most this many characters of unchanged text are shown on each side.
CONTEXT_CHARS = 160
# Sections listed on one page of "what changed between two editions".
SECTIONS_PER_PAGE = 10
# The reference a /compare page button carries for the list of changed sections.
OVERVIEW_REF = COMPARE_OVERVIEW
# Between removed and added words of one change: a visible arrow, never "aboutmore than".
ARROW = " → "


def other_edition_note(ref: str, miss: CompareMiss, year: int, *, mark: str = "`") -> str:
    """What is said when the reference named edition `year`, which lacks it, and the other
    edition compared holds it: "`3.1.1(3)` is 2025's; in 2024 it was `3.1.1(2)`." ("" when
    the other does not hold it either). `mark`: what encloses a reference (the CLI's "'")."""
    if miss.other_year is None:
        return ""
    # Inside inline code Markdown shows as typed: only a backtick would end it.
    typed = clip(ref.strip(), 80).replace("`", "'")
    shown = f"{mark}{typed}{mark}"
    if miss.was is None:
        return f"{shown} is {miss.other_year}'s; {year} has nothing that is it."
    return f"{shown} is {miss.other_year}'s; in {year} it was {mark}{miss.was}{mark}."


def compare_miss_reply(ref: str, label: str, miss: CompareMiss, year: int | None) -> Reply:
    """/compare of a reference found in neither edition as asked (`year`: the edition it
    named): the other edition's number when it is that edition's, then the closest sections,
    with `year` so that comparing one reads it in that edition again."""
    note = other_edition_note(ref, miss, year) if year is not None else ""
    return no_section_reply(ref, label, miss.closest, year=year, notes=[note] if note else [])


def marked(pieces: tuple[Piece, ...]) -> str:
    """Removed text ~~struck~~, added **bold**, a replacement `~~old~~ → **new**`, the rest
    escaped; long unchanged runs cut."""
    out: list[str] = []
    for i, piece in enumerate(pieces):
        text = piece.text
        if piece.op == REMOVED:
            out.append(_wrap("~~", text))
        elif piece.op == ADDED:
            replaces = i > 0 and pieces[i - 1].op == REMOVED
            if replaces and out:
                # The arrow goes between the two; the space after the removed words moves
                # after the added ones.
                out[-1] = out[-1].rstrip()
                out.append(ARROW + _wrap("**", text.lstrip()))
            else:
                out.append(_wrap("**", text))
        else:
            first, last = i == 0, i == len(pieces) - 1
            out.append(escape(_context(text, lead=not first, tail=not last)))
    return "".join(out)


def _wrap(mark: str, text: str) -> str:
    # Markdown needs the marks against the words: keep surrounding spaces outside them.
    core = text.strip()
    if not core:
        return text
    start = text[: len(text) - len(text.lstrip())]
    end = text[len(text.rstrip()) :]
    return f"{start}{mark}{escape(core)}{mark}{end}"


def _context(text: str, *, lead: bool, tail: bool) -> str:
    """Unchanged text between changes: its ends only, when long, cut at spaces. The space
    next to a change is kept, so a mark never runs into the word beside it."""
    if len(text) <= 2 * CONTEXT_CHARS + 5:
        return text
    head = text[:CONTEXT_CHARS] if lead else ""
    foot = text[-CONTEXT_CHARS:] if tail else ""
    if head and " " in head:
        head = head[: head.rfind(" ") + 1]
    if foot and " " in foot:
        foot = foot[foot.find(" ") :]
    return f"{head}…{foot}"


def rewritten_sentences(before: str, after: str) -> list[tuple[str, str]]:
    """A rewritten paragraph as (before, after) runs of sentences that differ; sentences that
    read the same in both are left out."""
    a = [before[s:e] for s, e in split_sentences(before)]
    b = [after[s:e] for s, e in split_sentences(after)]
    matcher = difflib.SequenceMatcher(
        None, [text_key(s) for s in a], [text_key(s) for s in b], autojunk=False
    )
    return [
        (" ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def _refs(paragraphs: tuple[object, ...]) -> str:
    return ", ".join(f"`{p.ref}`" for p in paragraphs)  # type: ignore[attr-defined]


def paragraph_block(change: ParagraphChange) -> str:
    """One paragraph's change as Discord text."""
    ref = (change.after or change.before).ref  # type: ignore[union-attr]
    if change.status == SAME:
        return f"`{ref}` unchanged"
    if change.status == ADDED:
        return f"`{ref}` added: **{escape(change.after_text)}**"
    if change.status == REMOVED:
        return f"`{ref}` removed: ~~{escape(change.before_text)}~~"
    if change.status == REWRITTEN:
        lines = [f"`{ref}` rewritten:"]
        for old, new in rewritten_sentences(change.before_text, change.after_text):
            if old:
                lines.append(f"> **Before:** {escape(old)}")
            if new:
                lines.append(f"> **After:** {escape(new)}")
        return "\n".join(lines)
    if change.more_after:
        label = f"`{change.before.ref}` split into {_refs(change.afters)}"  # type: ignore[union-attr]
    elif change.more_before:
        label = f"{_refs(change.befores)} merged into `{ref}`"
    else:
        label = f"`{ref}` changed"
    if all(p.op == SAME for p in change.diff):
        return f"{label}; no words changed."
    return f"{label}: {marked(change.diff)}"


def heading_block(change: HeadingChange) -> str:
    return f"`{change.ref}` heading: {marked(change.diff)}"


def not_held_block(missing: PageNotHeld, *, out: str = "LIBRARY") -> str:
    head = f"Page {missing.page} ({_refs_text(missing.refs)}) is not in the {missing.edition} "
    if not missing.likely:
        return (
            f"{head}library, so it is not compared: {missing.doubt}: `{missing.fetch_command(out)}`"
        )
    return f"{head}library, so it is not compared. To fetch it: `{missing.fetch_command(out)}`"


def _refs_text(refs: tuple[str, ...]) -> str:
    return ", ".join(f"`{r}`" for r in refs[:3]) + (" …" if len(refs) > 3 else "")


def _blocks(found: Comparison) -> list[str]:
    blocks = [heading_block(h) for h in found.headings]
    blocks += [paragraph_block(change) for change in found.paragraphs]
    blocks += [not_held_block(n) for n in found.not_held]
    return blocks


def renumbered_line(found: Comparison, before: Pack, after: Pack) -> str | None:
    """ "Renumbered from `3.1.1(2)` in 2024; now `3.1.1(3)` in 2025." for a section whose
    reference differs between the two editions; else None."""
    if found.was is None:
        return None
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    return f"Renumbered from `{found.was}` in {y0}; now `{found.ref}` in {y1}."


def compare_pages(found: Comparison, before: Pack, after: Pack) -> list[str]:
    pages = _section_pages(found, before, after)
    renumbered = renumbered_line(found, before, after)
    if renumbered is not None:
        pages[0] = f"{renumbered}\n{pages[0]}"
    return pages


def _section_pages(found: Comparison, before: Pack, after: Pack) -> list[str]:
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    if found.status == NOT_HELD:
        missing = found.not_held[0]
        advice = f"To fetch it: `{missing.fetch_command()}`"
        if not missing.likely:
            advice = f"{missing.doubt[0].upper()}{missing.doubt[1:]}: `{missing.fetch_command()}`"
        return [
            f"**Not in the {missing.edition} library**: `{found.ref}` is on page "
            f"{missing.page}, which the {missing.edition} edition here does not hold, so there "
            f"is nothing to compare it with. {advice}"
        ]
    if found.status == UNCHANGED and not found.not_held:
        return [f"**Unchanged** from {y0} to {y1}: every paragraph reads the same."]
    if found.status == ADDED:
        head = f"**Added** in {y1}: not in {y0}."
    elif found.status == REMOVED:
        head = f"**Removed** in {y1}: only in {y0}."
    elif found.status == UNCHANGED:
        head = f"**Unchanged** from {y0} to {y1} where both editions hold the text."
    else:
        head = (
            f"**Changed** from {y0} to {y1}. Struck-through words are only in {y0}, bold ones "
            f"only in {y1}."
        )
    return _paginate(head, _blocks(found))


def _paginate(head: str, blocks: list[str]) -> list[str]:
    pages: list[str] = []
    current = head
    for block in blocks:
        for piece in split_words(block, PAGE_CHARS):
            joined = f"{current}\n\n{piece}"
            if len(joined) <= PAGE_CHARS:
                current = joined
            else:
                pages.append(current)
                current = piece
    pages.append(current)
    return pages


def _page_buttons(
    owner: int, page: int, pages: int, ids: tuple[str, str, str]
) -> list[list[Button]]:
    if pages <= 1:
        return []
    return [
        [
            Button(
                "◀ Page",
                state=CompareState(owner, "p", max(page - 1, 0), *ids),
                disabled=page == 0,
            ),
            Button(
                "Page ▶",
                state=CompareState(owner, "n", min(page + 1, pages - 1), *ids),
                disabled=page >= pages - 1,
            ),
        ]
    ]


def compare_reply(
    found: Comparison,
    before: Pack,
    after: Pack,
    *,
    owner: int,
    page: int = 0,
    ephemeral: bool = False,
) -> Reply:
    pages = compare_pages(found, before, after)
    page = max(0, min(page, len(pages) - 1))
    section = found.after or found.before
    assert section is not None
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    embed = {
        "title": clip(f"{section.heading} — {y0} → {y1}", EMBED_TITLE_MAX),
        "url": after.source_url(found.after) if found.after else before.source_url(section),
        "description": pages[page],
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "Reference", "value": _reference(found), "inline": True},
            {"name": "Status", "value": found.status, "inline": True},
        ],
        "footer": {
            "text": f"{before.manifest.title} → {after.manifest.title} · page {page + 1} of "
            f"{len(pages)}"
        },
    }
    # A section only the earlier edition holds is named by its reference there: the later
    # may give that number to another section.
    ref = found.ref if found.after is not None else written_ref(found.ref, y0)
    ids = (found.before_key, found.after_key, ref)
    return Reply(
        embeds=[embed], buttons=_page_buttons(owner, page, len(pages), ids), ephemeral=ephemeral
    )


def _reference(found: Comparison) -> str:
    return f"`{found.ref}` (was `{found.was}`)" if found.was is not None else f"`{found.ref}`"


def _counts(line: SectionChanges) -> str:
    return f"{line.changed} changed, {line.added} added, {line.removed} removed"


def section_line(rank: int, line: SectionChanges) -> str:
    """One changed section: its rank, reference (ready for `/compare REF`), title and counts."""
    status = line.comparison.status
    what = _counts(line)
    if status in (ADDED, REMOVED):
        what = f"section {status}"
    renamed = line.renamed
    was = f" (was `{line.was}`)" if line.was is not None else ""
    text = f"**{rank}.** `{line.ref}`{was} {escape(line.section.title)} — {what}"
    if renamed is not None:
        text += f"; heading: {marked(renamed.diff)}"
    return text


def renumbered_section_line(line: SectionChanges) -> str:
    """A section renumbered whose own text reads the same: its reference, the earlier one,
    title, and whether a section below it changed (its own view says "changed" then)."""
    return f"`{line.ref}` (was `{line.was}`) {escape(line.section.title)} — {renumbered_what(line)}"


def renumbered_what(line: SectionChanges) -> str:
    """ "renumbered, text unchanged", or "renumbered, own text unchanged (subsections
    changed)" when a section below it is listed as changed (the CLI says the same)."""
    if line.subsections_changed:
        return "renumbered, own text unchanged (subsections changed)"
    return "renumbered, text unchanged"


def _kinds(changes: EditionChanges) -> str:
    changed, added, removed = changes.kinds()
    return f"{changed} changed, {added} added, {removed} removed"


def _unchanged(changes: EditionChanges) -> str:
    """'2 unchanged', or '1 renumbered with text unchanged, 2 unchanged'."""
    if not changes.renumbered:
        return f"{changes.unchanged} unchanged"
    return (
        f"{len(changes.renumbered)} renumbered with text unchanged, {changes.unchanged} unchanged"
    )


def changes_pages(
    changes: EditionChanges, before: Pack, after: Pack, *, chapters: Sequence[int] = ()
) -> list[str]:
    """The pages of "what changed between two editions": most changed sections first.
    `chapters`: the other chapters both editions hold, each named with how to compare it."""
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    head: list[str] = []
    if chapters:
        also = ", ".join(f"chapter {c} (`/compare ref:{c} from:{y0} to:{y1}`)" for c in chapters)
        head.append(f"This is chapter {after.root.ref}. Both editions also hold {also}.")
    if changes.title is not None:
        head.append(f"Chapter title: {marked(changes.title.diff)}")
    if not changes.sections:
        renumbered = f" ({_unchanged(changes)})" if changes.renumbered else ""
        head.append(f"**No section changed** from {y0} to {y1}{renumbered}.")
    else:
        head.append(
            f"**{len(changes.sections)} sections differ** from {y0} to {y1} "
            f"({_kinds(changes)}), most changed first; {_unchanged(changes)}. "
            f"`/compare REF from:{y0} to:{y1}` shows the words."
        )
    for missing in changes.not_held:
        head.append(not_held_block(missing))
    lines = [section_line(i + 1, s) for i, s in enumerate(changes.sections)]
    lines += [renumbered_section_line(s) for s in changes.renumbered]
    pages = []
    for start in range(0, max(len(lines), 1), SECTIONS_PER_PAGE):
        chunk = lines[start : start + SECTIONS_PER_PAGE]
        parts = head + chunk if start == 0 else chunk
        pages.append(clip("\n".join(parts), PAGE_CHARS))
    return pages


def changes_reply(
    changes: EditionChanges,
    before: Pack,
    after: Pack,
    *,
    owner: int,
    page: int = 0,
    ephemeral: bool = False,
    chapters: Sequence[int] = (),
) -> Reply:
    """What changed between two editions, paginated with the usual page buttons."""
    pages = changes_pages(changes, before, after, chapters=chapters)
    page = max(0, min(page, len(pages) - 1))
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    changed, added, removed = changes.kinds()
    embed = {
        "title": clip(f"What changed — {y0} → {y1}", EMBED_TITLE_MAX),
        "url": after.manifest.source_url,
        "description": pages[page],
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "Sections changed", "value": str(changed), "inline": True},
            {
                "name": "Added / removed",
                "value": f"{added} / {removed}",
                "inline": True,
            },
            {
                "name": "Pages not held",
                "value": ", ".join(f"{n.page} ({n.edition})" for n in changes.not_held) or "none",
                "inline": True,
            },
        ],
        "footer": {
            "text": f"{before.manifest.title} → {after.manifest.title} · page {page + 1} of "
            f"{len(pages)}"
        },
    }
    ids = (changes.before_key, changes.after_key, OVERVIEW_REF)
    return Reply(
        embeds=[embed], buttons=_page_buttons(owner, page, len(pages), ids), ephemeral=ephemeral
    )
