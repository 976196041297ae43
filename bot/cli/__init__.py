"""The `bluebook-bot` command line. Every command reads its settings (environment over `.env`,
`--content` over both) from one `Settings`, built on first use (bot/cli/common.py `settings_of`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cli import (
    bot_commands,
    library_commands,
    ops_commands,
    pack_commands,
    search_commands,
)
from bot.cli.common import CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bluebook-bot",
        description="Quote Japan's Diplomatic Bluebook verbatim, with references: the shipped "
        "page, or a library of editions and chapters (--content).",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=None,
        help="content pack or library directory (default: BLUEBOOK_CONTENT, else the shipped pack)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (pack_commands, search_commands, library_commands, bot_commands, ops_commands):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
