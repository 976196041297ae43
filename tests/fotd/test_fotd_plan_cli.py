"""`bluebook-bot fotd plan`: a missing database is a short error, and --help explains each option."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.samples import LIBRARY


def test_fotd_plan_without_a_database_is_a_short_error_and_creates_nothing(capsys, tmp_path):
    missing = tmp_path / "nonexist" / "x.db"
    code = main(["--content", str(LIBRARY), "fotd", "plan", "--db", str(missing), "--guild", "1"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.strip() == f"error: no database at {missing}"
    assert not missing.parent.exists()


def test_fotd_plan_help_describes_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["fotd", "plan", "--help"])
    out = capsys.readouterr().out
    for line in (
        "--guild GUILD  the server",
        "--days DAYS    how many",
        "--db DB        the bot's",
    ):
        assert line in out
    assert "--json         print" in out


def test_fotd_plan_for_a_guild_without_a_schedule_says_so_and_draws_the_newest_facts(
    capsys, tmp_path
):
    """Guild 999 has no fact of the day: the plan says so, not "no facts"; the sample's
    2026 has none, so the order is drawn from 2025's, as the bot would draw it."""
    import asyncio
    import json

    from bot.storage.db import open_database

    async def create(path):
        await (await open_database(path)).close()

    db = tmp_path / "b.db"
    asyncio.run(create(db))
    argv = ["--content", str(LIBRARY), "fotd", "plan", "--db", str(db), "--guild", "999"]
    code = main([*argv, "--days", "3", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.strip() == (
        f"note: no fact of the day is set up for guild 999 in {db}; the order it would get,"
        " from today"
    )
    rows = json.loads(out)
    assert {r["fact_id"] for r in rows} == {
        "jcg-exercises",
        "port-terminal-completed",
        "epa-coverage",
    }
    assert all(r["at"] is None for r in rows)
    # The facts are 2025's, the server reads 2026: the JSON names the edition, the text
    # writes each reference with its year (2026's same number may be another section).
    assert {r["edition"] for r in rows} == {2025}
    assert all(not r["ref"].startswith("2025:") for r in rows)
    code = main([*argv, "--days", "3"])
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0 and all("  -  " in line for line in lines)
    assert len(lines) == 3 and all("  -  2025:" in line for line in lines), lines


def test_fotd_plan_lists_only_days_not_yet_claimed_so_each_row_names_the_edition_it_draws(
    capsys, tmp_path
):
    """Days already claimed (here from 2024's facts, as a post made while 2024 was read)
    are not rows of the plan: every row is a coming day, drawn from the facts the bot would
    draw from now (2025's: the sample's 2026 has none), and its `edition` says so."""
    import asyncio
    import json
    from datetime import UTC, datetime, time, timedelta

    from bot.fotd.rotation import RotationState
    from bot.fotd.store import FotdStore
    from bot.storage.db import open_database

    now = datetime.now(UTC)
    today = now.date()

    async def claimed_through_today(path):
        db = await open_database(path)
        store = FotdStore(db)
        since = now - timedelta(days=5)
        await store.upsert_config(
            guild_id=7, channel_id=1, local_time=time(9), timezone="UTC", now=since
        )
        used = RotationState(cycle=1, order=("an-old-fact",), position=1)
        for back in (2, 1, 0):
            await store.claim(
                guild_id=7,
                local_date=today - timedelta(days=back),
                channel_id=1,
                token=f"t{back}",
                now=now,
                lease_until=now,
                choose_fact=lambda state: ("an-old-fact", used),
                pack_key="2024-3",
            )
        await db.close()

    db = tmp_path / "b.db"
    asyncio.run(claimed_through_today(db))
    argv = ["--content", str(LIBRARY), "fotd", "plan", "--db", str(db), "--guild", "7"]
    code = main([*argv, "--days", "3", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [r["date"] for r in rows] == [str(today + timedelta(days=n)) for n in (1, 2, 3)]
    assert {r["edition"] for r in rows} == {2025}
    assert "an-old-fact" not in {r["fact_id"] for r in rows}
