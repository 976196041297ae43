"""Replies for /section (paginated within Discord's limits) and /toc."""

from __future__ import annotations

from collections.abc import Sequence

from bot.pack.model import FOOTNOTE, Note, Pack, Paragraph, Section
from bot.pack.views import outline
from bot.replies.common import QUOTE_COLOUR, Button, Reply, clip, split_words
from bot.replies.custom_ids import SectionState
from bot.replies.examples import examples_from
from bot.replies.limits import EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX
from bot.replies.markdown import escape
from bot.replies.search import section_path

# Room left in a page's description for the page's own markup.
PAGE_CHARS = EMBED_DESCRIPTION_MAX - 400
TOC_PAGE_CHARS = 2800


def _note(note: Note) -> str:
    """A footnote (`*1` and its text) or a figure reference, verbatim, set apart in italics."""
    label = f"`*{note.label}` " if note.kind == FOOTNOTE and note.label else ""
    return f"{label}*{escape(note.text)}*"


def _blocks(section: Section, only: Paragraph | None) -> list[tuple[str, bool]]:
    """Escaped text blocks in reading order, each with whether it is a heading: sub-headings,
    numbered paragraphs, and each section's footnotes and figure references after its
    paragraphs (the page prints them at its end; a paragraph shown alone has lost its
    markers, so it shows none)."""
    if only is not None:
        return [(f"`¶{only.index}` {escape(only.text)}", False)]
    blocks: list[tuple[str, bool]] = []
    for node in section.walk():
        if node is not section:
            blocks.append((f"**{escape(node.heading)}** `{node.ref}`", True))
        blocks.extend((f"`¶{p.index}` {escape(p.text)}", False) for p in node.paragraphs)
        blocks.extend((_note(n), False) for n in node.notes)
    return blocks


def section_pages(section: Section, only: Paragraph | None = None) -> list[str]:
    """The section's text cut into pages that fit an embed; a paragraph may run on, and a
    heading that would end a page starts the next one, with its text."""
    pages: list[str] = []
    current = ""
    heading = ""  # the heading that ends `current`, if one does
    for block, is_heading in _blocks(section, only):
        # The text after a heading is cut so that its first piece fits a page with it.
        limit = PAGE_CHARS - len(heading) - 2 if heading else PAGE_CHARS
        for piece in split_words(block, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= PAGE_CHARS:
                current = joined
            elif heading and current != heading and len(heading) + 2 + len(piece) <= PAGE_CHARS:
                pages.append(current[: -len(heading) - 2])
                current = f"{heading}\n\n{piece}"
            else:
                pages.append(current)
                current = piece
            heading = piece if is_heading else ""
    if current or not pages:
        pages.append(current or "*(This heading has no text of its own.)*")
    return pages


def section_reply(
    pack: Pack,
    section: Section,
    *,
    owner: int,
    page: int = 0,
    paragraph: Paragraph | None = None,
    ephemeral: bool = False,
    pack_key: str = "",
) -> Reply:
    """A page of the section, with buttons for pages and neighbours (state names `pack_key`)."""
    pages = section_pages(section, paragraph)
    page = max(0, min(page, len(pages) - 1))
    ref = paragraph.ref if paragraph else section.ref
    embed = {
        "title": clip(section.heading, EMBED_TITLE_MAX),
        "url": pack.source_url(section),
        "description": pages[page],
        "color": QUOTE_COLOUR,
        "fields": [
            {"name": "Reference", "value": f"`{ref}`", "inline": True},
            {"name": "Path", "value": clip(section_path(section), 1024)},
        ],
        "footer": {"text": f"{pack.manifest.title} · page {page + 1} of {len(pages)}"},
    }
    before, after = pack.neighbours(section.ref)
    last = len(pages) - 1
    row = [
        Button(
            "◀ Page",
            state=SectionState(owner, "p", max(page - 1, 0), ref, pack_key),
            disabled=page == 0,
        ),
        Button(
            "Page ▶",
            state=SectionState(owner, "n", min(page + 1, last), ref, pack_key),
            disabled=page >= last,
        ),
        Button(
            "⏮ Previous section",
            state=SectionState(owner, "b", 0, before.ref if before else section.ref, pack_key),
            disabled=before is None,
        ),
        Button(
            "Next section ⏭",
            state=SectionState(owner, "f", 0, after.ref if after else section.ref, pack_key),
            disabled=after is None,
        ),
    ]
    return Reply(embeds=[embed], buttons=[row], ephemeral=ephemeral)


TOC_PAGES = 2  # all embeds of a message share 6,000 characters: two pages of outline at most


def _toc_pages(packs: Sequence[Pack], deepest: int) -> list[str]:
    """The outline of `packs` down to level `deepest`, in pages of at most TOC_PAGE_CHARS."""
    pages: list[str] = []
    for depth, node in outline(packs):
        if node.level > deepest:
            continue
        # A chapter and its sections start at the margin: the sections are the outline's top.
        indent = "\u2003" * max(depth - 1, 0)
        label = escape(node.heading if node.level else node.title)
        line = f"{indent}`{node.ref}` {label}"
        if pages and len(pages[-1]) + len(line) + 1 <= TOC_PAGE_CHARS:
            pages[-1] += "\n" + line
        else:
            pages.append(clip(line, TOC_PAGE_CHARS))
    return pages


def toc_reply(pack: Pack, *, chapters: Sequence[Pack] = (), ephemeral: bool = False) -> Reply:
    """The outline of `pack`, or of every chapter of its edition (`chapters`, in order, `pack`
    among them); when it is too long, its deepest levels are left out (never its later
    sections), and the footer says how to open them."""
    packs = list(chapters) or [pack]
    full = max(node.level for p in packs for node in p.root.walk())
    deepest = full  # left out level by level, so what is shown is the same depth everywhere
    pages = _toc_pages(packs, deepest)
    while len(pages) > TOC_PAGES and deepest > 1:
        deepest -= 1
        pages = _toc_pages(packs, deepest)
    footer = f"Open one with /section REF, e.g. /section {examples_from(pack).ref}"
    if deepest < full:
        shown = next((n for n in pack.root.walk() if n.level == deepest and n.children), None)
        example = shown.ref if shown is not None else examples_from(pack).ref
        footer = f"Deeper headings left out to fit; /section lists a heading's own, e.g. /section {example}"
    numbers = [p.root.ref for p in packs]
    if len(pages) > TOC_PAGES:
        every = " or ".join(f"/section {n}" for n in numbers)
        footer = (
            f"Outline shortened: {len(pages) - TOC_PAGES} more part(s); {every} lists every section"
        )
    which = f"Chapter {numbers[0]}" if len(numbers) == 1 else f"Chapters {', '.join(numbers)}"
    embeds: list[dict] = [
        {
            "title": clip(f"{pack.manifest.title} — {which}", EMBED_TITLE_MAX),
            "url": pack.manifest.source_url,
            "description": pages[0],
            "color": QUOTE_COLOUR,
        }
    ]
    if len(pages) > 1:
        embeds.append({"description": pages[1], "color": QUOTE_COLOUR})
    embeds[-1]["footer"] = {"text": footer}
    return Reply(embeds=embeds, ephemeral=ephemeral)
