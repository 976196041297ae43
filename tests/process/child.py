"""The real bot in its own process, against a local Discord that lives in the test process.

    python tests/process/child.py API_URL GATEWAY_URL GUILD_ID FOTD_INTERVAL_S

It runs `bot.process.run_bot`, exactly what `bluebook-bot run` runs, with settings from the
environment; only the Discord URLs point at the test's local Discord, so the test can kill
this process and keep Discord (the channels, the messages) alive across restarts.
"""

from __future__ import annotations

import asyncio
import os
import sys
from types import SimpleNamespace

from bot.config import load_settings
from bot.logging_setup import setup_logging
from bot.process import options_from, run_bot
from localdiscord import discord_urls


def _test_timings() -> None:
    """Shorter schedules for a test that waits on them (heartbeat, checkpoint); unset, the
    bot's own."""
    import bot.services
    import bot.storage.db

    if "CHILD_HEARTBEAT_S" in os.environ:
        bot.services.HEARTBEAT_SECONDS = float(os.environ["CHILD_HEARTBEAT_S"])
    if "CHILD_CHECKPOINT_S" in os.environ:
        bot.storage.db.CHECKPOINT_SECONDS = float(os.environ["CHILD_CHECKPOINT_S"])


def main() -> int:
    api, gateway, guild, interval = sys.argv[1:5]
    _test_timings()
    settings = load_settings(env_file=None)
    setup_logging(settings.log_level, settings.log_format)
    options = options_from(
        settings,
        dev_guild=int(guild),
        skip_identify_delay=True,
        guild_ready_timeout=0.1,
        fotd_interval=float(interval),
    )
    assert settings.token is not None
    with discord_urls(SimpleNamespace(api_url=api, gateway_url=gateway)):  # type: ignore[arg-type]
        return asyncio.run(run_bot(settings, token=settings.token, options=options))


if __name__ == "__main__":
    sys.exit(main())
