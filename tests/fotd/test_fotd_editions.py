"""Fact of the day over a library: each server draws from its edition's facts, and changing
the edition keeps every rotation fair."""

from __future__ import annotations

from datetime import timedelta

from bot.fotd.sender import TransientSendError
from bot.fotd.service import FotdService

from .fakes import CHANNEL, GUILD, utc

OLD = [f"old-{n}" for n in range(1, 5)]
NEW = [f"new-{n}" for n in range(1, 4)]


async def _post_days(service, clock, sender, days: int) -> list[str]:
    posted = []
    for _ in range(days):
        clock.advance(timedelta(days=1))
        events = await service.tick(sender)
        posted += [e.fact_id for e in events if e.outcome == "sent"]
    return posted


async def test_changing_the_edition_draws_from_its_facts_without_repeats(
    store, clock, sender, make_service
):
    chosen = {"pack": "2030-3"}

    class Library:
        async def for_guild(self, guild_id: int):
            return chosen["pack"], self.in_pack(chosen["pack"])

        def in_pack(self, pack_key: str):
            return NEW if pack_key == "2031-3" else OLD

    service: FotdService = make_service(store, facts=Library())
    clock.set(utc("2026-05-31 23:00"))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    clock.set(utc("2026-05-31 00:00"))
    first = await _post_days(service, clock, sender, 2)
    assert len(first) == 2 and set(first) <= set(OLD)

    chosen["pack"] = "2031-3"
    switched = await _post_days(service, clock, sender, len(NEW))
    assert sorted(switched) == sorted(NEW)  # every new fact once before any repeats

    chosen["pack"] = "2030-3"
    back = await _post_days(service, clock, sender, 2)
    # The old rotation resumes where it stopped: the rest of its cycle, nothing repeated.
    assert sorted(first + back) == sorted(OLD)
    assert await service.facts_for(GUILD) == ("2030-3", OLD)


async def test_a_retried_day_is_posted_from_the_pack_it_was_claimed_in(
    store, clock, sender, make_service
):
    """The ledger records the pack: changing the edition between a failed send and its
    retry does not change the day's fact (before, the retry re-read the server's pack and
    replaced the fact)."""
    chosen = {"pack": "2030-3"}

    class Library:
        async def for_guild(self, guild_id: int):
            return chosen["pack"], self.in_pack(chosen["pack"])

        def in_pack(self, pack_key: str):
            return NEW if pack_key == "2031-3" else OLD

    service: FotdService = make_service(store, facts=Library())
    clock.set(utc("2026-05-31 23:00"))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    sender.send_errors = [TransientSendError("Discord 503")]
    clock.set(utc("2026-06-01 00:00"))
    [failed] = await service.tick(sender)
    assert failed.outcome == "retry" and failed.fact_id in OLD
    chosen["pack"] = "2031-3"
    clock.advance(timedelta(minutes=1))
    [retried] = await service.tick(sender)
    assert (retried.outcome, retried.fact_id) == ("sent", failed.fact_id)
    [post] = await store.posts(GUILD)
    assert post.pack_key == "2030-3"
