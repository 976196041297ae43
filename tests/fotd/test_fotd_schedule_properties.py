"""Properties of the post schedule that must hold in every zone on every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.fotd.schedule import due_post, latest_post_date, next_post_instant
from bot.fotd.zones import validate_timezone

# The four product zones plus ones with unusual rules: midnight transitions (Sao Paulo),
# negative DST (Dublin), a 2-hour DST (Troll), :45 offsets (Chatham), a skipped date (Apia).
ZONES = [
    "Asia/Tokyo",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Europe/Dublin",
    "Antarctica/Troll",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/St_Johns",
]

zones = st.sampled_from(ZONES).map(validate_timezone)
local_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)


def _exists(day: date, zone) -> bool:  # type: ignore[no-untyped-def]
    """Whether the zone has this local date (Apia had no 2011-12-30)."""
    noon = datetime.combine(day, time(12), tzinfo=zone)
    return noon.astimezone(UTC).astimezone(zone).date() == day


@settings(max_examples=300, deadline=None)
@given(zone=zones, local_time=local_times, start=instants)
@example(
    zone=validate_timezone("Pacific/Apia"),
    local_time=time(0, 0),
    start=datetime(2011, 12, 20, tzinfo=UTC),
)
def test_one_post_per_local_date_strictly_increasing(zone, local_time, start):
    day, instant = next_post_instant(start, local_time, zone)
    assert instant > start
    for _ in range(40):
        next_day, next_instant = next_post_instant(instant, local_time, zone)
        # None repeated, and none skipped except next to a date the zone itself skipped.
        assert next_day > day
        if next_day != day + timedelta(days=1):
            span = [day + timedelta(days=n) for n in range((next_day - day).days + 1)]
            assert not all(_exists(d, zone) for d in span), (day, next_day)
        assert next_instant > instant
        day, instant = next_day, next_instant


@settings(max_examples=300, deadline=None)
@given(zone=zones, local_time=local_times, start=instants, fraction=st.floats(0, 1))
def test_any_moment_between_two_posts_points_at_the_later_one(zone, local_time, start, fraction):
    day, instant = next_post_instant(start, local_time, zone)
    later_day, later = next_post_instant(instant, local_time, zone)
    probe = instant + (later - instant) * fraction
    if probe < later:
        assert next_post_instant(probe, local_time, zone) == (later_day, later)
        assert latest_post_date(probe, local_time, zone) == day


@settings(max_examples=300, deadline=None)
@given(zone=zones, local_time=local_times, now=instants)
def test_due_at_most_once_per_date(zone, local_time, now):
    due = due_post(now, local_time, zone, None)
    if due is not None:
        assert due == latest_post_date(now, local_time, zone)
        assert due_post(now, local_time, zone, due) is None


@settings(max_examples=200, deadline=None)
@given(zone=zones, local_time=local_times, start=instants)
def test_post_falls_on_its_local_date_at_or_after_the_wall_time(zone, local_time, start):
    day, instant = next_post_instant(start, local_time, zone)
    local = instant.astimezone(zone)
    if (zone.key, day) == ("Pacific/Apia", date(2011, 12, 30)):
        # Samoa skipped this whole date: its post lands on the first instant after the gap.
        assert local == datetime(2011, 12, 31, tzinfo=zone)
        return
    assert local.date() == day
    # Shifted forward only by a gap, never backward.
    assert local.time().replace(fold=0) >= local_time
