"""The Reply shape (plain data, no discord), its colours, and text helpers that never cut
mid-word. Discord's limits are in bot/replies/limits.py, markdown in bot/replies/markdown.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.replies.limits import CONTENT_MAX
from bot.replies.markdown import escaper, link_spans

if TYPE_CHECKING:
    from bot.replies.custom_ids import ButtonState

# Colours: one for quotes from the chapter, one for problems.
QUOTE_COLOUR = 0x1F4E79
WARN_COLOUR = 0xB8860B
ERROR_COLOUR = 0xA61B1B
OK_COLOUR = 0x2E7D32


@dataclass(slots=True)
class Button:
    """A button: a link (`url`), or one of ours, whose typed `state` gives its custom id.
    Not changed once made (not frozen: a reply makes several, and a frozen dataclass writes
    each field through `object.__setattr__`, several times the cost)."""

    label: str
    custom_id: str | None = None
    style: str = "secondary"  # primary | secondary | success | danger | link
    disabled: bool = False
    url: str | None = None
    state: ButtonState | None = None

    def __post_init__(self) -> None:
        if self.state is not None and self.custom_id is None:
            self.custom_id = self.state.custom_id()


@dataclass
class Reply:
    """One message the bot sends or edits."""

    content: str | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    ephemeral: bool = False
    files: list[tuple[str, bytes]] = field(default_factory=list)


def clip(text: str, limit: int, suffix: str = "…") -> str:
    """`text` if it fits, else cut at the last word boundary with a visible ellipsis."""
    if len(text) <= limit:
        return text
    room = limit - len(suffix)
    cut = text.rfind(" ", 0, room + 1)
    if cut <= room // 2:
        cut = room
    return text[:cut].rstrip() + suffix


def split_words(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters at whitespace.

    Only a single word longer than `limit` is cut inside the word.
    """
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = max(window.rfind(" "), window.rfind("\n"))
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def quote_block(text: str) -> str:
    """Markdown block quote of already-escaped text."""
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def highlight(
    text: str,
    spans: tuple[tuple[int, int], ...] | list[tuple[int, int]],
    *,
    within: str | None = None,
) -> str:
    """Escape `text` and bold the character spans (merged, clamped, in order). `within`: the
    text `text` is a slice of, if any (an excerpt's paragraph; see `escaper`)."""
    size = len(text)
    clamped: list[tuple[int, int]] = []
    for s, e in spans:  # a loop, not a generator: compiled, a generator costs more
        clamped.append((max(0, s), min(size, e)))
    clamped.sort()
    merged: list[list[int]] = []
    for start, end in clamped:
        # Bold from the first to the last visible character: `** x**` reads badly.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        # Join runs separated only by spaces or a hyphen, so a phrase reads **as one** rather
        # than word by word (**next-generation**, not **next**-**generation**).
        gap = text[merged[-1][1] : start] if merged else ""
        if merged and (start <= merged[-1][1] or gap.strip() in ("", "-")):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    # A link is escaped whole (in `<...>`, where Discord reads no bold): a bold span inside
    # one would cut it in two, so such spans are left out.
    links = link_spans(text) if "://" in text else []
    if links:
        merged = [[s, e] for s, e in merged if not any(s < le and ls < e for ls, le in links)]
    escaped = escaper(text, within=within)  # each piece as `escape` would; one scan at most
    out: list[str] = []
    pos = 0
    for start, end in merged:
        out.append(escaped(text[pos:start]))
        out.append(f"**{escaped(text[start:end])}**")
        pos = end
    out.append(escaped(text[pos:]))
    return "".join(out)


def embed_size(embed: dict[str, Any]) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        total += len(f["name"]) + len(f["value"])
    return total


def counted(count: int, word: str) -> str:
    """`count` and `word`, plural when the count is not one: "1 problem", "2 problems"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def error_reply(message: str, *, hint: str | None = None) -> Reply:
    """A short, ephemeral error; `hint` says what to do instead."""
    text = message if hint is None else f"{message}\n{hint}"
    return Reply(content=clip(text, CONTENT_MAX), ephemeral=True)
