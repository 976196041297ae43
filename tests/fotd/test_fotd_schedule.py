"""Post-time arithmetic against UTC instants worked out by hand from the 2026 zone rules."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.fotd.schedule import (
    InvalidTimeError,
    due_post,
    next_post_instant,
    parse_time,
    post_instant,
    post_window_end,
    settled_through,
)
from bot.fotd.zones import PLACE_ZONES, UnknownTimezoneError, fixed_offset_note, validate_timezone

from .fakes import utc

# (zone, local date, local time) -> expected UTC instant, by hand. Offsets: New York EST -5,
# EDT -4 (gap 02:00-03:00 on 03-08, 01:00-02:00 twice on 11-01); London GMT +0, BST +1 (gap
# 01:00-02:00 on 03-29, 01:00-02:00 twice on 10-25); Lord Howe +10:30 / +11 (01:30-02:00
# twice on 04-05, gap 02:00-02:30 on 10-04); Tokyo +9 all year.
CASES = """
America/New_York 2026-03-07 00:00 2026-03-07T05:00
America/New_York 2026-03-07 02:30 2026-03-07T07:30
America/New_York 2026-03-07 23:59 2026-03-08T04:59
America/New_York 2026-03-08 00:00 2026-03-08T05:00
America/New_York 2026-03-08 02:30 2026-03-08T07:00
America/New_York 2026-03-08 23:59 2026-03-09T03:59
America/New_York 2026-03-09 00:00 2026-03-09T04:00
America/New_York 2026-03-09 02:30 2026-03-09T06:30
America/New_York 2026-03-09 23:59 2026-03-10T03:59
America/New_York 2026-10-31 00:00 2026-10-31T04:00
America/New_York 2026-10-31 02:30 2026-10-31T06:30
America/New_York 2026-10-31 23:59 2026-11-01T03:59
America/New_York 2026-11-01 00:00 2026-11-01T04:00
America/New_York 2026-11-01 01:30 2026-11-01T05:30
America/New_York 2026-11-01 02:30 2026-11-01T07:30
America/New_York 2026-11-01 23:59 2026-11-02T04:59
America/New_York 2026-11-02 00:00 2026-11-02T05:00
America/New_York 2026-11-02 02:30 2026-11-02T07:30
America/New_York 2026-11-02 23:59 2026-11-03T04:59
Europe/London 2026-03-28 00:00 2026-03-28T00:00
Europe/London 2026-03-28 02:30 2026-03-28T02:30
Europe/London 2026-03-28 23:59 2026-03-28T23:59
Europe/London 2026-03-29 00:00 2026-03-29T00:00
Europe/London 2026-03-29 01:30 2026-03-29T01:00
Europe/London 2026-03-29 02:30 2026-03-29T01:30
Europe/London 2026-03-29 23:59 2026-03-29T22:59
Europe/London 2026-03-30 00:00 2026-03-29T23:00
Europe/London 2026-03-30 02:30 2026-03-30T01:30
Europe/London 2026-03-30 23:59 2026-03-30T22:59
Europe/London 2026-10-24 00:00 2026-10-23T23:00
Europe/London 2026-10-24 02:30 2026-10-24T01:30
Europe/London 2026-10-24 23:59 2026-10-24T22:59
Europe/London 2026-10-25 00:00 2026-10-24T23:00
Europe/London 2026-10-25 01:30 2026-10-25T00:30
Europe/London 2026-10-25 02:30 2026-10-25T02:30
Europe/London 2026-10-25 23:59 2026-10-25T23:59
Europe/London 2026-10-26 00:00 2026-10-26T00:00
Europe/London 2026-10-26 02:30 2026-10-26T02:30
Europe/London 2026-10-26 23:59 2026-10-26T23:59
Australia/Lord_Howe 2026-04-04 00:00 2026-04-03T13:00
Australia/Lord_Howe 2026-04-04 02:30 2026-04-03T15:30
Australia/Lord_Howe 2026-04-04 23:59 2026-04-04T12:59
Australia/Lord_Howe 2026-04-05 00:00 2026-04-04T13:00
Australia/Lord_Howe 2026-04-05 01:45 2026-04-04T14:45
Australia/Lord_Howe 2026-04-05 02:30 2026-04-04T16:00
Australia/Lord_Howe 2026-04-05 23:59 2026-04-05T13:29
Australia/Lord_Howe 2026-04-06 00:00 2026-04-05T13:30
Australia/Lord_Howe 2026-04-06 02:30 2026-04-05T16:00
Australia/Lord_Howe 2026-04-06 23:59 2026-04-06T13:29
Australia/Lord_Howe 2026-10-03 00:00 2026-10-02T13:30
Australia/Lord_Howe 2026-10-03 02:30 2026-10-02T16:00
Australia/Lord_Howe 2026-10-03 23:59 2026-10-03T13:29
Australia/Lord_Howe 2026-10-04 00:00 2026-10-03T13:30
Australia/Lord_Howe 2026-10-04 02:15 2026-10-03T15:30
Australia/Lord_Howe 2026-10-04 02:30 2026-10-03T15:30
Australia/Lord_Howe 2026-10-04 23:59 2026-10-04T12:59
Australia/Lord_Howe 2026-10-05 00:00 2026-10-04T13:00
Australia/Lord_Howe 2026-10-05 02:30 2026-10-04T15:30
Australia/Lord_Howe 2026-10-05 23:59 2026-10-05T12:59
Asia/Tokyo 2026-03-08 00:00 2026-03-07T15:00
Asia/Tokyo 2026-03-08 02:30 2026-03-07T17:30
Asia/Tokyo 2026-03-08 23:59 2026-03-08T14:59
Asia/Tokyo 2026-03-29 00:00 2026-03-28T15:00
Asia/Tokyo 2026-03-29 02:30 2026-03-28T17:30
Asia/Tokyo 2026-03-29 23:59 2026-03-29T14:59
Asia/Tokyo 2026-11-01 00:00 2026-10-31T15:00
Asia/Tokyo 2026-11-01 02:30 2026-10-31T17:30
Asia/Tokyo 2026-11-01 23:59 2026-11-01T14:59
"""
TABLE = [tuple(line.split()) for line in CASES.strip().splitlines()]


@pytest.mark.parametrize(("zone", "day", "at", "expected"), TABLE)
def test_post_instant_matches_hand_computed_utc(zone: str, day: str, at: str, expected: str):
    tz = validate_timezone(zone)
    instant = post_instant(date.fromisoformat(day), time.fromisoformat(at), tz)
    assert instant == utc(expected)


@pytest.mark.parametrize(("zone", "day", "at", "expected"), TABLE)
def test_next_post_instant_finds_the_same_instant(zone: str, day: str, at: str, expected: str):
    tz, local_time = validate_timezone(zone), time.fromisoformat(at)
    just_before = utc(expected) - timedelta(seconds=1)
    assert next_post_instant(just_before, local_time, tz) == (
        date.fromisoformat(day),
        utc(expected),
    )
    # Strictly after: at the instant itself the next post is the following day's.
    following, _ = next_post_instant(utc(expected), local_time, tz)
    assert following == date.fromisoformat(day) + timedelta(days=1)


@pytest.mark.parametrize(("zone", "day", "at", "expected"), TABLE)
def test_due_exactly_from_the_instant(zone: str, day: str, at: str, expected: str):
    tz, local_time, local_date = (
        validate_timezone(zone),
        time.fromisoformat(at),
        date.fromisoformat(day),
    )
    yesterday = local_date - timedelta(days=1)
    assert due_post(utc(expected) - timedelta(microseconds=1), local_time, tz, yesterday) is None
    assert due_post(utc(expected), local_time, tz, yesterday) == local_date
    assert due_post(utc(expected), local_time, tz, local_date) is None


def test_gap_times_all_post_at_the_end_of_the_gap():
    tz = validate_timezone("America/New_York")
    for minute in (0, 1, 30, 59):
        instant = post_instant(date(2026, 3, 8), time(2, minute), tz)
        assert instant == utc("2026-03-08 07:00")  # 03:00 EDT, not 03:xx (fold=0)


def test_repeated_hour_posts_once_at_the_first_occurrence():
    tz = validate_timezone("America/New_York")
    local_time = time(1, 30)
    first = utc("2026-11-01 05:30")  # 01:30 EDT; 01:30 EST would be 06:30Z
    assert next_post_instant(first - timedelta(seconds=1), local_time, tz) == (
        date(2026, 11, 1),
        first,
    )
    # During the second 01:30 the day is already done: the next post is the next day's.
    assert next_post_instant(utc("2026-11-01 06:30"), local_time, tz) == (
        date(2026, 11, 2),
        utc("2026-11-02 06:30"),
    )
    assert due_post(utc("2026-11-01 06:30"), local_time, tz, date(2026, 11, 1)) is None


def test_missed_post_is_made_later_the_same_local_day_only():
    tz = validate_timezone("America/New_York")
    nine = time(9, 0)  # 2026-06-01 09:00 EDT = 13:00Z; local midnight ends at 04:00Z on 06-02
    last = date(2026, 5, 31)
    assert due_post(utc("2026-06-01 20:00"), nine, tz, last) == date(2026, 6, 1)
    assert due_post(utc("2026-06-02 03:59"), nine, tz, last) == date(2026, 6, 1)
    assert due_post(utc("2026-06-02 04:00"), nine, tz, last) is None


def test_a_shorter_grace_period_closes_the_window_earlier():
    tz = validate_timezone("Asia/Tokyo")
    nine = time(9, 0)  # 00:00Z
    grace = timedelta(hours=1)
    last = date(2026, 5, 31)
    assert due_post(utc("2026-06-01 00:59"), nine, tz, last, grace) == date(2026, 6, 1)
    assert due_post(utc("2026-06-01 01:00"), nine, tz, last, grace) is None
    assert post_window_end(date(2026, 6, 1), nine, tz, grace) == utc("2026-06-01 01:00")
    assert post_window_end(date(2026, 6, 1), nine, tz) == utc("2026-06-01 15:00")


def test_a_late_post_at_23_59_still_has_its_minute():
    tz = validate_timezone("Europe/London")
    late = time(23, 59)  # 22:59Z in BST; the local day ends at 23:00Z
    assert due_post(utc("2026-06-01 22:59:30"), late, tz, date(2026, 5, 31)) == date(2026, 6, 1)
    assert due_post(utc("2026-06-01 23:00"), late, tz, date(2026, 5, 31)) is None


def test_naive_datetimes_are_refused():
    tz = validate_timezone("Asia/Tokyo")
    with pytest.raises(ValueError, match="aware"):
        next_post_instant(utc("2026-06-01 00:00").replace(tzinfo=None), time(9), tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:05", time(9, 5)),
        ("09:05", time(9, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 7pm ", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("7:30 pm", time(19, 30)),
        ("7:30p.m.", time(19, 30)),
        ("12am", time(0, 0)),
        ("12:15 am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("11:59 pm", time(23, 59)),
        ("９:００", time(9, 0)),  # full-width digits, as references accept them
        ("２１：３０", time(21, 30)),
        ("７ｐｍ", time(19, 0)),
    ],
)
def test_parse_time_accepts(text: str, expected: time):
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "23:60", "9:5", "905", "0pm", "13pm", "7", "", "noon", "٠٩:٠٥", "9:05:00"]
)
def test_parse_time_rejects_with_a_short_message(text: str):
    with pytest.raises(InvalidTimeError) as caught:
        parse_time(text)
    assert isinstance(caught.value, ValueError)
    assert "HH:MM" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_validate_timezone_accepts_iana_names_in_any_case():
    assert validate_timezone("America/New_York").key == "America/New_York"
    assert validate_timezone(" europe/london ").key == "Europe/London"
    assert validate_timezone("UTC").key == "UTC"


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "America", "", "../etc/passwd", "/etc/localtime", "localtime", "EST+5"]
)
def test_validate_timezone_rejects_with_a_short_message(name: str):
    with pytest.raises(UnknownTimezoneError) as caught:
        validate_timezone(name)
    assert isinstance(caught.value, ValueError)
    assert "IANA" in str(caught.value)
    assert len(str(caught.value)) < 150


@pytest.mark.parametrize(
    ("last_post", "zone", "at", "expected"),
    [
        # Kiritimati's 5 Dec post at 14:04Z on 4 Dec: UTC owes its 5 Dec (19 h later).
        ("2026-12-04 14:04", "UTC", "09:00", "2026-12-04"),
        # The same post is 19:49 on 4 Dec in Kathmandu: its 4 Dec is done.
        ("2026-12-04 14:04", "Asia/Kathmandu", "19:51", "2026-12-04"),
        # A UTC post at 09:55Z is 23:55 on 4 Dec in Kiritimati; 00:02 on 5 Dec is too close.
        ("2026-12-04 09:55", "Pacific/Kiritimati", "00:02", "2026-12-05"),
        # More than 12 hours is far enough.
        ("2026-12-03 23:00", "UTC", "12:00", "2026-12-03"),
        ("2026-12-03 23:00", "UTC", "11:00", "2026-12-04"),
    ],
)
def test_settled_through_judges_the_last_post_by_its_instant(
    last_post: str, zone: str, at: str, expected: str
):
    tz, local_time = validate_timezone(zone), time.fromisoformat(at)
    assert settled_through(utc(last_post), local_time, tz) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("India", "Asia/Kolkata"),
        ("nepal", "Asia/Kathmandu"),
        ("South  Korea", "Asia/Seoul"),
        ("us_east", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("Australia", "Australia/Sydney or Australia/Perth"),
        ("Tokyo", "Asia/Tokyo"),
        ("new york", "America/New_York"),
        ("Sao Paulo", "America/Sao_Paulo"),
        ("Buenos Aires", "America/Buenos_Aires"),
    ],
)
def test_an_unknown_zone_that_names_a_place_suggests_its_zone(typed: str, suggested: str):
    with pytest.raises(UnknownTimezoneError) as caught:
        validate_timezone(typed)
    assert str(caught.value).endswith(f": did you mean {suggested}?")
    assert "\n" not in str(caught.value)


def test_every_place_names_real_zones():
    for place, zones in PLACE_ZONES.items():
        assert zones, place
        for zone in zones:
            assert validate_timezone(zone).key == zone


def test_fixed_offset_abbreviations_are_accepted_with_a_note():
    assert validate_timezone("est").key == "EST"
    note = fixed_offset_note("EST")
    assert note == (
        "EST is fixed at UTC−5 with no daylight saving; "
        "for New York's local time, use America/New_York."
    )
    assert "UTC−7" in (fixed_offset_note("MST") or "")
    for zone in ("America/New_York", "EST5EDT", "UTC", "Etc/UTC", "Asia/Tokyo"):
        assert fixed_offset_note(zone) is None, zone


@pytest.mark.parametrize(
    ("zone", "note"),
    [
        (
            "GMT",
            "GMT is fixed at UTC+0 with no daylight saving; "
            "for London's local time, use Europe/London.",
        ),
        (
            "Etc/GMT+5",
            "Etc/GMT+5 is fixed at UTC−5 (the sign in the name is reversed) with no daylight "
            "saving; for a place's local time, use its city zone.",
        ),
        ("Etc/GMT-9", "Etc/GMT-9 is fixed at UTC+9 (the sign in the name is reversed)"),
        ("Etc/Greenwich", "for London's local time, use Europe/London."),
    ],
)
def test_every_fixed_offset_name_gets_the_note(zone: str, note: str):
    assert note in (fixed_offset_note(validate_timezone(zone).key) or ""), zone


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("BST", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("america/new  york", "America/New_York"),
        ("UTC+9", "Asia/Tokyo, or Etc/GMT-9 (its sign is reversed)"),
        ("+09:00", "Asia/Tokyo, or Etc/GMT-9 (its sign is reversed)"),
        ("GMT-05:00", "Etc/GMT+5 (its sign is reversed)"),
        ("+05:30", "Asia/Kolkata"),
        ("UTC+0", "UTC"),
    ],
)
def test_a_common_misspelling_of_a_zone_gets_a_suggestion(typed: str, suggested: str):
    with pytest.raises(UnknownTimezoneError) as caught:
        validate_timezone(typed)
    message = str(caught.value)
    assert message.endswith(f": did you mean {suggested}?"), message
    assert "\n" not in message and len(message) < 150
