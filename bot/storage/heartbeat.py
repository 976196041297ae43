"""One heartbeat row per running bot process, so `bluebook-bot health` can tell each is alive.

A process is named by the shards it runs: '*' when it runs them all (no SHARD_IDS), else
its shard ids ('0', '1,3'), with SHARD_COUNT beside. Health takes the layout from the
newest row and fails when any shard of it has no fresh heartbeat: with two shard processes,
one killed fails health while the other still beats.

Each run of the bot writes its row with its own random owner token. A row that another owner
wrote since this process's last touch means a second live process runs the same shards on
this database (with one token, both would answer every event): `ProcessHeartbeat` notices it
within one heartbeat interval. A row left by a process that died is taken over without that
notice, as its owner never writes again.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.db import Database

# Generous against a touch every 15 s: one missed or slow touch must not flap health.
HEARTBEAT_MAX_AGE_S = 180.0
ALL_SHARDS = "*"


@dataclass(frozen=True)
class ProcessBeat:
    process: str
    shard_count: int | None
    ts: float

    def shards(self) -> set[int] | None:
        """The shards this process runs; None for all of them."""
        if self.process == ALL_SHARDS:
            return None
        return {int(part) for part in self.process.split(",")}


def process_key(shard_ids: Sequence[int] | None) -> str:
    """The heartbeat name of a process running `shard_ids` (None: every shard)."""
    return ALL_SHARDS if not shard_ids else ",".join(str(s) for s in sorted(shard_ids))


async def touch_heartbeat(
    db: Database,
    *,
    shard_ids: Sequence[int] | None = None,
    shard_count: int | None = None,
    owner: str = "",
    now: float | None = None,
) -> str | None:
    """Record that this process (`owner`) is alive at `now` (unix seconds); return the owner
    of the row it replaced, None if there was none. Raises sqlite3.Error if not written."""
    ts = time.time() if now is None else now
    key = process_key(shard_ids)
    count = None if key == ALL_SHARDS else shard_count
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT owner FROM process_heartbeats WHERE process = ?", (key,)
        ) as cursor:
            row = await cursor.fetchone()
        await conn.execute(
            "INSERT INTO process_heartbeats (process, shard_count, ts, owner) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (process) DO UPDATE SET shard_count = excluded.shard_count,"
            " ts = excluded.ts, owner = excluded.owner",
            (key, count, ts, owner),
        )
    return None if row is None else str(row[0] or "")


async def clear_heartbeat(
    db: Database, *, shard_ids: Sequence[int] | None = None, owner: str | None = None
) -> None:
    """Remove this process's heartbeat: a process that stopped cleanly is not alive, and
    `health` says so at once rather than once the row has aged. With `owner`, only a row it
    wrote: another process running the same shards keeps its own."""
    sql = "DELETE FROM process_heartbeats WHERE process = ?"
    params: tuple[str, ...] = (process_key(shard_ids),)
    if owner is not None:
        sql += " AND owner = ?"
        params += (owner,)
    async with db.transaction() as conn:
        await conn.execute(sql, params)


class ProcessHeartbeat:
    """This process's heartbeat row, written under an owner token of its own."""

    def __init__(
        self, db: Database, *, shard_ids: Sequence[int] | None, shard_count: int | None
    ) -> None:
        self._db = db
        self._shard_ids = list(shard_ids) if shard_ids else None
        self._shard_count = shard_count
        self.owner = secrets.token_hex(8)
        self.shards = process_key(self._shard_ids)
        self._touched = False
        # Another live process writes the same row (the same shards on this database).
        self.shared = False

    async def touch(self, now: float | None = None) -> bool:
        """Write the row; True the first time another process is found writing it too (it
        wrote since this one's last touch). Raises sqlite3.Error if not written."""
        before = await touch_heartbeat(
            self._db,
            shard_ids=self._shard_ids,
            shard_count=self._shard_count,
            owner=self.owner,
            now=now,
        )
        other = self._touched and before is not None and before != self.owner
        self._touched = True
        if other and not self.shared:
            self.shared = True
            return True
        return False

    async def clear(self) -> None:
        """Remove the row if this process wrote it last."""
        await clear_heartbeat(self._db, shard_ids=self._shard_ids, owner=self.owner)


async def read_heartbeats(db: Database) -> list[ProcessBeat]:
    """Every process's last heartbeat, newest first."""
    rows = await db.fetchall(
        "SELECT process, shard_count, ts FROM process_heartbeats ORDER BY ts DESC"
    )
    return [ProcessBeat(row[0], row[1], float(row[2])) for row in rows]


def heartbeat_is_fresh(
    last: float | None, *, now: float | None = None, max_age_s: float = HEARTBEAT_MAX_AGE_S
) -> bool:
    """True if `last` is within `max_age_s` of `now`, in either direction."""
    if last is None:
        return False
    # Either direction: a small clock step back must not fail health, but a heartbeat
    # stamped far in the future by a broken clock must not count as fresh forever.
    return abs((time.time() if now is None else now) - last) <= max_age_s


def health_problem(
    beats: Sequence[ProcessBeat],
    *,
    now: float | None = None,
    max_age_s: float = HEARTBEAT_MAX_AGE_S,
) -> str | None:
    """Why the bot is unhealthy, or None: every shard of the current layout has a fresh beat."""
    if not beats:
        return "the heartbeat is stale or missing"
    newest = max(beats, key=lambda b: b.ts)
    fresh = [b for b in beats if heartbeat_is_fresh(b.ts, now=now, max_age_s=max_age_s)]
    if not fresh:
        return "the heartbeat is stale or missing"
    if any(b.process == ALL_SHARDS for b in fresh) or newest.shard_count is None:
        return None
    expected = set(range(newest.shard_count))
    covered: set[int] = set()
    for beat in fresh:
        if beat.shard_count == newest.shard_count:
            covered |= beat.shards() or expected
    missing = sorted(expected - covered)
    if missing:
        shards = ", ".join(str(s) for s in missing)
        return f"the heartbeat of the process running shard(s) {shards} is stale or missing"
    return None
