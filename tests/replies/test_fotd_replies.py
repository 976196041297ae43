"""Time-zone autocomplete for /factoftheday set: country names and IANA names."""

from __future__ import annotations

import zoneinfo

from bot.replies.fotd import MAX_CHOICES, timezone_choices


def test_a_country_offers_its_zone_first():
    assert timezone_choices("India")[0] == ("Asia/Kolkata (India)", "Asia/Kolkata")
    assert timezone_choices("nepal") == [("Asia/Kathmandu (Nepal)", "Asia/Kathmandu")]
    assert timezone_choices("korea")[0][1] == "Asia/Seoul"
    assert [zone for _, zone in timezone_choices("ind")[:2]] == ["Asia/Kolkata", "Asia/Jakarta"]


def test_iana_names_still_complete_and_each_zone_is_offered_once():
    assert timezone_choices("new_y")[0] == ("America/New_York", "America/New_York")
    assert timezone_choices("Asia/Tok")[0][1] == "Asia/Tokyo"
    zones = zoneinfo.available_timezones()
    for typed in ("", "a", "us", "tokyo", "india", "hong kong"):
        choices = timezone_choices(typed)
        values = [zone for _, zone in choices]
        assert 1 <= len(choices) <= MAX_CHOICES, typed
        assert len(set(values)) == len(values) and set(values) <= zones, typed
        assert all(name.startswith(zone) for name, zone in choices), typed
    assert timezone_choices("zzzz") == []
