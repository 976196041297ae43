"""Replies for /compare: one section in two editions, what changed marked, paginated."""

from __future__ import annotations

from bot.pack.compare import ADDED, CHANGED, REMOVED, SAME, UNCHANGED, Comparison, Piece
from bot.pack.model import Pack
from bot.replies.common import QUOTE_COLOUR, Button, Reply, clip, split_words
from bot.replies.custom_ids import CompareState
from bot.replies.limits import EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX
from bot.replies.markdown import escape

PAGE_CHARS = EMBED_DESCRIPTION_MAX - 400
# Around a change, at most this many characters of unchanged text are shown on each side.
CONTEXT_CHARS = 160


def marked(pieces: tuple[Piece, ...]) -> str:
    """Removed text ~~struck~~, added **bold**, the rest escaped; long unchanged runs cut."""
    out: list[str] = []
    for i, piece in enumerate(pieces):
        text = piece.text
        if piece.op == "removed":
            out.append(_wrap("~~", text))
        elif piece.op == "added":
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


def _blocks(found: Comparison) -> list[str]:
    blocks: list[str] = []
    for change in found.paragraphs:
        ref = (change.after or change.before).ref  # type: ignore[union-attr]
        if change.status == SAME:
            blocks.append(f"`{ref}` unchanged")
        elif change.status == CHANGED:
            blocks.append(f"`{ref}` changed: {marked(change.diff)}")
        elif change.status == ADDED:
            blocks.append(f"`{ref}` added: **{escape(change.after.text)}**")  # type: ignore[union-attr]
        elif change.status == REMOVED:
            blocks.append(f"`{ref}` removed: ~~{escape(change.before.text)}~~")  # type: ignore[union-attr]
    return blocks


def compare_pages(found: Comparison, before: Pack, after: Pack) -> list[str]:
    y0, y1 = before.manifest.edition_year, after.manifest.edition_year
    if found.status == UNCHANGED:
        return [f"**Unchanged** from {y0} to {y1}: every paragraph reads the same."]
    if found.status == ADDED:
        head = f"**Added** in {y1}: not in {y0}."
    elif found.status == REMOVED:
        head = f"**Removed** in {y1}: only in {y0}."
    else:
        head = f"**Changed** from {y0} to {y1}: ~~removed~~, **added**."
    pages: list[str] = []
    current = head
    for block in _blocks(found):
        for piece in split_words(block, PAGE_CHARS):
            joined = f"{current}\n\n{piece}"
            if len(joined) <= PAGE_CHARS:
                current = joined
            else:
                pages.append(current)
                current = piece
    pages.append(current)
    return pages


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
            {"name": "Reference", "value": f"`{found.ref}`", "inline": True},
            {"name": "Status", "value": found.status, "inline": True},
        ],
        "footer": {
            "text": f"{before.manifest.title} → {after.manifest.title} · page {page + 1} of "
            f"{len(pages)}"
        },
    }
    buttons: list[list[Button]] = []
    if len(pages) > 1:
        ids = (found.before_key, found.after_key, found.ref)
        buttons = [
            [
                Button(
                    "◀ Page",
                    state=CompareState(owner, "p", max(page - 1, 0), *ids),
                    disabled=page == 0,
                ),
                Button(
                    "Page ▶",
                    state=CompareState(owner, "n", min(page + 1, len(pages) - 1), *ids),
                    disabled=page >= len(pages) - 1,
                ),
            ]
        ]
    return Reply(embeds=[embed], buttons=buttons, ephemeral=ephemeral)
