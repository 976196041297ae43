"""Fact of the day: what the posting loop and the /factoftheday commands do, without Discord.

The cog calls ``tick`` from a ``tasks.loop(seconds=30)`` and once at start-up. Each tick, for
every enabled server: finish any day left in doubt or due for a retry, then claim and post
today's fact if it is due, or record the day as missed if its window has closed. The
exactly-once protocol itself is described in ``bot.fotd.store``.

A server draws from the pack it reads (a `FactSource`: the library in service resolves it);
a claim records that pack, so a resumed day is posted from the pack it was claimed in, and a
day whose fact has left the content is recorded as missed, with the reason.

Setting a schedule (``set``) does not owe a post for an instant that has already passed:
configuring 09:00 at 10:00 first posts tomorrow, and ``status`` says so. Nor does it owe one
on the day (in the new zone) of the last post before it, or within 12 hours of that post
(``bot.fotd.schedule.settled_through``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.fotd.clock import Clock
from bot.fotd.crashpoint import pause_point
from bot.fotd.rotation import FactRotation, NoFactsError
from bot.fotd.schedule import (
    due_post,
    latest_post_date,
    next_post_instant,
    parse_time,
    post_instant,
    post_window_end,
    settled_through,
)
from bot.fotd.sender import HistoryUnreadable, PermanentSendError, PostSender, SendError
from bot.fotd.store import (
    DEFAULT_MAX_PERMANENT_FAILURES,
    FotdConfig,
    FotdStatus,
    FotdStore,
    PostRecord,
)
from bot.fotd.zones import validate_timezone
from bot.storage.db import is_storage_fault

log = logging.getLogger(__name__)

# A claim older than this is presumed dead and is checked and taken over. Sends are cut off
# at half of it so a live but slow sender is not mistaken for a dead one. One minute keeps a
# takeover (lease plus one 30 s tick) inside NONCE_WINDOW.
DEFAULT_LEASE = timedelta(minutes=1)
# How long after an attempt we count on Discord's nonce to turn a repeat into the first
# message. Discord documents only "the past few minutes"; two is our cautious reading.
NONCE_WINDOW = timedelta(minutes=2)
# Bounds the 'missed' rows written after a very long outage.
MAX_MISSED_ROWS = 366


class FotdNotConfiguredError(LookupError):
    """The server has no fact-of-the-day schedule."""


class PackWithoutFacts(NoFactsError):
    """The pack a server reads has no confirmed facts (a fresh import): nothing to preview,
    skip or post until some are added."""

    def __init__(self, pack_key: str) -> None:
        super().__init__(f"pack {pack_key or '(the content)'} has no facts")
        self.pack_key = pack_key


@dataclass(frozen=True)
class TickEvent:
    """What a tick did for one server and day; outcome is sent, recovered, retry, paused,
    missed or lost (our claim was taken over while we were sending)."""

    guild_id: int
    local_date: date
    fact_id: str | None
    outcome: str
    message_id: int | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PlannedPost:
    """A coming post: its date, fact and, for a server with a schedule, the local time it
    is posted at (in the schedule's zone: a daylight-saving change shows)."""

    local_date: date
    fact_id: str
    at: datetime | None = None


class FactSource(Protocol):
    """Where the facts come from: the pack a server reads, and the facts of a pack."""

    async def for_guild(self, guild_id: int) -> tuple[str, Collection[str]]:
        """The pack key the server reads and that pack's fact ids."""
        ...

    def in_pack(self, pack_key: str) -> Collection[str] | None:
        """The fact ids of pack `pack_key`; None when it is no longer served."""
        ...


class OnePack:
    """One pack for every server (`bluebook-bot fotd plan`, tests); its fact ids are read
    afresh on each use, so content that changes is followed."""

    def __init__(self, fact_ids: Callable[[], Collection[str]], pack_key: str = "") -> None:
        self._fact_ids = fact_ids
        self._pack_key = pack_key

    async def for_guild(self, guild_id: int) -> tuple[str, Collection[str]]:
        return self._pack_key, self._fact_ids()

    def in_pack(self, pack_key: str) -> Collection[str] | None:
        return self._fact_ids() if pack_key == self._pack_key else None


class FotdService:
    """Fact-of-the-day scheduling, rotation and exactly-once posting for all servers."""

    def __init__(
        self,
        store: FotdStore,
        rotation: FactRotation,
        clock: Clock,
        facts: FactSource,
        *,
        grace: timedelta | None = None,
        lease: timedelta = DEFAULT_LEASE,
        max_permanent_failures: int = DEFAULT_MAX_PERMANENT_FAILURES,
    ) -> None:
        self._store = store
        self._rotation = rotation
        self._clock = clock
        self._facts = facts
        self._grace = grace
        self._lease = lease
        self._max_permanent_failures = max_permanent_failures
        self._storage_down_since: datetime | None = None
        # Servers whose pack had no facts at their last due tick, with that pack's key: the
        # condition is logged when it starts and ends, not on every 30-second tick.
        self._without_facts: dict[int, str] = {}

    # -- commands ----------------------------------------------------------------------

    async def set(
        self, guild_id: int, channel_id: int, local_time: str | time, timezone: str
    ) -> FotdStatus:
        """Save and enable a schedule; raises ScheduleInputError with a user-ready message."""
        tz = validate_timezone(timezone)
        at = parse_time(local_time) if isinstance(local_time, str) else local_time
        now = self._clock.now()
        old = await self._store.config(guild_id)
        moves = {} if old is None or old.timezone == tz.key else await self._redate(old, tz, now)
        await self._store.upsert_config(
            guild_id=guild_id,
            channel_id=channel_id,
            local_time=at,
            timezone=tz.key,
            now=now,
            redate=moves,
        )
        status = await self.status(guild_id)
        assert status is not None
        return status

    async def _redate(self, old: FotdConfig, tz: ZoneInfo, now: datetime) -> dict[date, date]:
        """Settled days from today on (in zone `tz`) whose post fell on an earlier date there,
        with that date. Left as they are, a day dated in a zone ahead (Kiritimati's 5 Dec,
        posted on 4 Dec in UTC) would stop the new zone's own day from being claimed. Days in
        doubt (claimed, failed) keep their date: their post carries it."""
        today = now.astimezone(tz).date()
        old_tz = ZoneInfo(old.timezone)
        moves = {}
        for row in await self._store.posts(old.guild_id):
            if row.local_date < today:
                continue
            if row.state == "sent" and row.sent_at is not None:
                instant = row.sent_at
            elif row.state == "missed":
                instant = post_instant(row.local_date, old.local_time, old_tz)
            else:
                continue
            new_day = instant.astimezone(tz).date()
            if new_day < row.local_date:
                moves[row.local_date] = new_day
        return moves

    async def off(self, guild_id: int) -> FotdStatus | None:
        """Stop posting in this server; None if it had no schedule."""
        await self._store.disable(guild_id, self._clock.now())
        return await self.status(guild_id)

    async def status(self, guild_id: int) -> FotdStatus | None:
        """Schedule, next and last post, last error and pause reason."""
        status = await self._store.status(guild_id)
        config = await self._store.config(guild_id)
        if status is None or config is None or not config.enabled or config.paused_reason:
            return status
        now = self._clock.now()
        tz = ZoneInfo(config.timezone)
        retry = self._retry_in_window(config, status, now)
        if retry is not None:
            status = replace(status, next_post_local=retry.astimezone(tz), retrying=True)
        else:
            _, instant = await self._next_post(config, now)
            status = replace(status, next_post_local=instant.astimezone(tz))
        pack_key, facts = await self.facts_for(guild_id)
        return status if facts else replace(status, waiting_for_facts=pack_key)

    def _retry_in_window(
        self, config: FotdConfig, status: FotdStatus, now: datetime
    ) -> datetime | None:
        """When a failed day is tried again, if that is before its window closes; the next
        post is then that retry, not the following day's (a retry due now is made next tick)."""
        if status.retry_at is None or status.retry_date is None:
            return None
        at = max(status.retry_at, now)
        tz = ZoneInfo(config.timezone)
        end = post_window_end(status.retry_date, config.local_time, tz, self._grace)
        return at if at < end else None

    async def facts_for(self, guild_id: int) -> tuple[str, Collection[str]]:
        """The pack key the server reads and the fact ids it draws from."""
        return await self._facts.for_guild(guild_id)

    async def _facts_to_draw(self, guild_id: int) -> tuple[str, Collection[str]]:
        """Like facts_for, but raises PackWithoutFacts when there is nothing to draw."""
        pack_key, facts = await self.facts_for(guild_id)
        if not facts:
            raise PackWithoutFacts(pack_key)
        return pack_key, facts

    async def preview(self, guild_id: int) -> str:
        """The fact the next post would use; nothing is consumed. Raises PackWithoutFacts."""
        pack_key, facts = await self._facts_to_draw(guild_id)
        state = await self._store.rotation(guild_id, pack_key)
        return self._rotation.peek(guild_id, state, facts)

    async def skip(self, guild_id: int) -> str:
        """Move past the next fact without posting it; return the skipped fact id. Raises
        PackWithoutFacts."""
        pack_key, facts = await self._facts_to_draw(guild_id)
        return await self._store.update_rotation(
            guild_id, lambda state: self._rotation.advance(guild_id, state, facts), pack_key
        )

    async def plan(self, guild_id: int, days: int) -> list[PlannedPost]:
        """The facts of the next `days` posts, from the next post date on."""
        config = await self._store.config(guild_id)
        if config is None:
            raise FotdNotConfiguredError(f"server {guild_id} has no fact-of-the-day schedule")
        start, _ = await self._next_post(config, self._clock.now())
        pack_key, facts = await self.facts_for(guild_id)
        state = await self._store.rotation(guild_id, pack_key)
        planned = self._rotation.plan(guild_id, state, start, days, facts)
        tz = ZoneInfo(config.timezone)
        return [
            PlannedPost(day, fact, post_instant(day, config.local_time, tz).astimezone(tz))
            for day, fact in planned
        ]

    # -- the loop ------------------------------------------------------------------------

    async def tick(self, sender: PostSender) -> list[TickEvent]:
        """Do whatever posting is owed now, for every enabled server.

        While storage is unavailable nothing is posted (a post needs its claim); that is
        logged once when it starts and once when it ends, not on every tick."""
        events: list[TickEvent] = []
        try:
            configs = await self._store.active_configs()
            for config in configs:
                try:
                    events += await self._tick_guild(config, sender)
                except Exception as exc:  # one server's fault must not stop the others' posts
                    if is_storage_fault(exc):
                        raise
                    log.exception("fotd.tick_failed guild=%s", config.guild_id)
        except Exception as exc:
            if not is_storage_fault(exc):
                raise
            if self._storage_down_since is None:
                self._storage_down_since = self._clock.now()
                log.warning(
                    "fotd.storage_unavailable error=%s; posts wait until storage is back",
                    type(exc).__name__,
                )
            return events
        if self._storage_down_since is not None:
            log.warning(
                "fotd.storage_back down_for_s=%d",
                (self._clock.now() - self._storage_down_since).total_seconds(),
            )
            self._storage_down_since = None
        return events

    async def _tick_guild(self, config: FotdConfig, sender: PostSender) -> list[TickEvent]:
        events = []
        await self._forget_future(config)
        for row in await self._store.open_posts(config.guild_id, self._clock.now()):
            event = await self._resume(config, row, sender)
            if event is not None:
                events.append(event)
                if event.outcome == "paused":
                    return events
        now = self._clock.now()
        tz = ZoneInfo(config.timezone)
        owed_after = await self._owed_after(config)
        day = due_post(now, config.local_time, tz, owed_after, self._grace)
        # Every day between the last one handled and now whose window has closed is written
        # down as missed, also when today is still due, so no day disappears without a trace.
        latest = latest_post_date(now, config.local_time, tz)
        events += await self._record_missed(
            config, owed_after, latest if day is None else latest - timedelta(days=1), now
        )
        if day is None:
            return events
        pack_key, facts = await self.facts_for(config.guild_id)
        if not self._has_facts(config.guild_id, pack_key, facts, day):
            return events  # the day stays open: facts added (and /reload) in time post it
        token = uuid.uuid4().hex
        try:
            fact = await self._store.claim(
                guild_id=config.guild_id,
                local_date=day,
                channel_id=config.channel_id,
                token=token,
                now=now,
                lease_until=now + self._lease,
                choose_fact=lambda state: self._rotation.advance(config.guild_id, state, facts),
                pack_key=pack_key,
            )
        except NoFactsError:  # the facts went between the check and the claim (a reload)
            return events
        if fact is None:
            return events  # another loop or process owns this day
        await pause_point("claimed")
        events.append(await self._first_post(config, day, pack_key, fact, token, sender))
        return events

    async def _first_post(
        self,
        config: FotdConfig,
        day: date,
        pack_key: str,
        fact: str,
        token: str,
        sender: PostSender,
    ) -> TickEvent:
        """Post a freshly claimed day, after looking in the channel for the day's post.

        A fresh claim normally means nothing was sent, but not when the ledger lost the day:
        a backup restored from before the post, a lost WAL. Then only the channel knows."""
        since = post_instant(day, time(0, 0), ZoneInfo(config.timezone))  # the local day's start
        try:
            found = await sender.find_existing(config.guild_id, config.channel_id, day, fact, since)
        except HistoryUnreadable as exc:
            log.warning(
                "fotd.unchecked_post guild=%s date=%s reason=%s; if this day's record was lost"
                " (a restored backup, a lost WAL), this may be its second post",
                config.guild_id,
                day,
                exc,
            )
            found = None
        except Exception as exc:
            return await self._failed(config, day, fact, token, exc)
        if found is None:
            return await self._send(config, day, pack_key, fact, token, sender)
        await self._store.mark_sent(
            config.guild_id,
            day,
            token=token,
            message_id=found,
            channel_id=config.channel_id,
            now=self._clock.now(),
        )
        log.warning(
            "fotd.unrecorded_post_found guild=%s date=%s message=%s; the ledger had lost it",
            config.guild_id,
            day,
            found,
        )
        return TickEvent(config.guild_id, day, fact, "recovered", found)

    async def _resume(
        self, config: FotdConfig, row: PostRecord, sender: PostSender
    ) -> TickEvent | None:
        """Finish a day left claimed by a dead process, or retry a failed one."""
        day = row.local_date
        now = self._clock.now()
        token = uuid.uuid4().hex
        held = await self._store.acquire(
            config.guild_id, day, token=token, now=now, lease_until=now + self._lease
        )
        if held is None:
            return None
        await pause_point("recovery")
        assert held.fact_id is not None  # claimed and failed rows always carry their fact
        # An earlier attempt may have been delivered (crash, timeout, lost response): look
        # in the channel it went to, and in the configured one, before sending again.
        channels = dict.fromkeys(c for c in (held.channel_id, config.channel_id) if c)
        unreadable: list[str] = []
        for channel in channels:
            try:
                found = await sender.find_existing(
                    config.guild_id, channel, day, held.fact_id, held.claimed_at
                )
            except HistoryUnreadable as exc:
                unreadable.append(str(exc))  # the nonce still guards a resend inside its window
                continue
            except PermanentSendError as exc:
                if channel != config.channel_id:
                    continue  # an old channel we can no longer read: waiting will not fix it
                return await self._failed(config, day, held.fact_id, token, exc)
            except Exception as exc:
                return await self._failed(config, day, held.fact_id, token, exc)
            if found is not None:
                await self._store.mark_sent(
                    config.guild_id,
                    day,
                    token=token,
                    message_id=found,
                    channel_id=channel,
                    now=self._clock.now(),
                )
                log.info("fotd.recovered guild=%s date=%s message=%s", config.guild_id, day, found)
                return TickEvent(config.guild_id, day, held.fact_id, "recovered", found)
        tz = ZoneInfo(config.timezone)
        if now >= post_window_end(day, config.local_time, tz, self._grace):
            why = held.last_error or "the bot stopped while posting"
            reason = f"Missed: not posted before its posting window closed ({why})."
            await self._store.abandon(config.guild_id, day, token=token, reason=reason, now=now)
            log.warning("fotd.missed guild=%s date=%s reason=%s", config.guild_id, day, why)
            return TickEvent(config.guild_id, day, held.fact_id, "missed", detail=reason)
        fact = held.fact_id
        # The pack the day was claimed in; a claim made before the ledger recorded packs
        # (migration 0006) is posted from the server's pack.
        pack_key = held.pack_key
        if pack_key is None:
            pack_key, _ = await self.facts_for(config.guild_id)
        if fact not in (self._facts.in_pack(pack_key) or ()):
            # Not posted, and never can be as claimed: the content changed since the claim.
            reason = f"Missed: its fact ({fact}) is no longer in the content (pack {pack_key})."
            await self._store.abandon(config.guild_id, day, token=token, reason=reason, now=now)
            log.warning("fotd.fact_gone guild=%s date=%s fact=%s", config.guild_id, day, fact)
            return TickEvent(config.guild_id, day, fact, "missed", detail=reason)
        if held.channel_id != config.channel_id:
            await self._store.set_channel(
                config.guild_id, day, token=token, channel_id=config.channel_id
            )
        warning = None
        attempted = self._last_attempt(row)
        if unreadable and now - attempted > NONCE_WINDOW:
            warning = (
                f"Possibly posted twice on {day.isoformat()}: an earlier attempt could not be "
                f"checked ({unreadable[0]}) and is older than Discord's nonce window."
            )
            log.warning(
                "fotd.possible_duplicate guild=%s date=%s attempt_age_s=%d reason=%s",
                config.guild_id,
                day,
                (now - attempted).total_seconds(),
                unreadable[0],
            )
        return await self._send(config, day, pack_key, fact, token, sender, warning=warning)

    def _has_facts(self, guild_id: int, pack_key: str, facts: Collection[str], day: date) -> bool:
        """Whether there is a fact to post; logs when a server starts and stops waiting."""
        waiting = self._without_facts.get(guild_id)
        if facts:
            if waiting is not None:
                del self._without_facts[guild_id]
                log.info("fotd.facts_back guild=%s pack=%s", guild_id, pack_key)
            return True
        if waiting != pack_key:
            self._without_facts[guild_id] = pack_key
            log.warning(
                "fotd.no_facts guild=%s pack=%s date=%s (waiting: add facts, then reload)",
                guild_id,
                pack_key,
                day,
            )
        return False

    def _last_attempt(self, row: PostRecord) -> datetime:
        """The latest the previous send can have started (earlier is the safe side)."""
        if row.state == "claimed" and row.lease_until is not None:
            return row.lease_until - self._lease
        if row.last_error_at is not None:
            return row.last_error_at - self._lease / 2  # sends are cut off after lease / 2
        return row.claimed_at

    async def _send(
        self,
        config: FotdConfig,
        day: date,
        pack_key: str,
        fact: str,
        token: str,
        sender: PostSender,
        *,
        warning: str | None = None,
    ) -> TickEvent:
        try:
            async with asyncio.timeout(self._lease.total_seconds() / 2):
                message_id = await sender.send(
                    config.guild_id, config.channel_id, fact, day, pack_key=pack_key
                )
        except Exception as exc:
            return await self._failed(config, day, fact, token, exc)
        await pause_point("sent")
        recorded = await self._store.mark_sent(
            config.guild_id,
            day,
            token=token,
            message_id=message_id,
            channel_id=config.channel_id,
            now=self._clock.now(),
            warning=warning,
        )
        if not recorded:
            # Our lease ran out mid-send and another loop took the day over: say so loudly.
            log.error(
                "fotd.claim_lost guild=%s date=%s message=%s possible_duplicate=true",
                config.guild_id,
                day,
                message_id,
            )
            return TickEvent(config.guild_id, day, fact, "lost", message_id)
        log.info(
            "fotd.sent guild=%s date=%s fact=%s message=%s", config.guild_id, day, fact, message_id
        )
        return TickEvent(config.guild_id, day, fact, "sent", message_id, detail=warning)

    async def _failed(
        self, config: FotdConfig, day: date, fact: str, token: str, exc: Exception
    ) -> TickEvent:
        permanent = isinstance(exc, PermanentSendError)
        if isinstance(exc, TimeoutError):
            error = "timed out (the channel is checked before the retry)"
        elif isinstance(exc, SendError):
            error = str(exc) or type(exc).__name__
        else:
            # A bug in the glue, not Discord: log the traceback, retry like a transient error.
            log.error("fotd.sender_bug guild=%s date=%s", config.guild_id, day, exc_info=exc)
            error = f"unexpected error ({type(exc).__name__})"
        outcome = await self._store.record_failure(
            config.guild_id,
            day,
            error,
            permanent,
            token=token,
            now=self._clock.now(),
            max_permanent_failures=self._max_permanent_failures,
        )
        log.warning(
            "fotd.send_failed guild=%s date=%s permanent=%s retry_at=%s paused=%s error=%s",
            config.guild_id,
            day,
            permanent,
            outcome.next_retry_at,
            outcome.paused_reason is not None,
            error,
        )
        if outcome.paused_reason is not None:
            return TickEvent(config.guild_id, day, fact, "paused", detail=outcome.paused_reason)
        return TickEvent(config.guild_id, day, fact, "retry", detail=error)

    async def _record_missed(
        self, config: FotdConfig, owed_after: date, latest: date, now: datetime
    ) -> list[TickEvent]:
        """Write a 'missed' row for each day after owed_after up to latest; nobody posted them."""
        count = min((latest - owed_after).days, MAX_MISSED_ROWS)
        if count <= 0:
            return []
        days = [latest - timedelta(days=n) for n in range(count - 1, -1, -1)]
        reason = "Missed: the bot was not running during this day's posting window."
        if config.guild_id in self._without_facts:
            pack_key = self._without_facts[config.guild_id]
            reason = f"Missed: there were no facts to post (pack {pack_key} has none)."
        added = await self._store.record_missed(config.guild_id, days, reason, now)
        if added:
            log.warning(
                "fotd.missed guild=%s from=%s to=%s days=%s",
                config.guild_id,
                days[0],
                days[-1],
                added,
            )
        return [TickEvent(config.guild_id, day, None, "missed", detail=reason) for day in days]

    async def _forget_future(self, config: FotdConfig) -> None:
        """Drop ledger rows for days that have not begun: only a clock that was ahead can
        have written them, and trusted they would silence those days and write false
        'missed' rows. The channel check before each first post still finds a real post."""
        local_today = self._clock.now().astimezone(ZoneInfo(config.timezone)).date()
        # One day of slack: a time-zone change can move the local date back by a day.
        newest = await self._store.last_handled_date(config.guild_id)
        if newest is None or newest <= local_today:
            return  # the usual case: one read, no write
        dropped = await self._store.forget_future(
            config.guild_id, local_today, local_today + timedelta(days=1)
        )
        if dropped:
            log.warning(
                "fotd.future_rows_dropped guild=%s count=%d first=%s last=%s; written by a"
                " clock that was ahead",
                config.guild_id,
                len(dropped),
                dropped[0],
                dropped[-1],
            )

    async def _owed_after(self, config: FotdConfig) -> date:
        """The latest date nothing more is owed for: handled already, before set-up, or too
        close to the last post made before set-up (see schedule.settled_through)."""
        tz = ZoneInfo(config.timezone)
        owed_after = latest_post_date(config.active_since, config.local_time, tz)
        handled = await self._store.last_handled_date(config.guild_id)
        if handled is not None:
            owed_after = max(owed_after, handled)
        last_post = await self._store.last_post_before(config.guild_id, config.active_since)
        if last_post is not None:
            owed_after = max(owed_after, settled_through(last_post, config.local_time, tz))
        return owed_after

    async def _next_post(self, config: FotdConfig, now: datetime) -> tuple[date, datetime]:
        tz = ZoneInfo(config.timezone)
        owed_after = await self._owed_after(config)
        due = due_post(now, config.local_time, tz, owed_after, self._grace)
        if due is not None:
            return due, now  # owed now: the next tick posts it
        day, instant = next_post_instant(now, config.local_time, tz)
        while day <= owed_after:  # only after a change of schedule (settled_through)
            day, instant = next_post_instant(instant, config.local_time, tz)
        return day, instant


def plan_json(
    posts: list[PlannedPost], ref_of: Callable[[str], str], edition: int | None = None
) -> list[dict[str, str | int | None]]:
    """Shape a plan for `bluebook-bot fotd plan --json`: [{"date", "fact_id", "edition", "ref",
    "at"}], `ref` in `edition` (the facts' edition, which may not be the one the server reads),
    `at` the local post time with its UTC offset (None without a schedule)."""
    return [
        {
            "date": post.local_date.isoformat(),
            "fact_id": post.fact_id,
            "edition": edition,
            "ref": ref_of(post.fact_id),
            "at": post.at.isoformat(timespec="minutes") if post.at is not None else None,
        }
        for post in posts
    ]


def plan_lines(posts: list[PlannedPost], ref_of: Callable[[str], str]) -> list[str]:
    """A plan as aligned columns: date, local post time and zone, reference, fact id."""
    rows = [
        (
            post.local_date.isoformat(),
            f"{post.at:%H:%M} {post.at:%Z} (UTC{post.at:%z})" if post.at is not None else "-",
            ref_of(post.fact_id),
            post.fact_id,
        )
        for post in posts
    ]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
    return [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[3]])
        for row in rows
    ]
