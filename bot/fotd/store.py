"""Fact-of-the-day storage: the only module with SQL for the fotd_* tables.

Exactly-once protocol (one post per server per local date):

1. **Claim.** Before posting for (guild, local_date) the scheduler INSERTs a ``claimed`` row
   under the unique key ``(guild_id, local_date)`` with ``ON CONFLICT DO NOTHING``, in the
   same transaction that takes the next fact from the rotation. If no row was inserted,
   another loop or an earlier run already owns that day and this one does nothing.
2. **Send**, then **record** ``sent`` with the message id.

Writing "last sent" before sending skips a day when the send fails; writing it after sending,
without a unique key, double-posts after a restart. The claim row fixes both: a failed send
leaves a row to retry, and a crash leaves a row that says the day is in doubt.

A claim also records the pack its fact comes from (``pack``, migration 0006), so a resumed
day is posted from that pack whatever the server reads by then.

A claim carries a lease (``claim_token``, ``lease_until``). A ``claimed`` row whose lease has
run out is *uncertain*: its process died (or stalled) after the claim, and the message may or
may not have gone out. The next tick takes the row over (a conditional UPDATE, so only one
loop wins), asks the channel whether the bot's post for that day is there (the footer marker
holds the local date and fact id), and either records it as ``sent`` or sends it now. The
same check runs before every retry, because a timeout or a 5xx can hide a delivered message.

Every send also carries Discord's idempotency key: a nonce derived from (guild, local_date)
with ``enforce_nonce``, so a repeat within Discord's window (a few minutes) returns the first
message instead of posting again. The history check covers longer gaps: it reads every
message since the claim (up to a bound). One duplicate window remains: the history cannot
be read (no Read Message History, or more messages since than the bound) and the earlier
attempt is older than the nonce window. That resend is logged as a warning and kept as the
day's last error, so status shows it.

Failures: ``record_failure`` sets ``failed`` with ``next_retry_at`` (1, 2, 4 ... minutes,
capped at an hour). Permanent failures (deleted channel, missing permission) also count
towards a streak; at the limit the schedule pauses with a reason shown in status. A day that
cannot be posted within its window becomes ``missed``, with the reason: none is silent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import aiosqlite

from bot.fotd.crashpoint import pause_point
from bot.fotd.rotation import RotationState
from bot.fotd.schedule import format_time
from bot.storage.db import Database

T = TypeVar("T")

RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
DEFAULT_MAX_PERMANENT_FAILURES = 3

_CONFIG_COLUMNS = (
    "guild_id, channel_id, local_time, timezone, enabled, paused_reason, failure_streak,"
    " active_since, created, updated"
)
_POST_COLUMNS = (
    "guild_id, local_date, fact_id, state, message_id, channel_id, claim_token, lease_until,"
    " claimed_at, sent_at, attempts, last_error, last_error_at, next_retry_at, pack"
)


@dataclass(frozen=True)
class FotdConfig:
    guild_id: int
    channel_id: int
    local_time: time
    timezone: str
    enabled: bool
    paused_reason: str | None
    failure_streak: int
    active_since: datetime
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class PostRecord:
    guild_id: int
    local_date: date
    fact_id: str | None
    state: str
    message_id: int | None
    channel_id: int | None
    claim_token: str | None
    lease_until: datetime | None
    claimed_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    last_error_at: datetime | None
    next_retry_at: datetime | None
    pack_key: str | None = None  # the pack the fact is from; None: claimed before 0006


@dataclass(frozen=True)
class FailureOutcome:
    recorded: bool
    next_retry_at: datetime | None
    paused_reason: str | None


@dataclass(frozen=True)
class FotdStatus:
    guild_id: int
    channel_id: int
    local_time: time
    timezone: str
    enabled: bool
    paused_reason: str | None
    last_post_date: date | None
    last_post_fact_id: str | None
    last_post_message_id: int | None
    last_error: str | None
    last_error_date: date | None
    retry_at: datetime | None
    # The local date of the failed post retried at retry_at.
    retry_date: date | None = None
    # Filled in by FotdService.status, which owns the schedule arithmetic; a retry of
    # retry_date when retrying is True.
    next_post_local: datetime | None = None
    retrying: bool = False
    # The pack key when the server's pack has no facts, so no post can be made (same).
    waiting_for_facts: str | None = None


def retry_delay(attempts: int) -> timedelta:
    """Backoff before the next try after `attempts` tries: 1 min, 2, 4 ... capped at 1 h."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


class FotdStore:
    """Repository over the bot's Database (bot.storage.db): migrations 0003, 0005, 0006."""

    def __init__(self, db: Database) -> None:
        # Writes go through db.transaction(): its lock is shared with every other writer on
        # the one connection, so our claim and rotation update commit or roll back together.
        self._db = db

    async def _one(self, sql: str, params: Iterable[Any]) -> Any:
        return await self._db.fetchone(sql, tuple(params))

    async def _all(self, sql: str, params: Iterable[Any]) -> list[Any]:
        return await self._db.fetchall(sql, tuple(params))

    # -- configuration ---------------------------------------------------------------

    async def upsert_config(
        self,
        *,
        guild_id: int,
        channel_id: int,
        local_time: time,
        timezone: str,
        now: datetime,
        redate: Mapping[date, date] | None = None,
    ) -> None:
        """Save a server's schedule and (re)enable it; clears any pause and failure streak.

        `redate` moves ledger rows to earlier dates in the same transaction (a change of zone:
        see FotdService.set); a row whose new date already has one is dropped."""
        async with self._db.transaction() as conn:
            for old_day, new_day in sorted((redate or {}).items()):  # oldest first: frees dates
                await conn.execute(
                    "DELETE FROM fotd_posts WHERE guild_id = ? AND local_date = ?"
                    " AND EXISTS (SELECT 1 FROM fotd_posts WHERE guild_id = ? AND local_date = ?)",
                    (guild_id, old_day.isoformat(), guild_id, new_day.isoformat()),
                )
                await conn.execute(
                    "UPDATE fotd_posts SET local_date = ? WHERE guild_id = ? AND local_date = ?",
                    (new_day.isoformat(), guild_id, old_day.isoformat()),
                )
            await conn.execute(
                "INSERT INTO fotd_config (guild_id, channel_id, local_time, timezone, enabled,"
                " paused_reason, failure_streak, active_since, created, updated)"
                " VALUES (?, ?, ?, ?, 1, NULL, 0, ?, ?, ?)"
                " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
                " local_time = excluded.local_time, timezone = excluded.timezone, enabled = 1,"
                " paused_reason = NULL, failure_streak = 0,"
                " active_since = excluded.active_since, updated = excluded.updated",
                (guild_id, channel_id, format_time(local_time), timezone, *[_ts(now)] * 3),
            )

    async def disable(self, guild_id: int, now: datetime) -> bool:
        """Turn a server's posts off; return False if it had no schedule."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE fotd_config SET enabled = 0, updated = ? WHERE guild_id = ?",
                (_ts(now), guild_id),
            )
            return cursor.rowcount == 1

    async def config(self, guild_id: int) -> FotdConfig | None:
        row = await self._one(
            f"SELECT {_CONFIG_COLUMNS} FROM fotd_config WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else _config(row)

    async def active_configs(self) -> list[FotdConfig]:
        """Servers that should be posting: enabled and not paused."""
        sql = (
            f"SELECT {_CONFIG_COLUMNS} FROM fotd_config"
            " WHERE enabled = 1 AND paused_reason IS NULL ORDER BY guild_id"
        )
        return [_config(row) for row in await self._all(sql, ())]

    # -- rotation ----------------------------------------------------------------------

    # Each server has one rotation per pack (migration 0005), keyed by pack key. Rows written
    # before the library have pack ''; no server draws from it any more (every server reads
    # a pack by its key: bot/served.py LibraryInService.for_guild).

    async def rotation(self, guild_id: int, pack_key: str = "") -> RotationState | None:
        return await self._rotation(self._db.conn, guild_id, pack_key)

    async def update_rotation(
        self,
        guild_id: int,
        step: Callable[[RotationState | None], tuple[T, RotationState]],
        pack_key: str = "",
    ) -> T:
        """Apply `step` to the stored rotation atomically and return its result."""
        async with self._db.transaction() as conn:
            result, state = step(await self._rotation(conn, guild_id, pack_key))
            await self._save_rotation(conn, guild_id, state, pack_key)
            return result

    async def _rotation(
        self, conn: aiosqlite.Connection, guild_id: int, pack_key: str = ""
    ) -> RotationState | None:
        async with conn.execute(
            "SELECT cycle, order_json, position FROM fotd_rotation WHERE guild_id = ? AND pack = ?",
            (guild_id, pack_key),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return RotationState(row[0], tuple(json.loads(row[1])), row[2])

    async def _save_rotation(
        self, conn: aiosqlite.Connection, guild_id: int, state: RotationState, pack_key: str = ""
    ) -> None:
        await conn.execute(
            "INSERT INTO fotd_rotation (guild_id, pack, cycle, order_json, position)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, pack) DO UPDATE SET cycle = excluded.cycle,"
            " order_json = excluded.order_json, position = excluded.position",
            (guild_id, pack_key, state.cycle, json.dumps(list(state.order)), state.position),
        )

    # -- the post ledger ---------------------------------------------------------------

    async def claim(
        self,
        *,
        guild_id: int,
        local_date: date,
        channel_id: int,
        token: str,
        now: datetime,
        lease_until: datetime,
        choose_fact: Callable[[RotationState | None], tuple[str, RotationState]],
        pack_key: str = "",
    ) -> str | None:
        """Claim a day and take its fact from pack `pack_key`'s rotation; return the fact id,
        or None if already claimed. The row records the pack, so a resume posts from it."""
        async with self._db.transaction() as conn:
            fact_id, state = choose_fact(await self._rotation(conn, guild_id, pack_key))
            cursor = await conn.execute(
                "INSERT INTO fotd_posts (guild_id, local_date, fact_id, pack, state, channel_id,"
                " claim_token, lease_until, claimed_at, attempts)"
                " VALUES (?, ?, ?, ?, 'claimed', ?, ?, ?, ?, 1)"
                " ON CONFLICT (guild_id, local_date) DO NOTHING",
                (
                    guild_id,
                    local_date.isoformat(),
                    fact_id,
                    pack_key,
                    channel_id,
                    token,
                    _ts(lease_until),
                    _ts(now),
                ),
            )
            if cursor.rowcount != 1:
                return None  # the rotation is left as it was: the transaction commits nothing
            await self._save_rotation(conn, guild_id, state, pack_key)
            await pause_point("claim_open")
            return fact_id

    async def last_handled_date(self, guild_id: int) -> date | None:
        """The latest local date with any ledger row (claimed, sent, failed or missed)."""
        row = await self._one(
            "SELECT MAX(local_date) FROM fotd_posts WHERE guild_id = ?", (guild_id,)
        )
        return None if row[0] is None else date.fromisoformat(row[0])

    async def last_post_before(self, guild_id: int, before: datetime) -> datetime | None:
        """The instant of the latest post made (or possibly made: claimed, failed) before
        `before`; missed days do not count."""
        row = await self._one(
            "SELECT MAX(COALESCE(sent_at, claimed_at)) FROM fotd_posts"
            " WHERE guild_id = ? AND state != 'missed' AND COALESCE(sent_at, claimed_at) < ?",
            (guild_id, _ts(before)),
        )
        return _dt(row[0])

    async def forget_future(self, guild_id: int, today: date, slack: date) -> list[date]:
        """Delete rows for days after `today` that only a clock running ahead can have
        written: any after `slack`, and 'missed' rows after `today` (a day is missed only
        once its window has closed). Return their dates."""
        async with (
            self._db.transaction() as conn,
            conn.execute(
                "DELETE FROM fotd_posts WHERE guild_id = ? AND (local_date > ?"
                " OR (local_date > ? AND state = 'missed')) RETURNING local_date",
                (guild_id, slack.isoformat(), today.isoformat()),
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return sorted(date.fromisoformat(row[0]) for row in rows)

    async def open_posts(self, guild_id: int, now: datetime) -> list[PostRecord]:
        """Rows needing work now: claims whose lease ran out and failures due for retry."""
        sql = (
            f"SELECT {_POST_COLUMNS} FROM fotd_posts WHERE guild_id = ? AND ("
            " (state = 'claimed' AND lease_until <= ?) OR (state = 'failed' AND next_retry_at <= ?)"
            ") ORDER BY local_date"
        )
        return [_post(row) for row in await self._all(sql, (guild_id, _ts(now), _ts(now)))]

    async def acquire(
        self, guild_id: int, local_date: date, *, token: str, now: datetime, lease_until: datetime
    ) -> PostRecord | None:
        """Take over a stale claim or a due retry; None if another loop got it first."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE fotd_posts SET state = 'claimed', claim_token = ?, lease_until = ?,"
                " attempts = attempts + 1 WHERE guild_id = ? AND local_date = ? AND ("
                " (state = 'claimed' AND lease_until <= ?)"
                " OR (state = 'failed' AND next_retry_at <= ?))",
                (token, _ts(lease_until), guild_id, local_date.isoformat(), _ts(now), _ts(now)),
            )
            if cursor.rowcount != 1:
                return None
        return await self.post(guild_id, local_date)

    async def set_channel(
        self, guild_id: int, local_date: date, *, token: str, channel_id: int
    ) -> None:
        """Note the channel the next attempt goes to, before sending, so recovery checks it."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE fotd_posts SET channel_id = ?"
                " WHERE guild_id = ? AND local_date = ? AND claim_token = ? AND state = 'claimed'",
                (channel_id, guild_id, local_date.isoformat(), token),
            )

    async def mark_sent(
        self,
        guild_id: int,
        local_date: date,
        *,
        token: str,
        message_id: int,
        channel_id: int,
        now: datetime,
        warning: str | None = None,
    ) -> bool:
        """Record the post; False if this claim was lost meanwhile (a possible duplicate).

        A `warning` (the post may be a duplicate) is kept as the day's last error, so status
        shows it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE fotd_posts SET state = 'sent', message_id = ?, channel_id = ?,"
                " sent_at = ?, lease_until = NULL, next_retry_at = NULL,"
                " last_error = COALESCE(?, last_error),"
                " last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE ? END"
                " WHERE guild_id = ? AND local_date = ? AND claim_token = ? AND state = 'claimed'",
                (
                    message_id,
                    channel_id,
                    _ts(now),
                    warning,
                    warning,
                    _ts(now),
                    guild_id,
                    local_date.isoformat(),
                    token,
                ),
            )
            await pause_point("record_open")
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "UPDATE fotd_config SET failure_streak = 0 WHERE guild_id = ?", (guild_id,)
            )
            return True

    async def record_failure(
        self,
        guild_id: int,
        local_date: date,
        error: str,
        permanent: bool,
        *,
        token: str,
        now: datetime,
        max_permanent_failures: int = DEFAULT_MAX_PERMANENT_FAILURES,
    ) -> FailureOutcome:
        """Mark the claimed day failed with a retry time; pause after repeated permanent errors."""
        key = (guild_id, local_date.isoformat(), token)
        async with self._db.transaction() as conn:
            row = await self._one(
                "SELECT attempts FROM fotd_posts"
                " WHERE guild_id = ? AND local_date = ? AND claim_token = ? AND state = 'claimed'",
                key,
            )
            if row is None:
                return FailureOutcome(recorded=False, next_retry_at=None, paused_reason=None)
            retry_at = now + retry_delay(row[0])
            await conn.execute(
                "UPDATE fotd_posts SET state = 'failed', lease_until = NULL, last_error = ?,"
                " last_error_at = ?, next_retry_at = ?"
                " WHERE guild_id = ? AND local_date = ? AND claim_token = ?",
                (error, _ts(now), _ts(retry_at), *key),
            )
            paused = None
            if permanent:
                await conn.execute(
                    "UPDATE fotd_config SET failure_streak = failure_streak + 1 WHERE guild_id = ?",
                    (guild_id,),
                )
                streak = await self._one(
                    "SELECT failure_streak FROM fotd_config WHERE guild_id = ?", (guild_id,)
                )
                if streak is not None and streak[0] >= max_permanent_failures:
                    # The reply adds how to resume; the command name is the cog's business.
                    paused = f"{streak[0]} posts in a row failed: {error}"
                    await conn.execute(
                        "UPDATE fotd_config SET paused_reason = ?, updated = ? WHERE guild_id = ?",
                        (paused, _ts(now), guild_id),
                    )
            return FailureOutcome(recorded=True, next_retry_at=retry_at, paused_reason=paused)

    async def abandon(
        self, guild_id: int, local_date: date, *, token: str, reason: str, now: datetime
    ) -> None:
        """Give up on a claimed day whose window has closed, keeping the reason visible."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE fotd_posts SET state = 'missed', lease_until = NULL, next_retry_at = NULL,"
                " last_error = ?, last_error_at = ?"
                " WHERE guild_id = ? AND local_date = ? AND claim_token = ? AND state = 'claimed'",
                (reason, _ts(now), guild_id, local_date.isoformat(), token),
            )

    async def record_missed(
        self, guild_id: int, local_dates: Iterable[date], reason: str, now: datetime
    ) -> int:
        """Write 'missed' rows for days nobody claimed in time; return how many were new."""
        at = _ts(now)
        rows = [(guild_id, day.isoformat(), at, reason, at) for day in local_dates]
        async with self._db.transaction() as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT INTO fotd_posts (guild_id, local_date, state, claimed_at, last_error,"
                " last_error_at) VALUES (?, ?, 'missed', ?, ?, ?)"
                " ON CONFLICT (guild_id, local_date) DO NOTHING",
                rows,
            )
            return conn.total_changes - before

    async def post(self, guild_id: int, local_date: date) -> PostRecord | None:
        row = await self._one(
            f"SELECT {_POST_COLUMNS} FROM fotd_posts WHERE guild_id = ? AND local_date = ?",
            (guild_id, local_date.isoformat()),
        )
        return None if row is None else _post(row)

    async def posts(self, guild_id: int) -> list[PostRecord]:
        """A server's whole ledger, oldest first."""
        sql = f"SELECT {_POST_COLUMNS} FROM fotd_posts WHERE guild_id = ? ORDER BY local_date"
        return [_post(row) for row in await self._all(sql, (guild_id,))]

    async def status(self, guild_id: int) -> FotdStatus | None:
        """What /fotd status shows, minus the next post time (see FotdService.status)."""
        config = await self.config(guild_id)
        if config is None:
            return None
        last = await self._one(
            "SELECT local_date, fact_id, message_id FROM fotd_posts"
            " WHERE guild_id = ? AND state = 'sent' ORDER BY local_date DESC LIMIT 1",
            (guild_id,),
        )
        error = await self._one(
            "SELECT last_error, local_date FROM fotd_posts"
            " WHERE guild_id = ? AND last_error IS NOT NULL ORDER BY last_error_at DESC LIMIT 1",
            (guild_id,),
        )
        retry = await self._one(
            "SELECT next_retry_at, local_date FROM fotd_posts WHERE guild_id = ?"
            " AND state = 'failed' ORDER BY next_retry_at LIMIT 1",
            (guild_id,),
        )
        return FotdStatus(
            guild_id=guild_id,
            channel_id=config.channel_id,
            local_time=config.local_time,
            timezone=config.timezone,
            enabled=config.enabled,
            paused_reason=config.paused_reason,
            last_post_date=None if last is None else date.fromisoformat(last[0]),
            last_post_fact_id=None if last is None else last[1],
            last_post_message_id=None if last is None else last[2],
            last_error=None if error is None else error[0],
            last_error_date=None if error is None else date.fromisoformat(error[1]),
            retry_at=None if retry is None else _dt(retry[0]),
            retry_date=None if retry is None else date.fromisoformat(retry[1]),
        )


def _ts(instant: datetime) -> float:
    return instant.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _config(row: Any) -> FotdConfig:
    return FotdConfig(
        guild_id=row[0],
        channel_id=row[1],
        local_time=time.fromisoformat(row[2]),
        timezone=row[3],
        enabled=bool(row[4]),
        paused_reason=row[5],
        failure_streak=row[6],
        active_since=datetime.fromtimestamp(row[7], UTC),
        created=datetime.fromtimestamp(row[8], UTC),
        updated=datetime.fromtimestamp(row[9], UTC),
    )


def _post(row: Any) -> PostRecord:
    return PostRecord(
        guild_id=row[0],
        local_date=date.fromisoformat(row[1]),
        fact_id=row[2],
        state=row[3],
        message_id=row[4],
        channel_id=row[5],
        claim_token=row[6],
        lease_until=_dt(row[7]),
        claimed_at=datetime.fromtimestamp(row[8], UTC),
        sent_at=_dt(row[9]),
        attempts=row[10],
        last_error=row[11],
        last_error_at=_dt(row[12]),
        next_retry_at=_dt(row[13]),
        pack_key=row[14],
    )
