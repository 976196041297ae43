"""The console shows what the bot posts on its own: the scheduled fact of the day."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from localdiscord import ConsoleSession
from tests.e2e.test_fotd import _set, _tick, clock, fotd, news  # noqa: F401 (fixtures)


async def test_a_scheduled_post_appears_in_its_channel(fotd, clock, news):  # noqa: F811
    server = fotd.server
    out = io.StringIO()
    console = ConsoleSession(server, out, timeout=10, idle=0.05)
    await _set(server, news, "9:30 pm", "Asia/Tokyo")
    clock.set(datetime(2026, 3, 7, 12, 30, tzinfo=UTC))
    [event] = await _tick(fotd)
    assert event.outcome == "sent"
    # Between two lines typed at the console: the watcher's look shows it.
    console.catch_up()
    shown = out.getvalue()
    assert "(the bot posted in #news)" in shown
    assert f"Fact of the day · 2026-03-07 · {event.fact_id}" in shown
    # Shown once: the next line does not show it again.
    start = len(out.getvalue())
    await console.handle_line("/help")
    assert "(the bot posted in" not in out.getvalue()[start:]
