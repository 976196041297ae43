"""Start, watch, kill and restart the real bot process (child.py) from a test.

The local Discord runs in the test's event loop, so it outlives every bot process, as
Discord does. Times here are failure bounds only; nothing asserts how long anything took.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localdiscord import LocalDiscord
from tests.ops.conftest import ROOT, clean_env

CHILD = Path(__file__).with_name("child.py")
SAFETY_S = 60.0


class BotProcess:
    """One run of the bot; its stderr (JSON log lines) goes to `log`."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc, self.log = proc, log

    @classmethod
    async def start(
        cls,
        server: LocalDiscord,
        *,
        db: Path,
        log: Path,
        env: dict[str, str] | None = None,
        interval: float = 0.5,
    ) -> BotProcess:
        ours = {"DISCORD_TOKEN": server.token, "BLUEBOOK_DB": str(db), "LOG_FORMAT": "json"}
        full = clean_env(**{**ours, "PYTHONPATH": str(ROOT), **(env or {})})
        with log.open("ab") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(CHILD),
                server.api_url,
                server.gateway_url,
                str(server.guild.id),
                str(interval),
                cwd=log.parent,
                env=full,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=err,
            )
        return cls(proc, log)

    def events(self) -> list[dict[str, Any]]:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def until(self, check: Callable[[], bool], what: str, timeout: float = SAFETY_S) -> None:
        """Wait for `check()`; fail with the log if the process exits or time runs out."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not check():
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited before {what}:\n{self.text()}")
            if loop.time() > end:
                raise AssertionError(f"no {what} within {timeout} s:\n{self.text()}")
            await asyncio.sleep(0.02)

    async def ready(self) -> None:
        await self.until(lambda: any(e["event"] == "ready" for e in self.events()), "ready")

    async def kill(self) -> None:
        """SIGKILL: no handler, no flush, no close, as in a power cut of the process."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await asyncio.wait_for(self.proc.wait(), SAFETY_S)

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), SAFETY_S)


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database from outside, as an operator would (read-only)."""
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
