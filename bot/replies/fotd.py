"""Replies for /factoftheday, and time-zone autocomplete."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import date

from bot.fotd.schedule import format_time
from bot.fotd.sender import post_marker
from bot.fotd.store import FotdStatus
from bot.fotd.zones import PLACE_ZONES, place_key
from bot.pack.library import parse_key
from bot.pack.model import Fact, Pack
from bot.replies.common import OK_COLOUR, WARN_COLOUR, Reply
from bot.replies.facts import fact_embed, steps_to_add_facts
from bot.replies.markdown import escape

MAX_CHOICES = 25


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def timezone_choices(current: str, limit: int = MAX_CHOICES) -> list[tuple[str, str]]:
    """(name, zone) pairs for autocomplete: the zones of countries and abbreviations a word
    of which starts with the text ("India": Asia/Kolkata), then IANA names, prefix matches on
    any part first, then substrings."""
    text = current.strip().replace(" ", "_").casefold()
    zones = _zones()
    if not text:
        common = ["UTC", "Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Sydney"]
        return [(z, z) for z in common[:limit]]
    typed = place_key(current)
    places: dict[str, str] = {}
    for place, place_zones in PLACE_ZONES.items():
        words = place_key(place)
        if words.startswith(typed) or any(w.startswith(typed) for w in words.split()):
            for zone in place_zones:
                places.setdefault(zone, f"{zone} ({place})")
    prefix = [z for z in zones if z.casefold().startswith(text)]
    parts = [
        z
        for z in zones
        if z not in prefix and any(p.casefold().startswith(text) for p in z.split("/"))
    ]
    inner = [z for z in zones if text in z.casefold() and z not in prefix and z not in parts]
    named = [(z, z) for z in [*prefix, *parts, *inner] if z not in places]
    return [*((name, zone) for zone, name in places.items()), *named][:limit]


def post_embed(
    pack: Pack,
    fact: Fact,
    local_date: date,
    *,
    fallback: tuple[int, int] | None = None,
    reading: int | None = None,
) -> dict:
    """The daily post; its footer carries the marker a restart looks for. `fallback`: (the
    server's edition, `pack`'s) when the server's has no facts yet: the post names `pack`'s.
    `reading`: the server's edition (`fact_embed`)."""
    embed = fact_embed(pack, fact, footer=post_marker(local_date, fact.id), reading=reading)
    name = "Fact of the day"
    if fallback is not None:
        name += f" · {pack.manifest.title} ({fallback[0]} has no facts yet)"
    embed["author"] = {"name": name}
    return embed


def _pack_name(pack_key: str) -> str:
    found = parse_key(pack_key)
    return f"the {found[0]} edition" if found else "the content"


def how_to_add_facts(pack_key: str) -> str:
    """The steps that give a pack facts; the schedule resumes by itself after them."""
    found = parse_key(pack_key)
    return f"{steps_to_add_facts(found[0] if found else None)} Posting resumes by itself."


def no_facts_reply(pack_key: str, *, nothing_to: str) -> Reply:
    """/factoftheday preview or skip on a pack without facts: what is wrong and what to do."""
    text = (
        f"Nothing to {nothing_to}: {_pack_name(pack_key)} has no facts yet, so no fact of "
        f"the day can be posted.\n{how_to_add_facts(pack_key)}"
    )
    return Reply(
        embeds=[{"title": "Fact of the day", "description": text, "color": WARN_COLOUR}],
        ephemeral=True,
    )


def skipped_reply(fact: Fact | None, status: FotdStatus | None) -> Reply:
    """/factoftheday skip: the skipped fact by its headline and reference, never its id, and
    a word when no schedule posts here (`status` None: never set up; off): the skip holds."""
    what = f"“{escape(fact.headline)}” (`{fact.ref}`)" if fact is not None else "the next fact"
    text = f"Skipped {what}. The next post uses the following fact."
    if status is None:
        text += " No fact of the day is set up here: set one up with `/factoftheday set`."
    elif not status.enabled:
        text += " The fact of the day is off here: posts start again with `/factoftheday set`."
    return Reply(content=text, ephemeral=True)


def status_reply(
    status: FotdStatus | None,
    *,
    channel_mention: str | None,
    note: str | None = None,
    fallback: tuple[int, int] | None = None,
) -> Reply:
    """/factoftheday status, and the answer to set; `note` is a line of advice (EST);
    `fallback`: (the server's edition, the one its facts come from) when they differ."""
    if status is None:
        text = "No fact of the day is set up here. Start one with `/factoftheday set`."
        return Reply(
            embeds=[{"title": "Fact of the day", "description": text, "color": WARN_COLOUR}],
            ephemeral=True,
        )
    running = status.enabled and not status.paused_reason
    waiting = status.waiting_for_facts if running else None
    state = "on" if running else "paused" if status.paused_reason else "off"
    if waiting is not None:
        state = "on, but waiting for facts"
    lines = [
        f"**Channel:** {channel_mention or status.channel_id}",
        f"**Time:** {format_time(status.local_time)} {status.timezone}",
        f"**State:** {state}",
    ]
    if waiting is not None:
        lines.append(f"**Next post:** none: {_pack_name(waiting)} has no facts yet")
    elif status.next_post_local and running:
        when = f"{status.next_post_local:%Y-%m-%d %H:%M} ({status.timezone})"
        if status.retrying and status.retry_date is not None:
            when += f", a retry of the {status.retry_date.isoformat()} post"
        lines.append(f"**Next post:** {when}")
    if fallback is not None and waiting is None:
        reader, drawn = fallback
        lines.append(f"**Facts from:** the {drawn} edition, as the {reader} edition has none yet")
    if status.last_post_date:
        lines.append(
            f"**Last post:** {status.last_post_date.isoformat()} · `{status.last_post_fact_id}`"
        )
    else:
        lines.append("**Last post:** none yet")
    if status.last_error:
        when = f" ({status.last_error_date.isoformat()})" if status.last_error_date else ""
        lines.append(f"**Last error{when}:** {escape(status.last_error)}")
    if status.paused_reason:
        lines.append(
            f"**Paused:** {escape(status.paused_reason)} — fix it, then run `/factoftheday set` again."
        )
    if waiting is not None:
        lines.append(f"**To add facts:** {how_to_add_facts(waiting)}")
    if note:
        lines.append(f"**Note:** {note}")
    colour = WARN_COLOUR if status.paused_reason or status.last_error or waiting else OK_COLOUR
    return Reply(
        embeds=[{"title": "Fact of the day", "description": "\n".join(lines), "color": colour}],
        ephemeral=True,
    )
