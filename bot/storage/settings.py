"""Per-guild and per-channel switches for explicit and passive lookups."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from bot.storage.db import Database

log = logging.getLogger(__name__)

# Asking the bot is always fine; reacting to ordinary messages must be opted into.
DEFAULT_EXPLICIT = True
DEFAULT_PASSIVE = False


class LookupKind(StrEnum):
    EXPLICIT = "explicit"
    PASSIVE = "passive"


@dataclass(frozen=True, slots=True)
class LookupSwitches:
    explicit: bool
    passive: bool


DEFAULTS = LookupSwitches(explicit=DEFAULT_EXPLICIT, passive=DEFAULT_PASSIVE)
# In a DM (no server settings apply) explicit lookups answer and passive mode stays quiet.
DM_SWITCHES = LookupSwitches(explicit=True, passive=False)


@dataclass(frozen=True, slots=True)
class LookupOverride:
    """A stored row; None in a switch means "inherits"."""

    channel_id: int | None  # None for the guild-wide row
    explicit: bool | None
    passive: bool | None


@dataclass(frozen=True, slots=True)
class LookupStatus:
    guild_id: int
    guild: LookupSwitches  # what a channel without its own override gets
    overrides: tuple[LookupOverride, ...]


# One fixed statement per column, chosen by enum, so no SQL is ever assembled from values.
_SET_GUILD = {
    LookupKind.EXPLICIT: """
        INSERT INTO guild_settings (guild_id, explicit_lookups) VALUES (?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET explicit_lookups = excluded.explicit_lookups""",
    LookupKind.PASSIVE: """
        INSERT INTO guild_settings (guild_id, passive_lookups) VALUES (?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET passive_lookups = excluded.passive_lookups""",
}
_SET_CHANNEL = {
    LookupKind.EXPLICIT: """
        INSERT INTO channel_settings (channel_id, guild_id, explicit_lookups) VALUES (?, ?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET
            guild_id = excluded.guild_id, explicit_lookups = excluded.explicit_lookups""",
    LookupKind.PASSIVE: """
        INSERT INTO channel_settings (channel_id, guild_id, passive_lookups) VALUES (?, ?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET
            guild_id = excluded.guild_id, passive_lookups = excluded.passive_lookups""",
}
_DROP_EMPTY_GUILD = """
    DELETE FROM guild_settings
    WHERE guild_id = ? AND explicit_lookups IS NULL AND passive_lookups IS NULL"""
_DROP_EMPTY_CHANNEL = """
    DELETE FROM channel_settings
    WHERE channel_id = ? AND explicit_lookups IS NULL AND passive_lookups IS NULL"""
_EFFECTIVE = """
    SELECT
        (SELECT explicit_lookups FROM guild_settings WHERE guild_id = :guild),
        (SELECT passive_lookups FROM guild_settings WHERE guild_id = :guild),
        (SELECT explicit_lookups FROM channel_settings WHERE channel_id = :channel),
        (SELECT passive_lookups FROM channel_settings WHERE channel_id = :channel)"""


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _pick(channel: bool | None, guild: bool | None, default: bool) -> bool:
    if channel is not None:
        return channel
    return guild if guild is not None else default


class LookupSettings:
    """Repository for lookup switches; the channel value overrides the guild value."""

    def __init__(self, db: Database, *, cache_size: int = 10_000) -> None:
        self._db = db
        # Passive lookups ask on every message, so answers are cached; writes clear it.
        self._cache: dict[tuple[int | None, int | None], LookupSwitches] = {}
        self._cache_size = cache_size
        self._generation = 0
        self._read_failing = False

    async def get_effective(
        self, *, guild_id: int | None, channel_id: int | None
    ) -> LookupSwitches:
        """The switches in force in a channel; defaults if the database cannot be read."""
        key = (guild_id, channel_id)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        generation = self._generation
        try:
            row = await self._db.fetchone(_EFFECTIVE, {"guild": guild_id, "channel": channel_id})
        except sqlite3.Error as exc:
            # The defaults are the safe choice: explicit asks answered, passive stays quiet.
            if not self._read_failing:
                self._read_failing = True
                log.warning("lookup_settings_read_failed error=%s; using defaults", exc)
            return DEFAULTS
        self._read_failing = False
        g_explicit, g_passive, c_explicit, c_passive = (
            (_flag(v) for v in row) if row else (None, None, None, None)
        )
        switches = LookupSwitches(
            explicit=_pick(c_explicit, g_explicit, DEFAULT_EXPLICIT),
            passive=_pick(c_passive, g_passive, DEFAULT_PASSIVE),
        )
        # A write during the await above makes this answer stale: do not cache it.
        if generation == self._generation:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[key] = switches
        return switches

    async def set_guild(self, *, guild_id: int, kind: LookupKind, enabled: bool | None) -> None:
        """Set a guild-wide switch; None removes the override (back to the default)."""
        value = None if enabled is None else int(enabled)
        async with self._db.transaction() as conn:
            await conn.execute(_SET_GUILD[kind], (guild_id, value))
            await conn.execute(_DROP_EMPTY_GUILD, (guild_id,))
        self._invalidate()

    async def set_channel(
        self, *, guild_id: int, channel_id: int, kind: LookupKind, enabled: bool | None
    ) -> None:
        """Set a channel switch; None removes the override (back to the guild value)."""
        value = None if enabled is None else int(enabled)
        async with self._db.transaction() as conn:
            await conn.execute(_SET_CHANNEL[kind], (channel_id, guild_id, value))
            await conn.execute(_DROP_EMPTY_CHANNEL, (channel_id,))
        self._invalidate()

    async def status(self, *, guild_id: int) -> LookupStatus:
        """The guild-level switches and every stored override in the guild."""
        guild_row = await self._db.fetchone(
            "SELECT explicit_lookups, passive_lookups FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        channel_rows = await self._db.fetchall(
            "SELECT channel_id, explicit_lookups, passive_lookups FROM channel_settings "
            "WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        overrides: list[LookupOverride] = []
        g_explicit = g_passive = None
        if guild_row is not None:
            g_explicit, g_passive = _flag(guild_row[0]), _flag(guild_row[1])
            overrides.append(LookupOverride(None, g_explicit, g_passive))
        overrides.extend(LookupOverride(int(r[0]), _flag(r[1]), _flag(r[2])) for r in channel_rows)
        guild = LookupSwitches(
            explicit=_pick(None, g_explicit, DEFAULT_EXPLICIT),
            passive=_pick(None, g_passive, DEFAULT_PASSIVE),
        )
        return LookupStatus(guild_id=guild_id, guild=guild, overrides=tuple(overrides))

    def _invalidate(self) -> None:
        self._generation += 1
        self._cache.clear()


async def switches_in(
    settings: LookupSettings | None, *, guild_id: int | None, channel_id: int | None
) -> LookupSwitches:
    """The switches in force where a message is written: a DM's, or the server's and channel's."""
    if guild_id is None or settings is None:
        return DM_SWITCHES
    return await settings.get_effective(guild_id=guild_id, channel_id=channel_id)
