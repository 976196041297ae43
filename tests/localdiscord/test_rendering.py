"""The console's terminal rendering: Discord markdown styled, mentions by name, buttons numbered."""

from __future__ import annotations

import re

from localdiscord import LocalDiscord, render_message
from localdiscord.terminal import RichRender

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_markdown_is_styled_and_mentions_are_named() -> None:
    server = LocalDiscord()
    message = {
        "content": (
            f"**bold** *it* ~~gone~~ `co\\de` <#{server.general.id}> <@{server.member.user.id}>\n"
            "> quoted Japan\\-U.S."
        ),
        "components": [
            {
                "type": 1,
                "components": [{"type": 2, "label": "Page ▶", "custom_id": "p", "style": 2}],
            }
        ],
    }
    styled = RichRender(server, width=100)(message)
    plain = ANSI.sub("", styled)
    assert "#general" in plain and "@member" in plain
    assert "**" not in plain and "~~" not in plain and "`co" not in plain
    assert "co\\de" in plain  # a code span shows its backslash, as Discord does
    assert "Japan-U.S." in plain  # an escape outside code is resolved
    assert "\x1b[1m" in styled and "\x1b[9m" in styled  # bold and strike-through
    assert "[1: Page ▶]" in plain
    # Plain text keeps the markdown as sent.
    assert render_message(message).startswith("**bold** *it* ~~gone~~")
