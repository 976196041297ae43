"""The fact of the day on a pack without facts (a fresh import): status says why nothing is
posted, preview and skip raise a typed error the cog answers in words, the posting loop logs
the condition once and resumes by itself when facts appear."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta

import pytest

from bot.fotd.service import FotdService, OnePack, PackWithoutFacts

from .fakes import CHANNEL, FACTS, GUILD, create_database, utc

PACK = "2026-3"
FIRST = date(2026, 6, 1)  # 09:00 in Tokyo on this date is 00:00 UTC


@pytest.fixture
def empty() -> list[str]:
    """The pack's facts: none at first; tests add some as a reload would."""
    return []


@pytest.fixture
async def service(store, make_service, clock, empty) -> FotdService:
    service: FotdService = make_service(store, facts=OnePack(lambda: empty, PACK))
    clock.set(utc("2026-05-31 23:00"))
    await service.set(GUILD, CHANNEL, "09:00", "Asia/Tokyo")
    return service


def _no_facts_logs(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("fotd.no_facts")]


async def test_status_names_the_pack_without_facts_and_set_says_so(service, empty):
    status = await service.status(GUILD)
    assert status is not None and status.enabled
    assert status.waiting_for_facts == PACK
    empty.extend(FACTS)
    status = await service.status(GUILD)
    assert status is not None and status.waiting_for_facts is None


async def test_preview_and_skip_raise_a_typed_error_naming_the_pack(service, store):
    with pytest.raises(PackWithoutFacts) as preview:
        await service.preview(GUILD)
    assert preview.value.pack_key == PACK
    with pytest.raises(PackWithoutFacts):
        await service.skip(GUILD)
    assert await store.rotation(GUILD, PACK) is None  # nothing was consumed or written


async def test_the_tick_logs_once_posts_nothing_then_resumes_when_facts_appear(
    service, clock, sender, channels, empty, caplog
):
    caplog.set_level(logging.INFO, logger="bot.fotd.service")
    clock.set(utc("2026-06-01 00:00"))
    for _ in range(6):  # three minutes of 30-second ticks
        assert await service.tick(sender) == []
        clock.advance(timedelta(seconds=30))
    assert channels.messages == []
    [logged] = _no_facts_logs(caplog)
    assert logged.levelno == logging.WARNING and PACK in logged.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    # Facts arrive (an edit and /reload) while the day's window is open: today is posted.
    empty.extend(FACTS)
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", FIRST)
    assert [m.fact_id for m in channels.messages] == [event.fact_id]
    assert any(r.getMessage().startswith("fotd.facts_back") for r in caplog.records)
    assert len(_no_facts_logs(caplog)) == 1


async def test_a_day_that_closes_without_facts_is_missed_with_that_reason(
    service, clock, sender, store, empty
):
    clock.set(utc("2026-06-01 00:00"))
    assert await service.tick(sender) == []
    clock.set(utc("2026-06-01 15:30"))  # past midnight in Tokyo: the day's window closed
    events = await service.tick(sender)
    assert [(e.outcome, e.local_date) for e in events] == [("missed", FIRST)]
    row = await store.post(GUILD, FIRST)
    assert row is not None and row.state == "missed"
    assert row.last_error == f"Missed: there were no facts to post (pack {PACK} has none)."
    empty.extend(FACTS)
    clock.set(utc("2026-06-02 00:00"))
    [event] = await service.tick(sender)
    assert (event.outcome, event.local_date) == ("sent", FIRST + timedelta(days=1))


def test_fotd_plan_without_facts_anywhere_is_a_short_error(capsys, db_path, sample_library):
    """The sample's 2026 has no facts; here neither have 2024 and 2025."""
    from bot.cli import main

    for year in (2024, 2025):
        (sample_library / str(year) / "chapter3" / "facts.yaml").write_text("facts: []\n")
    asyncio.run(create_database(db_path))

    argv = ["--content", str(sample_library), "fotd", "plan", "--guild", "9", "--days", "3"]
    code = main([*argv, "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert err.startswith(f"error: no fact of the day is set up for guild 9 in {db_path}, and")
    assert "has no facts yet" in err and "content facts suggest" in err
    assert "Traceback" not in err
