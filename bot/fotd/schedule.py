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

import functools
import re
import unicodedata
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.replies.markdown import escape

# After a change of schedule, the first post comes more than this long after the last one.
MIN_GAP_AFTER_CHANGE = timedelta(hours=12)

# What people type instead of an IANA name: the countries a team studying Japan's foreign
# policy is likely to be in, and common abbreviations. Autocomplete offers these zones and an
# unknown zone's error suggests them; the first zone is the usual one. Kept small on purpose.
PLACE_ZONES: dict[str, tuple[str, ...]] = {
    "Australia": ("Australia/Sydney", "Australia/Perth"),
    "Canada": ("America/Toronto", "America/Vancouver"),
    "China": ("Asia/Shanghai",),
    "France": ("Europe/Paris",),
    "Germany": ("Europe/Berlin",),
    "Hong Kong": ("Asia/Hong_Kong",),
    "India": ("Asia/Kolkata",),
    "Indonesia": ("Asia/Jakarta",),
    "Japan": ("Asia/Tokyo",),
    "Korea": ("Asia/Seoul",),
    "South Korea": ("Asia/Seoul",),
    "Nepal": ("Asia/Kathmandu",),
    "New Zealand": ("Pacific/Auckland",),
    "Philippines": ("Asia/Manila",),
    "Singapore": ("Asia/Singapore",),
    "Taiwan": ("Asia/Taipei",),
    "Thailand": ("Asia/Bangkok",),
    "UK": ("Europe/London",),
    "United Kingdom": ("Europe/London",),
    "US": ("America/New_York", "America/Los_Angeles"),
    "United States": ("America/New_York", "America/Los_Angeles"),
    "US East": ("America/New_York",),
    "US West": ("America/Los_Angeles",),
    "Vietnam": ("Asia/Ho_Chi_Minh",),
    "PST": ("America/Los_Angeles",),
    "PDT": ("America/Los_Angeles",),
    "CST": ("America/Chicago", "Asia/Shanghai"),
    "EDT": ("America/New_York",),
    "IST": ("Asia/Kolkata",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "BST": ("Europe/London",),
}
# The place usually meant by a zone name that is a fixed offset (the note names it). Which
# zones get the note is decided by their rules (fixed_offset_note), not by this table.
FIXED_OFFSET_PLACES = {
    "EST": "America/New_York",
    "MST": "America/Denver",
    "HST": "Pacific/Honolulu",
    **dict.fromkeys(("GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich"), "Europe/London"),
}
# Names of UTC itself: nobody takes them for a place's clock, so they get no note.
_UTC_NAMES = frozenset({"UTC", "UCT", "Universal", "Zulu"})
# "UTC+9", "GMT-05:00", "+09:00", "+0530": an offset typed instead of a zone.
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+\-−])\s*([0-9]{1,2})(?::?([0-9]{2}))?", re.IGNORECASE)

# Keys that ZoneInfo accepts but that are not real IANA zones users should pick.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_TIME_24H = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_TIME_12H = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?\s*m\.?", re.IGNORECASE)


class ScheduleInputError(ValueError):
    """A user-supplied time or zone is not valid; the message is safe to show to the user."""


class UnknownTimezoneError(ScheduleInputError):
    """The text is not an IANA time zone name."""


class InvalidTimeError(ScheduleInputError):
    """The text is not a time of day."""


@functools.cache
def _zone_names() -> dict[str, str]:
    # Case-folded lookup so "europe/london" works on case-sensitive file systems too.
    names = zoneinfo.available_timezones() - _NOT_ZONES
    return {name.casefold(): name for name in names}


def place_key(text: str) -> str:
    """Typed text as PLACE_ZONES is looked up: NFKC, case-folded, '_' as a space."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("_", " ").split()).casefold()


@functools.cache
def _places() -> dict[str, tuple[str, ...]]:
    return {place_key(place): zones for place, zones in PLACE_ZONES.items()}


def validate_timezone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name (any letter case) or raise UnknownTimezoneError,
    whose message suggests the zone of a country or abbreviation in PLACE_ZONES."""
    typed = unicodedata.normalize("NFKC", name).strip()
    canonical = _zone_names().get(typed.casefold())
    if canonical is None:
        shown = escape(typed[:64])
        if suggestion := _suggest_zone(typed):
            raise UnknownTimezoneError(f"Unknown time zone “{shown}”: did you mean {suggestion}?")
        raise UnknownTimezoneError(
            f"Unknown time zone “{shown}”: use an IANA name such as Europe/London."
        )
    return ZoneInfo(canonical)


@functools.cache
def _cities() -> dict[str, str]:
    """Each zone's city ("Tokyo", "New York") to its zone; where a city has two names (an
    old alias and its region's), the shorter."""
    cities: dict[str, str] = {}
    for name in sorted(_zone_names().values(), key=lambda n: (n.count("/"), n)):
        if "/" in name and not name.startswith("Etc/"):
            cities.setdefault(place_key(name.rsplit("/", 1)[1]), name)
    return cities


def _suggest_zone(typed: str) -> str | None:
    """The zone meant by an unknown name, where that is clear: spaces for underscores
    ("America/New York"), a country or abbreviation (PLACE_ZONES), a zone's city ("Tokyo"),
    or an offset ("UTC+9")."""
    if canonical := _zone_names().get("_".join(typed.split()).casefold()):
        return canonical
    if zones := _places().get(place_key(typed)):
        return " or ".join(zones)
    if city := _cities().get(place_key(typed)):
        return city
    if match := _OFFSET.fullmatch(typed):
        sign = -1 if match[1] in "-−" else 1
        return _offset_zones(sign * (int(match[2]) * 60 + int(match[3] or 0)))
    return None


def _offset_zones(minutes: int) -> str | None:
    """A city zone always at UTC+`minutes` (PLACE_ZONES, no daylight saving) and the Etc
    zone for it, whose sign is the reverse of the offset's (POSIX)."""
    if minutes == 0:
        return "UTC"
    offset = timedelta(minutes=minutes)
    zones = dict.fromkeys(z for place_zones in PLACE_ZONES.values() for z in place_zones)
    city = next((z for z in zones if _fixed_offset(ZoneInfo(z)) == offset), None)
    hours, rest = divmod(minutes, 60)
    etc = f"Etc/GMT{-hours:+d}" if not rest and -12 <= hours <= 14 else None
    if etc is None:
        return city
    reversed_etc = f"{etc} (its sign is reversed)"
    return reversed_etc if city is None else f"{city}, or {reversed_etc}"


def _fixed_offset(tz: ZoneInfo) -> timedelta | None:
    """The zone's offset if it is the same all through this year and the next (sampled
    twice a month, finer than any daylight-saving period), else None."""
    year = datetime.now(UTC).year
    instants = [
        datetime(year + n // 24, n // 2 % 12 + 1, 1 + 14 * (n % 2), tzinfo=UTC) for n in range(48)
    ]
    offsets = {instant.astimezone(tz).utcoffset() for instant in instants}
    return offsets.pop() if len(offsets) == 1 else None


def _utc_offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'−' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def fixed_offset_note(zone: str) -> str | None:
    """A short note when `zone` is a name for an offset rather than a place (EST, GMT,
    Etc/GMT+5) and has no daylight saving: people take such names for a place's clock.
    A place's own zone (Asia/Tokyo) and the names of UTC itself get none."""
    name = zone.removeprefix("Etc/")
    if "/" in name or name in _UTC_NAMES:
        return None
    offset = _fixed_offset(ZoneInfo(zone))
    if offset is None:
        return None  # EST5EDT and the like follow daylight saving
    fixed = _utc_offset_text(offset)
    note = f"{zone} is fixed at {fixed} with no daylight saving"
    if place := FIXED_OFFSET_PLACES.get(name):
        city = place.rsplit("/", 1)[-1].replace("_", " ")
        return f"{note}; for {city}'s local time, use {place}."
    named = _OFFSET.search(name)
    if named is None:
        return f"{note}."  # a place's old name (Japan): its clock has no daylight saving
    if offset and (named[1] in "-−") != (offset < timedelta(0)):
        note = note.replace(fixed, f"{fixed} (the sign in the name is reversed)", 1)
    return f"{note}; for a place's local time, use its city zone."


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
