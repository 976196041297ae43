"""Option values Discord would never send: the wrong type, or out of the declared range.

Discord checks types and ranges before it sends an interaction, and discord.py trusts it
(a `Range[int, 1, 10]` is not checked again). This is for a client or proxy that does not,
so a bad value gets the short error before discord.py hands it to a callback, rather than
reaching our code as a TypeError. It reads the raw option values of the interaction's data,
so it costs no second parse of the options.
"""

from __future__ import annotations

import math
from typing import Any

from discord import AppCommandOptionType, app_commands

from bot.replies.markdown import escape

_OPTION = AppCommandOptionType
_Checks = dict[str, tuple[AppCommandOptionType, float | None, float | None, bool]]
_CHECKS_KEY = "bluebook_option_checks"
# Discord's integers are 53-bit (JavaScript numbers).
_INT_LIMIT = 2**53
_GROUPING = (_OPTION.subcommand.value, _OPTION.subcommand_group.value)


def invalid_option(command: Any, data: Any) -> str | None:
    """The short error for an option value of the wrong type or out of range, else None."""
    if not isinstance(command, app_commands.Command) or not isinstance(data, dict):
        return None
    options = data.get("options") or []
    # A subcommand's options sit inside its group's and its own entries.
    while options and isinstance(options[0], dict) and options[0].get("type") in _GROUPING:
        options = options[0].get("options") or []
    checks = _checks_for(command)
    for option in options:
        if not isinstance(option, dict):
            return "That command's options are not valid."
        name, value = option.get("name"), option.get("value")
        check = checks.get(name) if isinstance(name, str) else None
        if check is None:
            continue
        kind, low, high, required = check
        if value is None and not required:
            continue
        if not _fits(kind, value, low, high):
            shown = str(value)
            if len(shown) > 40:
                shown = shown[:39] + "…"
            return f"That value is not valid for `{name}`: “{escape(shown)}”."
    return None


def _checks_for(command: app_commands.Command[Any, ..., Any]) -> _Checks:
    # Kept on the command itself (its `extras` are ours), so a reloaded cog's new command
    # objects get their own. Keyed by the name Discord shows and sends.
    checks: _Checks | None = command.extras.get(_CHECKS_KEY)
    if checks is None:
        checks = {
            p.display_name: (p.type, p.min_value, p.max_value, p.required)
            for p in command.parameters
        }
        command.extras[_CHECKS_KEY] = checks
    return checks


def _fits(kind: AppCommandOptionType, value: Any, low: float | None, high: float | None) -> bool:
    if kind is _OPTION.string:
        if not isinstance(value, str):
            return False
        size: float = len(value)
    elif kind is _OPTION.integer:
        if type(value) is not int or not -_INT_LIMIT <= value <= _INT_LIMIT:
            return False
        size = value
    elif kind is _OPTION.number:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value) or abs(value) > _INT_LIMIT:
            return False
        size = value
    elif kind is _OPTION.boolean:
        return isinstance(value, bool)
    else:
        return True  # users, channels, choices: discord.py resolves and checks those
    return (low is None or size >= low) and (high is None or size <= high)
