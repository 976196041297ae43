"""Running `bluebook-bot` as a real subprocess with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The console script when the venv has it, else the module (same entry point).
SCRIPT = Path(sys.executable).with_name("bluebook-bot")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "bot"]
OURS = ("DISCORD_", "BLUEBOOK_", "LOG_", "SHARD_")

Cli = Callable[..., subprocess.CompletedProcess[str]]


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without any variable the bot reads, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(OURS)}
    env.update(extra)
    return env


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty working directory, so no `.env` of the developer's is picked up."""
    path = tmp_path / "cwd"
    path.mkdir()
    return path


@pytest.fixture
def cli(workdir: Path) -> Cli:
    """Run `bluebook-bot ARGS` in `workdir` with a clean environment plus `env`."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> Any:
        return subprocess.run(
            [*COMMAND, *args],
            cwd=workdir,
            env=clean_env(**(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
