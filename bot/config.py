"""Settings from the environment and an optional `.env`, built in main(), never at import.

The one place settings are read: `run`, the console and every CLI command take them from
`Settings` (bot/cli/common.py `settings_of`); nothing else reads these variables.

Ten variables, each with its own small parser; written out here rather than with
pydantic-settings, which cost about 10 MiB of the idle bot's memory for them (`make bench`:
idle RSS 79.4 MiB before, 68.8 MiB after).
Environment variables win over `.env`; names are case-insensitive; an empty value counts as
unset (so `DISCORD_TOKEN=` in the environment does not hide the token in `.env`). A bad
value raises ConfigError with one line naming the variable and the form it expects.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

# Discord ids are 64-bit snowflakes; a larger number cannot name a guild.
MAX_SNOWFLAKE = 2**63 - 1
MAX_SHARDS = 10_000
# A century: larger values overflow the date arithmetic of the purge.
MAX_RETENTION_DAYS = 36_500
# Discord's tokens are about 70 characters; anything this long is a pasted file, not a token
# (and would otherwise reach Discord and come back as an outage).
MAX_TOKEN_CHARS = 200

# What each variable expects, for one-line error messages.
EXPECTED = {
    "DISCORD_TOKEN": (
        "the bot token from the Discord developer portal, on one line without spaces"
        f" (at most {MAX_TOKEN_CHARS} characters)"
    ),
    "BLUEBOOK_DB": "a file path, e.g. data/bluebook.db",
    "BLUEBOOK_CONTENT": "a content pack or library directory",
    "BLUEBOOK_DEV_GUILD": "a guild id (a number such as 123456789012345678)",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "text or json",
    "SHARD_COUNT": f"a whole number of 1 or more (at most {MAX_SHARDS:,})",
    "SHARD_IDS": "comma-separated shard numbers below SHARD_COUNT, e.g. 0,1",
    "BLUEBOOK_FOTD_GRACE_HOURS": "hours (0-24) after the scheduled time a missed fact of the day may still be posted",
    "BLUEBOOK_RETENTION_DAYS": f"days of usage events to keep (1 or more, at most {MAX_RETENTION_DAYS:,})",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """One line naming the variable and the expected form."""


@dataclass
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    bluebook_db: Path = Path("data/bluebook.db")
    bluebook_content: Path | None = None
    bluebook_dev_guild: int | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    shard_count: int | None = None
    shard_ids: str | None = None
    # None: a missed post may still go out for the rest of its local day.
    bluebook_fotd_grace_hours: float | None = None
    bluebook_retention_days: int = 180

    @property
    def token(self) -> str | None:
        return self.discord_token

    def shard_id_list(self) -> list[int] | None:
        """SHARD_IDS parsed and checked against SHARD_COUNT."""
        if not self.shard_ids:
            return None
        try:
            ids = sorted({int(part) for part in self.shard_ids.split(",") if part.strip()})
        except ValueError:
            raise ConfigError(_line("SHARD_IDS", self.shard_ids)) from None
        if self.shard_count is None:
            raise ConfigError("SHARD_IDS is set but SHARD_COUNT is not: set both.")
        if not ids or ids[0] < 0 or ids[-1] >= self.shard_count:
            raise ConfigError(_line("SHARD_IDS", self.shard_ids))
        return ids

    @classmethod
    def from_sources(
        cls, env_file: str | Path | None = ".env", environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Read `environ` (default: the process environment) over `env_file`, then defaults."""
        raw: dict[str, str] = {}
        sources: list[Mapping[str, str | None]] = []
        if env_file is not None and Path(env_file).is_file():
            try:
                sources.append(dotenv_values(env_file))
            except UnicodeDecodeError as exc:
                raise ConfigError(
                    f"{env_file} is not UTF-8 text (a bad byte at offset {exc.start}): "
                    "save it as UTF-8."
                ) from None
        sources.append(os.environ if environ is None else environ)
        for source in sources:  # later sources win; an empty value never hides a set one
            for name, value in source.items():
                if value is not None and value.strip():
                    raw[name.upper()] = value
        values: dict[str, Any] = {}
        for spec in fields(cls):
            variable = spec.name.upper()
            text = raw.get(variable, "").strip()
            if not text:
                continue  # unset or empty: the default
            try:
                values[spec.name] = _PARSERS[spec.name](text)
            except ValueError:
                raise ConfigError(_line(variable, text)) from None
        return cls(**values)


def _whole(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        number = int(text)
        if not minimum <= number <= maximum:
            raise ValueError(text)
        return number

    return parse


def _token(text: str) -> str:
    # A newline or space inside would reach an HTTP header and fail deep inside aiohttp.
    if len(text) > MAX_TOKEN_CHARS or any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError("token")
    return text


def _hours(text: str) -> float:
    hours = float(text)
    if not 0 <= hours <= 24:  # also refuses nan
        raise ValueError(text)
    return hours


def _one_of(choices: tuple[str, ...], fold: Callable[[str], str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = fold(text)
        if value not in choices:
            raise ValueError(text)
        return value

    return parse


_PARSERS: dict[str, Callable[[str], Any]] = {
    "discord_token": _token,
    "bluebook_db": Path,
    "bluebook_content": Path,
    "bluebook_dev_guild": _whole(1, MAX_SNOWFLAKE),
    "log_level": _one_of(LOG_LEVELS, str.upper),
    "log_format": _one_of(LOG_FORMATS, str.lower),
    "shard_count": _whole(1, MAX_SHARDS),
    "shard_ids": str,
    "bluebook_fotd_grace_hours": _hours,
    "bluebook_retention_days": _whole(1, MAX_RETENTION_DAYS),
}


def _line(variable: str, value: object) -> str:
    shown = "" if variable == "DISCORD_TOKEN" else f" (got {value!r})"
    return f"{variable} is invalid{shown}: expected {EXPECTED.get(variable, 'a valid value')}."


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Build the settings, raising ConfigError with one clear line on a bad value."""
    settings = Settings.from_sources(env_file)
    settings.shard_id_list()
    return settings
