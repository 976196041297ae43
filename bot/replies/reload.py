"""What /reload answers: the problems that refused it, or what now serves. No discord."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.replies.common import Reply, clip, counted
from bot.replies.errors import held_years
from bot.replies.facts import factless_text
from bot.replies.limits import CONTENT_MAX

if TYPE_CHECKING:
    from bot.served import Reloaded, ServedLibrary


def reload_reply(reloaded: Reloaded, library: ServedLibrary, *, here: int | None) -> Reply:
    """The private answer to /reload run in server `here` (None: in a DM)."""
    if reloaded.problems:
        problems = reloaded.problems
        listed = "\n".join(str(p) for p in problems)
        found = counted(len(problems), "problem")
        text = f"Reload refused; the old content keeps serving. {found}:\n```\n{listed}"
        return Reply(content=clip(text, CONTENT_MAX - 4) + "\n```", ephemeral=True)
    served = library.packs.values()
    sections = sum(len(p.pack.sections) for p in served)
    facts = sum(len(p.pack.facts) for p in served)
    packs = f"{len(served)} packs, " if len(served) > 1 else ""
    text = f"Reloaded: {packs}{sections} sections, {facts} facts."
    lines = [text, moved_text(reloaded, library.newest.year, here=here)]
    factless = factless_text(reloaded.factless)
    lines.append(f"⚠ {factless}" if factless else "")
    return Reply(content="\n".join(line for line in lines if line), ephemeral=True)


def moved_text(reloaded: Reloaded, newest: int, *, here: int | None) -> str:
    """The servers whose /settings edition the reload took away, as "this server" or a count
    (other servers are never named); "" when there are none."""
    if not reloaded.dropped:
        return ""
    one = len(reloaded.dropped) == 1
    gone = (
        f"edition {reloaded.dropped[0]}"
        if one
        else f"one of editions {held_years(reloaded.dropped)}"
    )
    until = f"the newest edition ({newest}) until another is chosen with `/settings edition`."
    if reloaded.moved is None:
        return (
            f"⚠ Storage is unavailable, so I could not count the servers that chose {gone}, "
            f"which is no longer held: they read {until}"
        )
    others = sum(1 for guild in reloaded.moved if guild != here)
    mine = here is not None and here in reloaded.moved
    if mine and not others:
        who, they = "This server", "it now reads"
    elif mine:
        who, they = f"This server and {counted(others, 'other')}", "they now read"
    elif others:
        who, they = counted(others, "server"), "it now reads" if others == 1 else "they now read"
    else:
        return ""
    no_longer = "which is no longer held" if one else "no longer held"
    return f"⚠ {who} chose {gone}, {no_longer}: {they} {until}"
