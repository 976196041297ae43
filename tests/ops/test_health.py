"""`bluebook-bot health`: 0 while the heartbeat is fresh, 1 when stale, missing or unreadable."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.storage.db import open_database
from bot.storage.heartbeat import HEARTBEAT_MAX_AGE_S, touch_heartbeat


async def _database(path: Path, *, beat_at: float | None) -> Path:
    db = await open_database(path)
    try:
        if beat_at is not None:
            await touch_heartbeat(db, now=beat_at)
    finally:
        await db.close()
    return path


async def test_fresh_heartbeat_is_healthy(cli, tmp_path):
    path = await _database(tmp_path / "b.db", beat_at=time.time())
    result = cli("health", env={"BLUEBOOK_DB": str(path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "healthy"


@pytest.mark.parametrize("age", [HEARTBEAT_MAX_AGE_S + 60, -(HEARTBEAT_MAX_AGE_S + 60)])
async def test_stale_heartbeat_is_unhealthy(cli, tmp_path, age):
    path = await _database(tmp_path / "b.db", beat_at=time.time() - age)
    result = cli("health", "--db", str(path))
    assert result.returncode == 1
    assert "stale or missing" in result.stderr


async def test_database_without_heartbeat_is_unhealthy(cli, tmp_path):
    path = await _database(tmp_path / "b.db", beat_at=None)
    result = cli("health", env={"BLUEBOOK_DB": str(path)})
    assert result.returncode == 1
    assert "stale or missing" in result.stderr


def test_no_database_is_unhealthy(cli, tmp_path):
    result = cli("health", env={"BLUEBOOK_DB": str(tmp_path / "nothing.db")})
    assert result.returncode == 1
    assert "no database" in result.stderr
    assert not (tmp_path / "nothing.db").exists()  # health never creates one


def test_unreadable_database_is_unhealthy_without_traceback(cli, tmp_path):
    path = tmp_path / "b.db"
    path.write_bytes(b"not a database at all" * 100)
    result = cli("health", "--db", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_configuration_is_exit_2(cli):
    result = cli("health", env={"LOG_FORMAT": "xml"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: LOG_FORMAT ")


def test_health_needs_a_fresh_heartbeat_for_every_shard_of_the_layout():
    from bot.storage.heartbeat import ProcessBeat, health_problem

    now = 1_000_000.0
    old = now - HEARTBEAT_MAX_AGE_S - 1
    two = [ProcessBeat("0", 2, now), ProcessBeat("1", 2, now - 1)]
    assert health_problem(two, now=now) is None
    one_dead = [ProcessBeat("0", 2, now), ProcessBeat("1", 2, old)]
    assert "shard(s) 1 " in (health_problem(one_dead, now=now) or "")
    # Moved to one process for both shards: the old rows' staleness does not matter.
    merged = [ProcessBeat("0,1", 2, now), *one_dead[1:], ProcessBeat("0", 2, old)]
    assert health_problem(merged, now=now) is None
    # Moved to one unsharded process.
    assert health_problem([ProcessBeat("*", None, now), *one_dead[1:]], now=now) is None
    assert health_problem([], now=now) is not None
