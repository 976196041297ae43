"""Test-only: hold the process at a named point so a kill test can SIGKILL it exactly there.

Only the real-process kill tests set `BLUEBOOK_TEST_PAUSE_AT=<point>` and
`BLUEBOOK_TEST_PAUSE_FILE=<path>`: reaching that point writes the file and waits for the
kill. Unset (always, in production) it returns at once.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

POINTS = ("claim_open", "claimed", "sent", "record_open", "recovery")


async def pause_point(name: str) -> None:
    if os.environ.get("BLUEBOOK_TEST_PAUSE_AT") != name:
        return
    Path(os.environ["BLUEBOOK_TEST_PAUSE_FILE"]).write_text(name, encoding="utf-8")
    await asyncio.Event().wait()  # until SIGKILL
