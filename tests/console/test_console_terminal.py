"""The console in a real pseudo-terminal: prompt, Ctrl-C, Ctrl-D and markdown rendering."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.console.test_console_cli import _env

# A failure bound, not a timing assertion: a quit that works happens well inside it.
QUIT_BOUND_S = 30.0
START_BOUND_S = 90.0
# prompt_toolkit switches on bracketed paste when its prompt is up and reading keys.
PROMPT_UP = "\x1b[?2004h"


class Terminal:
    """`bluebook-bot console` with its standard streams on a pty, as a person would run it."""

    def __init__(self, tmp_path: Path) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=tmp_path,
            env=dict(
                _env(tmp_path), TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1"
            ),
            start_new_session=True,
        )
        os.close(slave)
        self.seen = ""

    def read_until(self, text: str, bound: float, count: int = 1) -> str:
        deadline = time.monotonic() + bound
        while self.seen.count(text) < count:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise AssertionError(f"never saw {text!r}; output so far:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    break
        return self.seen

    def wait_for_prompt(self, bound: float, count: int = 1) -> None:
        """Until the prompt is drawn and reads keys one by one (the terminal left line mode)."""
        self.read_until(PROMPT_UP, bound, count)
        deadline = time.monotonic() + bound
        while termios.tcgetattr(self.master)[3] & termios.ICANON:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"the prompt never read keys; output so far:\n{self.seen}")
            time.sleep(0.02)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, bound: float) -> int:
        deadline = time.monotonic() + bound
        while self.process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:
                    break
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running; output so far:\n{self.seen}") from None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path):
    term = Terminal(tmp_path)
    yield term
    term.close()


def test_ctrl_c_on_an_empty_line_quits_without_a_traceback(terminal):
    terminal.read_until("!help lists", START_BOUND_S)
    terminal.wait_for_prompt(START_BOUND_S)
    terminal.send("\x03")
    assert terminal.wait(QUIT_BOUND_S) == 0
    assert "Traceback" not in terminal.seen


def test_ctrl_c_clears_a_typed_line_and_a_second_quits(terminal):
    terminal.wait_for_prompt(START_BOUND_S)
    terminal.send("/search GC")
    terminal.read_until("/search GC", QUIT_BOUND_S)
    terminal.send("\x03")
    time.sleep(0.5)
    assert terminal.process.poll() is None  # the first Ctrl-C only cleared the line
    terminal.send("\x03")
    assert terminal.wait(QUIT_BOUND_S) == 0
    assert "Traceback" not in terminal.seen


def test_answers_render_markdown_and_ctrl_d_quits(terminal):
    terminal.wait_for_prompt(START_BOUND_S)
    terminal.send("/search next-generation fighter\r")
    shown = terminal.read_until("[1: Whole paragraph]", QUIT_BOUND_S)
    answer = shown.split("fighter", 1)[1]
    assert "\x1b[" in answer  # styled by rich
    assert "**" not in answer and "\\-" not in answer  # markdown rendered, escapes resolved
    assert "next-generation fighter" in answer
    terminal.wait_for_prompt(QUIT_BOUND_S, count=2)  # the prompt is back
    terminal.send("\x04")
    assert terminal.wait(QUIT_BOUND_S) == 0, terminal.seen[-1500:]
    assert "Traceback" not in terminal.seen
