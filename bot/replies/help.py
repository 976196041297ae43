"""The /help text, built from the commands the bot has registered (so it names no other)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.pack.model import Pack
from bot.replies.common import QUOTE_COLOUR, Reply, clip
from bot.replies.examples import examples_from
from bot.replies.limits import EMBED_DESCRIPTION_MAX
from bot.storage.settings import LookupSwitches

MENU_NOTE = "message menu: right-click a message → Apps"


@dataclass(frozen=True)
class CommandHelp:
    """One registered command as /help lists it."""

    usage: str  # "/search query [limit] [private]", or a menu command's name
    description: str
    needs: str = ""  # the permission it needs by default, e.g. "Manage Server"
    menu: bool = False


def _line(command: CommandHelp) -> str:
    what = MENU_NOTE if command.menu else command.description.rstrip(".")
    needs = f" ({command.needs})" if command.needs else ""
    name = f"**{command.usage}**" if command.menu else f"`{command.usage}`"
    return f"{name} — {what}{needs}"


def help_reply(
    pack: Pack,
    commands: Sequence[CommandHelp],
    *,
    lookups_available: bool,
    switches: LookupSwitches,
) -> Reply:
    """The help, with the lookup `switches` in force where it was asked."""
    lines = [_line(c) for c in commands]
    lines.append("")
    lines.append("Add `private: True` to a command that has it to see the answer alone.")
    setter = next((c for c in commands if c.usage.startswith("/lookups set ")), None)
    who = (setter.needs if setter else "") or "the right permission"
    example = examples_from(pack)
    if lookups_available:
        if switches.explicit:
            lookups = (
                f"Write `[[{example.term}]]` or `§{example.ref}` in a message and I quote the "
                "passage. "
                "Code, `>` quotes and spoilers are ignored. React 🗑 to remove my reply."
            )
        else:
            lookups = "`[[...]]` lookups are **off** here."
            if setter is not None:
                lookups += (
                    f" Someone with {who} can turn them on with "
                    "`/lookups set mode:explicit enabled:True`."
                )
        if switches.passive:
            lookups += (
                " Passive mode (plain mentions of glossary terms) is **on** here: a term such as "
                f"{example.term} gets a one-line answer."
            )
        elif setter is not None:
            lookups += (
                " Passive mode (plain mentions of glossary terms) is off until someone with "
                f"{who} runs `/lookups set mode:passive enabled:True`."
            )
    else:
        lookups = (
            f"Keyword lookups (`[[{example.term}]]` in chat) are **off**: the bot was not granted the "
            "Message Content intent. An administrator can enable it in the Discord developer "
            "portal (Bot → Privileged Gateway Intents → Message Content) and restart the bot. "
            "Slash commands work without it."
        )
    embed = {
        "title": "Bluebook Bot — help",
        "description": clip("\n".join(lines), EMBED_DESCRIPTION_MAX),
        "color": QUOTE_COLOUR,
        "fields": [{"name": "Keyword lookups", "value": lookups}],
        "footer": {
            "text": f"{pack.manifest.title}, Chapter {pack.root.ref} · every answer is a verbatim quote"
        },
    }
    return Reply(embeds=[embed], ephemeral=True)
