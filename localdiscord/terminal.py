"""The console's terminal: a prompt with line editing, history and Tab, and rich output.

Interactive when standard input and output are a terminal and `--plain` is not given:
prompt_toolkit reads lines (Up for history, Tab asks the bot's autocomplete) and rich renders
Discord markdown. Otherwise lines are read as they come and answers stay plain text.
Ctrl-C clears the line, or quits on an empty one; Ctrl-D quits; Ctrl-C while the bot is
answering quits too.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import IO

from localdiscord.console import ConsoleError, ConsoleSession, verb_names
from localdiscord.model import Json
from localdiscord.options import OptionError
from localdiscord.rendering import commonmark, message_lines, name_mentions
from localdiscord.server import LocalDiscord

# How often the console looks for posts the bot made on its own (a scheduled fact of the day).
WATCH_S = 1.0


def console_greeting(term: str, ref: str, quote: str) -> str:
    """The console's first words; the examples come from the content being served (the
    caller picks them), so each one finds something."""
    return f"""\
Bluebook Bot on a local Discord: you are `admin` in #general of "Local Guild".

  /search {term:<21} quote the best passage; !press 2 turns the page
  /section {ref:<20} a section, with buttons for its pages
  /verify quote:{quote}
  what about [[{term}]]?{" " * max(1, 14 - len(term))}chat; the bot answers lookups
  !as member /lookups status    try a command as a user without permissions

!help lists the console's verbs, /help the bot's commands. Tab completes, Up recalls a line.
Ctrl-C clears the line or quits on an empty one; Ctrl-D quits.
"""


async def piped_lines(stream: IO[str]) -> AsyncIterator[str]:
    """Lines from `stream` without blocking the loop (a daemon thread reads, so Ctrl-C quits)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in stream:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except (RuntimeError, ValueError):  # the loop or the stream closed first
            return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line.rstrip("\n")


class RichRender:
    """Bot messages as ANSI text: markdown styled, mentions by name, buttons numbered."""

    def __init__(self, server: LocalDiscord, width: int | None = None) -> None:
        from rich.console import Console

        self.server = server
        self.console = Console(force_terminal=True, width=width, highlight=False, soft_wrap=False)

    def _name(self, kind: str, object_id: int) -> str | None:
        world = self.server.world
        if kind == "#":
            channel = world.channels.get(object_id)
            return channel.name if channel else None
        if kind == "@&":
            role = self.server.guild.roles.get(object_id)
            return role.name if role else None
        user = world.users.get(object_id)
        return user.username if user else None

    def _markdown(self, text: str) -> object:
        from rich.markdown import Markdown

        return Markdown(commonmark(name_mentions(text, self._name)), hyperlinks=False)

    def __call__(self, message: Json) -> str:
        from rich.console import Group
        from rich.text import Text

        pieces = [
            Text(part, style="bold" if part.startswith("== ") else "dim")
            if isinstance(part, str)
            else part
            for part in message_lines(message, self._markdown)
        ]
        with self.console.capture() as captured:
            self.console.print(Group(*pieces))
        return captured.get().rstrip("\n")


def _completer(session: ConsoleSession) -> object:
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document

    class BotCompleter(Completer):
        """Command names, console verbs, and the bot's own autocomplete for option values."""

        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterable[Completion]:
            return []

        async def get_completions_async(  # type: ignore[override]
            self, document: Document, complete_event: CompleteEvent
        ) -> AsyncIterator[Completion]:
            text = document.text_before_cursor
            if text.startswith("!") and " " not in text:
                for verb in verb_names():
                    if verb.startswith(text):
                        yield Completion(verb, start_position=-len(text))
                return
            if text.startswith("!"):
                typed = text.split(" ")[-1]
                for offered in session.verb_choices(text):
                    yield Completion(offered, start_position=-len(typed))
                return
            if not text.startswith("/"):
                return
            server = session.server
            if " " not in text:
                for command in server.known_commands(server.guild):
                    name = "/" + command["name"]
                    if command.get("type", 1) == 1 and name.startswith(text):
                        yield Completion(name, start_position=-len(text))
                return
            try:
                choices = await session.complete(text)
            except (ValueError, LookupError, TimeoutError, ConsoleError, OptionError):
                return
            typed = text[text.rfind(":") + 1 :] if ":" in text else text.split(maxsplit=1)[-1]
            for choice in choices:
                yield Completion(
                    str(choice["value"]), start_position=-len(typed), display=choice["name"]
                )

    return BotCompleter()


def private_history_file(history: Path) -> bool:
    """Create the history file 0600 (it holds what was typed) and say if it can be written."""
    if not os.access(history.parent, os.W_OK):
        return False
    try:
        fd = os.open(history, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        os.chmod(history, 0o600)  # an older history file may be 0644
    except OSError:
        return False
    return True


async def watch_posts(session: ConsoleSession, out: IO[str] | None = None) -> None:
    """Print the bot's own posts (a scheduled fact of the day) as they come, between lines."""
    while True:
        await asyncio.sleep(WATCH_S)
        session.catch_up()
        if out is not None:
            out.flush()


async def interactive(session: ConsoleSession, history: Path) -> None:
    """Prompt until Ctrl-D, or Ctrl-C on an empty line."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, History, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    keys = KeyBindings()

    @keys.add("c-c")
    def _cancel_or_quit(event: KeyPressEvent) -> None:
        buffer = event.app.current_buffer
        if buffer.text:
            buffer.reset()
        else:
            event.app.exit(exception=EOFError())

    kept: History = InMemoryHistory()  # if the file cannot be written, history lasts a run
    if private_history_file(history):
        kept = FileHistory(str(history))
    prompt: PromptSession[str] = PromptSession(
        history=kept,
        key_bindings=keys,
        completer=_completer(session),  # type: ignore[arg-type]
        complete_while_typing=False,
    )
    from prompt_toolkit.patch_stdout import patch_stdout

    with patch_stdout():
        # A scheduled post comes while the prompt waits: print it above the prompt.
        watcher = asyncio.create_task(watch_posts(session))
        try:
            while True:
                try:
                    line = await prompt.prompt_async("> ")
                except EOFError:
                    return
                await session.handle_line(line)
        finally:
            watcher.cancel()


async def run_console(
    server: LocalDiscord,
    *,
    plain: bool,
    history: Path,
    stdin: IO[str],
    stdout: IO[str],
    greeting: str = "",
) -> None:
    """Read lines and answer them until the input ends or the user quits; `greeting` is
    shown first on a terminal (see `console_greeting`)."""
    tty = stdin.isatty() and stdout.isatty()
    if tty and not plain:
        session = ConsoleSession(server, stdout, render=RichRender(server))
        if greeting:
            stdout.write(greeting + "\n")
            stdout.flush()
        await interactive(session, history)
        return
    session = ConsoleSession(server, stdout)
    if tty and greeting:
        stdout.write(greeting + "\n")
    # Piped too: a post made while no line comes is printed when made, not at the next line.
    watcher = asyncio.create_task(watch_posts(session, stdout))
    try:
        async for line in piped_lines(stdin):
            if line.strip():
                await session.handle_line(line)
                stdout.flush()
    finally:
        watcher.cancel()
