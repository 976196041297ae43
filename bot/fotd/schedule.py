"""When the fact of the day is posted: pure time arithmetic over IANA time zones.

Each server chooses a wall-clock time (``HH:MM``) and an IANA time zone. The post for a
local date D is made at that wall time on D in that zone, once.

Daylight-saving policy:

* **Gap (spring forward).** If the wall time does not exist on D because the clocks jump
  over it, the post is made at the first instant after the gap, which is the transition
  instant itself: 02:30 on 2026-03-08 in America/New_York posts at 03:00 EDT (07:00 UTC),
  and 02:15 on 2026-10-04 in Australia/Lord_Howe posts at 02:30 +11:00. This is *not*
  Python's default reading of a non-existent time (``fold=0`` would give 03:30 EDT); every
  wall time inside a gap maps to the same instant, the end of the gap.
* **Repeated hour (fall back).** If the wall time occurs twice on D, the post is made once,
  at the first occurrence (``fold=0``): 01:30 on 2026-11-01 in New York posts at 01:30 EDT
  (05:30 UTC), never again at 01:30 EST.

Catch-up: a post whose instant passed while the bot was down is still made when the bot is
back, if that is within the grace period after the instant. The default grace period is the
rest of that local day; after it the day is recorded as missed (see ``bot.fotd.service``).

A change of schedule (another zone or time): the last post made before it is judged by its
instant, not by its date in the old zone. The new schedule owes nothing for the local date
(in the new zone) that instant falls on, nor for any date whose post would come within
``MIN_GAP_AFTER_CHANGE`` of it (``settled_through``). So Pacific/Kiritimati (UTC+14) to UTC
loses no UTC day, and UTC to Kiritimati never posts twice within minutes.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.replies.markdown import escape

# After a change of schedule, the first post comes more than this long after the last one.
MIN_GAP_AFTER_CHANGE = timedelta(hours=12)

_TIME_24H = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TIME_12H = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?\s*m\.?", re.IGNORECASE)


class ScheduleInputError(ValueError):
    """A user-supplied time or zone is not valid; the message is safe to show to the user."""


class InvalidTimeError(ScheduleInputError):
    """The text is not a time of day."""


def parse_time(text: str) -> time:
    """Read '9:05', '09:05', '23:59', '7pm' or '7:30 pm' as a time of day; full-width digits
    (９:００) are read as their ASCII forms."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if match := _TIME_24H.fullmatch(cleaned):
        hour, minute = int(match[1]), int(match[2])
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    elif match := _TIME_12H.fullmatch(cleaned):
        hour, minute = int(match[1]), int(match[2] or 0)
        if 1 <= hour <= 12 and minute <= 59:
            # 12 am is midnight and 12 pm is noon.
            return time(hour % 12 + (12 if match[3].lower() == "p" else 0), minute)
    raise InvalidTimeError(
        f"Can't read “{escape(cleaned[:32])}” as a time: use HH:MM (24-hour, e.g. 09:05) or 7:30 pm."
    )


def format_time(local_time: time) -> str:
    """Render a post time as the canonical 'HH:MM' used in storage."""
    return local_time.strftime("%H:%M")


def post_instant(local_date: date, local_time: time, tz: ZoneInfo) -> datetime:
    """Return the UTC instant of the post for local_date, applying the DST policy above."""
    wall = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0), tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant  # exists (and fold=0 picked the first of a repeated pair)
    return _end_of_gap(wall)


def _end_of_gap(wall: datetime) -> datetime:
    # In a gap, fold=0 applies the offset from before the transition and fold=1 the one from
    # after, so the transition instant T satisfies  wall - after < T <= wall - before.
    before = wall.replace(fold=0).utcoffset()
    after = wall.replace(fold=1).utcoffset()
    assert before is not None and after is not None
    naive = wall.replace(tzinfo=None)
    lo = int((naive - after).replace(tzinfo=UTC).timestamp())
    hi = int((naive - before).replace(tzinfo=UTC).timestamp())
    tz = wall.tzinfo
    lo_offset = datetime.fromtimestamp(lo, tz).utcoffset()
    # Zone transitions happen on whole seconds, so bisecting seconds finds T exactly.
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == lo_offset:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def next_post_instant(after: datetime, local_time: time, tz: ZoneInfo) -> tuple[date, datetime]:
    """Return (local date, UTC instant) of the first post strictly after `after`."""
    day = _aware(after).astimezone(tz).date()
    # Instants grow with the date; starting a day early covers zones that skipped a date.
    for offset in range(-1, 3):
        candidate = day + timedelta(days=offset)
        instant = post_instant(candidate, local_time, tz)
        if instant > after:
            return candidate, instant
    raise AssertionError("no post instant within two days")  # pragma: no cover


def latest_post_date(now: datetime, local_time: time, tz: ZoneInfo) -> date:
    """Return the latest local date whose post instant is at or before `now`."""
    day = _aware(now).astimezone(tz).date()
    for offset in range(1, -3, -1):
        candidate = day + timedelta(days=offset)
        if post_instant(candidate, local_time, tz) <= now:
            return candidate
    raise AssertionError("no post instant within two days")  # pragma: no cover


def settled_through(last_post: datetime, local_time: time, tz: ZoneInfo) -> date:
    """Return the latest local date a schedule set after `last_post` owes no post for: the
    date that post falls on in `tz`, or a later one whose post is too close to it."""
    own_day = _aware(last_post).astimezone(tz).date()
    too_close = latest_post_date(last_post + MIN_GAP_AFTER_CHANGE, local_time, tz)
    return max(own_day, too_close)


def post_window_end(
    local_date: date, local_time: time, tz: ZoneInfo, grace: timedelta | None = None
) -> datetime:
    """Return the UTC instant after which the post for local_date is too late to make."""
    if grace is not None:
        return post_instant(local_date, local_time, tz) + grace
    # Midnight can itself fall in a gap (e.g. old America/Sao_Paulo rules); same policy.
    return post_instant(local_date + timedelta(days=1), time(0, 0), tz)


def due_post(
    now: datetime,
    local_time: time,
    tz: ZoneInfo,
    last_posted_local_date: date | None,
    grace: timedelta | None = None,
) -> date | None:
    """Return the local date whose post should be made now, or None.

    Only the latest date whose instant has passed is considered, so a long outage leads to
    at most one late post, never a burst of back-dated ones.
    """
    candidate = latest_post_date(now, local_time, tz)
    if last_posted_local_date is not None and candidate <= last_posted_local_date:
        return None
    if now >= post_window_end(candidate, local_time, tz, grace):
        return None
    return candidate


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("schedule arithmetic needs aware datetimes")
    return instant
