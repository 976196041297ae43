"""Which time zone a user meant: IANA names in any letter case, and for anything else a
suggestion (a country or abbreviation, a zone's city, spaces for underscores, an offset), or
a note when the zone is a fixed offset that keeps no daylight saving."""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.fotd.schedule import ScheduleInputError
from bot.replies.markdown import escape

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


class UnknownTimezoneError(ScheduleInputError):
    """The text is not an IANA time zone name."""


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
