"""Shared pieces of the command line: this run's settings (read once), loading the library,
the pack of `--edition`, and printing."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings, load_settings
from bot.pack.library import Library, edition_only, load_library, pack_dirs
from bot.pack.loader import MANIFEST_FILE, ContentError
from bot.replies.common import counted
from bot.replies.errors import edition_only_text


class CliError(Exception):
    """A user mistake: printed as one line, exit code `code`, no traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def settings_of(args: argparse.Namespace) -> Settings:
    """This run's settings, read once: the environment over `.env`, `--content` over both."""
    settings = getattr(args, "settings", None)
    if settings is None:
        try:
            settings = load_settings()
        except ConfigError as exc:
            raise CliError(str(exc), code=2) from None
        if getattr(args, "content", None) is not None:
            settings.bluebook_content = args.content
        args.settings = settings
    return settings


def content_dir(args: argparse.Namespace) -> Path | None:
    """The content pack or library to read; None: the shipped pack. A path that is not a
    folder, or a folder without a pack, is a usage error."""
    path = settings_of(args).bluebook_content
    if path is None:
        return None
    if not Path(path).is_dir():
        what = "is not a folder" if Path(path).exists() else "does not exist"
    elif not pack_dirs(path):
        what = f"holds no pack: no {MANIFEST_FILE} and no <edition>/chapter<N>/"
    else:
        return path
    raise CliError(f"content folder {path} {what} (--content or BLUEBOOK_CONTENT)", code=2)


def invalid_content(exc: ContentError) -> CliError:
    """Every problem of content that did not load, printed, and the error to raise."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return CliError(f"content pack is invalid ({counted(len(exc.problems), 'problem')})")


def library_from_args(args: argparse.Namespace) -> Library:
    try:
        return load_library(content_dir(args))
    except ContentError as exc:
        raise invalid_content(exc) from None


def pack_key_for_year(library: Library, year: int | None) -> str:
    """The pack of `--edition YEAR` (default: the newest); a year not held is an error."""
    key = library.key_for(year)
    if key is None:
        held = ", ".join(str(y) for y in library.editions())
        raise CliError(f"no edition {year} in the library; it holds {held}")
    return key


def refuse_edition_only(typed: str) -> None:
    """Raise the one line `section` and `compare` give a reference that names an edition and
    nothing else ('2024:'), as /section says it, with the terminal's quotes."""
    if edition_only(typed) is not None:
        text = edition_only_text(typed.strip())
        raise CliError(text.replace("\u201c", "'").replace("\u201d", "'"))


def add_edition(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--edition", type=int, metavar="YEAR", help="the edition to read (default: the newest)"
    )


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
