"""The console shows what the bot posts on its own: the scheduled fact of the day."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

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


async def test_a_piped_console_shows_a_post_while_no_line_comes(
    fotd,  # noqa: F811
    clock,  # noqa: F811
    news,  # noqa: F811
    monkeypatch,
):
    """`console --plain` fed through a pipe that stays open: the fact of the day is printed
    when posted, not when the next line arrives (trial 8)."""
    import asyncio
    import os

    from localdiscord import terminal
    from tests.waiting import until

    monkeypatch.setattr(terminal, "WATCH_S", 0.05, raising=False)
    server = fotd.server
    out = io.StringIO()
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "r")
    console = asyncio.create_task(
        terminal.run_console(server, plain=True, history=Path(os.devnull), stdin=stdin, stdout=out)
    )
    try:
        await _set(server, news, "9:30 pm", "Asia/Tokyo")
        clock.set(datetime(2026, 3, 7, 12, 30, tzinfo=UTC))
        [event] = await _tick(fotd)
        assert event.outcome == "sent"
        await until(lambda: "(the bot posted in #news)" in out.getvalue(), "the post printed")
        assert f"Fact of the day · 2026-03-07 · {event.fact_id}" in out.getvalue()
    finally:
        os.close(write_end)
        await asyncio.wait_for(console, 30)
        stdin.close()
