"""Settings from the environment and an optional `.env`, built in main(), never at import."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# What each variable expects, for one-line error messages.
EXPECTED = {
    "DISCORD_TOKEN": "the bot token from the Discord developer portal",
    "BLUEBOOK_DB": "a file path, e.g. data/bluebook.db",
    "BLUEBOOK_CONTENT": "a content pack directory",
    "BLUEBOOK_DEV_GUILD": "a guild id (a number such as 123456789012345678)",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "LOG_FORMAT": "text or json",
    "SHARD_COUNT": "a whole number of 1 or more",
    "SHARD_IDS": "comma-separated shard numbers below SHARD_COUNT, e.g. 0,1",
    "BLUEBOOK_FOTD_GRACE_HOURS": "hours (0-24) after the scheduled time a missed fact of the day may still be posted",
    "BLUEBOOK_RETENTION_DAYS": "days of usage events to keep (1 or more)",
}


class ConfigError(Exception):
    """One line naming the variable and the expected form."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    discord_token: SecretStr | None = None
    bluebook_db: Path = Path("data/bluebook.db")
    bluebook_content: Path | None = None
    bluebook_dev_guild: int | None = Field(default=None, gt=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: str | None = None
    # None: a missed post may still go out for the rest of its local day.
    bluebook_fotd_grace_hours: float | None = Field(default=None, ge=0, le=24)
    bluebook_retention_days: int = Field(default=180, ge=1)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def token(self) -> str | None:
        return self.discord_token.get_secret_value() if self.discord_token else None

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


def _line(variable: str, value: object) -> str:
    shown = "" if variable == "DISCORD_TOKEN" else f" (got {value!r})"
    return f"{variable} is invalid{shown}: expected {EXPECTED.get(variable, 'a valid value')}."


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Build the settings, raising ConfigError with one clear line on a bad value."""
    try:
        settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        raise ConfigError(_line(variable, first.get("input"))) from None
    settings.shard_id_list()
    return settings
