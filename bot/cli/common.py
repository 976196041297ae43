"""Shared pieces of the command line: loading the pack and printing."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.pack.loader import ContentError, load_pack
from bot.pack.model import Pack


class CliError(Exception):
    """A user mistake: printed as one line, exit code `code`, no traceback."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def pack_from_args(args: argparse.Namespace) -> Pack:
    try:
        return load_pack(args.content)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise CliError(f"content pack is invalid ({len(exc.problems)} problem(s))") from None


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))
