"""Storage: the SQLite database, lookup settings, heartbeat, usage log and its stats.

Nothing here imports discord; cogs call these plain async functions and classes.
"""

from bot.storage.db import (
    Database,
    MigrationError,
    SchemaTooNewError,
    migrate,
    open_database,
)
from bot.storage.heartbeat import heartbeat_is_fresh, read_heartbeats, touch_heartbeat
from bot.storage.settings import LookupKind, LookupSettings, LookupStatus, LookupSwitches
from bot.storage.stats import (
    UsageSummary,
    summary_to_csv,
    summary_to_json,
    usage_summary,
)
from bot.storage.usage import EventKind, Outcome, UsageEvent, UsageLog, UsageStats

__all__ = [
    "Database",
    "EventKind",
    "LookupKind",
    "LookupSettings",
    "LookupStatus",
    "LookupSwitches",
    "MigrationError",
    "Outcome",
    "SchemaTooNewError",
    "UsageEvent",
    "UsageLog",
    "UsageStats",
    "UsageSummary",
    "heartbeat_is_fresh",
    "migrate",
    "open_database",
    "read_heartbeats",
    "summary_to_csv",
    "summary_to_json",
    "touch_heartbeat",
    "usage_summary",
]
