"""The /help text."""

from __future__ import annotations

from bot.pack.model import Pack
from bot.replies.common import QUOTE_COLOUR, Reply

COMMANDS = (
    ("/search query [limit] [private]", "quote the best passage; buttons page through results"),
    ("/section ref", "open a section: `3.1.1(3)`, `§3.1.1(3)¶1` or a title"),
    ("/toc", "the outline with references"),
    ("/fact [topic]", "a fact, quoted verbatim"),
    ("/verify quote", "is a quote verbatim? If not, the closest passage and the differences"),
    ("Find in Bluebook", "message menu (right-click a message → Apps)"),
    ("/lookups", "keyword lookup settings (Manage Server)"),
    ("/factoftheday", "a daily fact in a channel (Manage Server)"),
    ("/stats [days]", "what is asked, what is missing, how fast (Manage Server)"),
)


def help_reply(pack: Pack, *, lookups_available: bool) -> Reply:
    lines = [f"`{usage}` — {what}" for usage, what in COMMANDS]
    lines.append("")
    lines.append("Add `private: True` to any command to see the answer alone.")
    if lookups_available:
        lookups = (
            "Write `[[GCAP]]` or `§3.1.1(3)` in a message and I quote the passage. "
            "Code, `>` quotes and spoilers are ignored. React 🗑 to remove my reply. "
            "Passive mode (plain mentions of glossary terms) is off until `/lookups passive` turns it on."
        )
    else:
        lookups = (
            "Keyword lookups (`[[GCAP]]` in chat) are **off**: the bot was not granted the "
            "Message Content intent. An administrator can enable it in the Discord developer "
            "portal (Bot → Privileged Gateway Intents → Message Content) and restart the bot. "
            "Slash commands work without it."
        )
    embed = {
        "title": "Bluebook Bot — help",
        "description": "\n".join(lines),
        "color": QUOTE_COLOUR,
        "fields": [{"name": "Keyword lookups", "value": lookups}],
        "footer": {
            "text": f"{pack.manifest.title}, Chapter {pack.root.ref} · every answer is a verbatim quote"
        },
    }
    return Reply(embeds=[embed], ephemeral=True)
