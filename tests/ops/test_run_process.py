"""`bluebook-bot run --local` as a real process: ready, heartbeat, SIGHUP reload, SIGTERM exit 0.

The local Discord of `run --local` lives inside the child process, so this test cannot
play a user there; the events-are-flushed part of shutdown is covered in-process by
test_shutdown.py, which drives commands through `run_bot` and sends itself SIGTERM.
"""

from __future__ import annotations

import json
import queue
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ops.conftest import COMMAND, ROOT, clean_env

TOKEN = "local-bot-token"
SAFETY_S = 20.0  # a safety net only; nothing here asserts how long anything took


class BotProcess:
    """A running `bluebook-bot run --local` whose JSON log lines are read as they come."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.events: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, match: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + SAFETY_S
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"the bot exited before {what}:\n{''.join(self.raw)}")
            self.raw.append(line)
            event = json.loads(line)  # every line is one JSON event
            self.events.append(event)
            if match(event):
                return event
        raise AssertionError(f"no {what} within {SAFETY_S}s:\n{''.join(self.raw)}")

    def event(self, name: str) -> dict[str, Any]:
        return self.wait_for(lambda e: e["event"] == name, f"'{name}'")

    def finish(self) -> int:
        code = self.proc.wait(timeout=SAFETY_S)
        while (line := self._lines.get(timeout=SAFETY_S)) is not None:
            self.raw.append(line)
            self.events.append(json.loads(line))
        return code


@pytest.fixture
def run_local(workdir: Path, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    started: list[subprocess.Popen[str]] = []

    def start(**env: str) -> BotProcess:
        full = {
            "DISCORD_TOKEN": TOKEN,
            "LOG_FORMAT": "json",
            "BLUEBOOK_DB": str(tmp_path / "data" / "bluebook.db"),
            **env,
        }
        proc = subprocess.Popen(
            [*COMMAND, "run", "--local"],
            cwd=workdir,
            env=clean_env(**full),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return BotProcess(proc)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _heartbeat(db: Path) -> float | None:
    conn = sqlite3.connect(db.as_uri() + "?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT ts FROM process_heartbeats WHERE process = '*'").fetchone()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return None if row is None else float(row[0])
    finally:
        conn.close()


def test_sigterm_shuts_down_cleanly(run_local, cli, tmp_path):
    db = tmp_path / "data" / "bluebook.db"
    bot = run_local()
    ready = bot.event("ready")
    assert ready["guilds"] == 1 and ready["shards"] == 1
    assert _heartbeat(db) is not None
    assert cli("health", env={"BLUEBOOK_DB": str(db)}).returncode == 0

    bot.proc.send_signal(signal.SIGTERM)
    assert bot.finish() == 0, "".join(bot.raw)
    names = [e["event"] for e in bot.events]
    assert names[-3:] == ["shutting down", "services closed", "stopped"], names
    closed = next(e for e in bot.events if e["event"] == "services closed")
    assert closed["written"] == 0 and closed["dropped"] == 0
    assert not [e for e in bot.events if e["level"] in ("ERROR", "CRITICAL")], bot.events
    # Closed cleanly: the database opens and is consistent, and the stopped process's
    # heartbeat is gone, so health says at once that no bot runs.
    assert _heartbeat(db) is None
    assert cli("health", env={"BLUEBOOK_DB": str(db)}).returncode == 1
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_sigint_also_shuts_down_cleanly(run_local):
    bot = run_local()
    bot.event("ready")
    bot.proc.send_signal(signal.SIGINT)
    assert bot.finish() == 0, "".join(bot.raw)
    assert [e["event"] for e in bot.events][-1] == "stopped"


def test_sighup_reloads_and_a_broken_pack_keeps_serving(run_local, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "content", pack, ignore=shutil.ignore_patterns("__*"))
    bot = run_local(BLUEBOOK_CONTENT=str(pack))
    bot.event("ready")

    facts = pack / "facts.yaml"
    good = facts.read_text(encoding="utf-8")
    facts.write_text(good + "  broken: [unclosed\n", encoding="utf-8")
    bot.proc.send_signal(signal.SIGHUP)
    refused = bot.wait_for(
        lambda e: e["event"].startswith("content reload refused"), "a refused reload"
    )
    assert refused["level"] == "ERROR" and f"{facts}:" in refused["event"]

    facts.write_text(good, encoding="utf-8")
    bot.proc.send_signal(signal.SIGHUP)
    reloaded = bot.event("content reloaded")
    assert reloaded["facts"] > 0

    bot.proc.send_signal(signal.SIGTERM)
    assert bot.finish() == 0, "".join(bot.raw)
