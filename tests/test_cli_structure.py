"""Structural checks over the `bluebook-bot` command line: every option says what it does,
and a missing subcommand is named as a user sees it, not by an internal name."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from bot.cli import build_parser, main


def _commands(
    parser: argparse.ArgumentParser, path: str = "bluebook-bot"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{path} {name}")


def _options() -> Iterator[tuple[str, argparse.Action]]:
    for path, parser in _commands(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action


def test_every_option_has_a_help_text() -> None:
    bare = [name for name, action in _options() if not (action.help or "").strip()]
    assert bare == []


def test_subcommands_are_named_as_typed() -> None:
    """argparse names a missing required subcommand by its `metavar`, else its internal dest
    ("fotd_cmd")."""
    for path, parser in _commands(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and action.required:
                assert action.metavar == "COMMAND", path


@pytest.mark.parametrize("argv", [["fotd"], ["content"], ["content", "facts"]])
def test_a_missing_subcommand_is_one_plain_line(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith("error: the following arguments are required: COMMAND")
    assert "_cmd" not in err


def test_the_description_does_not_name_one_chapter() -> None:
    """With --content the command line reads a library of editions and chapters."""
    description = build_parser().description or ""
    assert "Chapter 3" not in description and "2025" not in description


@pytest.mark.parametrize("age", ["-1", "0", "nan", "soon"])
def test_health_refuses_a_max_age_that_is_not_a_positive_number(age: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["health", "--max-age", age])
    assert stopped.value.code == 2
    assert "not a positive number of seconds" in capsys.readouterr().err
