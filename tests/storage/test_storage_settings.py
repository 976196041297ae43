"""Lookup switches (defaults, guild and channel overrides, persistence) and the heartbeat."""

from __future__ import annotations

from pathlib import Path

from bot.storage.db import Database, open_database
from bot.storage.heartbeat import (
    ProcessHeartbeat,
    heartbeat_is_fresh,
    read_heartbeats,
    touch_heartbeat,
)
from bot.storage.settings import (
    LookupKind,
    LookupOverride,
    LookupSettings,
    LookupSwitches,
)

GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
OTHER_CHANNEL = 333_333_333_333_333_333
ON_OFF = LookupSwitches(explicit=True, passive=False)


async def test_defaults_explicit_on_passive_off(db: Database) -> None:
    settings = LookupSettings(db)
    assert await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL) == ON_OFF
    assert await settings.get_effective(guild_id=None, channel_id=CHANNEL) == ON_OFF


async def test_guild_value_applies_to_every_channel(db: Database) -> None:
    settings = LookupSettings(db)
    await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL)  # warm the cache
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=True)
    for channel in (CHANNEL, OTHER_CHANNEL):
        switches = await settings.get_effective(guild_id=GUILD, channel_id=channel)
        assert switches == LookupSwitches(explicit=True, passive=True)
    other_guild = await settings.get_effective(guild_id=GUILD + 1, channel_id=CHANNEL + 9)
    assert other_guild == ON_OFF


async def test_channel_value_overrides_guild_value(db: Database) -> None:
    settings = LookupSettings(db)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=True)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.EXPLICIT, enabled=False)
    await settings.set_channel(
        guild_id=GUILD, channel_id=CHANNEL, kind=LookupKind.PASSIVE, enabled=False
    )
    await settings.set_channel(
        guild_id=GUILD, channel_id=CHANNEL, kind=LookupKind.EXPLICIT, enabled=True
    )
    assert await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL) == ON_OFF
    other = await settings.get_effective(guild_id=GUILD, channel_id=OTHER_CHANNEL)
    assert other == LookupSwitches(explicit=False, passive=True)


async def test_clearing_an_override_inherits_again(db: Database) -> None:
    settings = LookupSettings(db)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=True)
    await settings.set_channel(
        guild_id=GUILD, channel_id=CHANNEL, kind=LookupKind.PASSIVE, enabled=False
    )
    assert (await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL)).passive is False
    await settings.set_channel(
        guild_id=GUILD, channel_id=CHANNEL, kind=LookupKind.PASSIVE, enabled=None
    )
    assert (await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL)).passive is True
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=None)
    assert (await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL)).passive is False
    assert (await settings.status(guild_id=GUILD)).overrides == ()


async def test_status_lists_guild_and_channel_overrides(db: Database) -> None:
    settings = LookupSettings(db)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=True)
    await settings.set_channel(
        guild_id=GUILD, channel_id=OTHER_CHANNEL, kind=LookupKind.EXPLICIT, enabled=False
    )
    await settings.set_channel(
        guild_id=GUILD + 1, channel_id=CHANNEL, kind=LookupKind.PASSIVE, enabled=True
    )
    status = await settings.status(guild_id=GUILD)
    assert status.guild == LookupSwitches(explicit=True, passive=True)
    assert status.overrides == (
        LookupOverride(channel_id=None, explicit=None, passive=True),
        LookupOverride(channel_id=OTHER_CHANNEL, explicit=False, passive=None),
    )


async def test_settings_survive_reopen(db_path: Path) -> None:
    db = await open_database(db_path)
    await LookupSettings(db).set_channel(
        guild_id=GUILD, channel_id=CHANNEL, kind=LookupKind.PASSIVE, enabled=True
    )
    await db.close()
    reopened = await open_database(db_path)
    try:
        switches = await LookupSettings(reopened).get_effective(guild_id=GUILD, channel_id=CHANNEL)
        assert switches == LookupSwitches(explicit=True, passive=True)
    finally:
        await reopened.close()


async def test_unreadable_database_falls_back_to_safe_defaults(db_path: Path) -> None:
    db = await open_database(db_path)
    settings = LookupSettings(db)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.EXPLICIT, enabled=False)
    await db.close()
    assert await settings.get_effective(guild_id=GUILD, channel_id=CHANNEL) == ON_OFF


async def test_heartbeat_round_trip_and_freshness(db_path: Path) -> None:
    db = await open_database(db_path)
    assert await read_heartbeats(db) == []
    await touch_heartbeat(db, now=1_000.0)
    await touch_heartbeat(db, now=2_000.0)
    await touch_heartbeat(db, shard_ids=[1, 0], shard_count=2, now=1_500.0)
    await db.close()
    reader = await open_database(db_path, read_only=True)
    try:
        beats = await read_heartbeats(reader)
    finally:
        await reader.close()
    assert [(b.process, b.shard_count, b.ts) for b in beats] == [
        ("*", None, 2_000.0),
        ("0,1", 2, 1_500.0),
    ]
    last = beats[0].ts
    assert heartbeat_is_fresh(last, now=2_060.0, max_age_s=120)
    assert not heartbeat_is_fresh(last, now=2_121.0, max_age_s=120)
    assert not heartbeat_is_fresh(last, now=1_000.0, max_age_s=120)
    assert not heartbeat_is_fresh(None, now=2_000.0)


async def test_writes_after_the_file_is_deleted_land_in_a_recreated_file(
    db: Database, db_path: Path
) -> None:
    settings = LookupSettings(db)
    await settings.set_guild(guild_id=GUILD, kind=LookupKind.PASSIVE, enabled=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    await settings.set_guild(guild_id=GUILD + 1, kind=LookupKind.PASSIVE, enabled=True)
    assert db_path.exists()
    reopened = await open_database(db_path)
    try:
        status = await LookupSettings(reopened).status(guild_id=GUILD + 1)
        assert status.guild.passive is True
        assert (await LookupSettings(reopened).status(guild_id=GUILD)).overrides == ()
    finally:
        await reopened.close()


async def test_a_heartbeat_row_written_by_another_process_is_noticed_once(db) -> None:
    ours = ProcessHeartbeat(db, shard_ids=None, shard_count=None)
    theirs = ProcessHeartbeat(db, shard_ids=None, shard_count=None)
    # A row left by a process that died (no write after ours) is taken over quietly.
    await touch_heartbeat(db, owner="dead", now=1_000.0)
    assert await ours.touch(now=1_001.0) is False
    assert await ours.touch(now=1_016.0) is False
    # A live one writes between our touches: noticed, once.
    assert await theirs.touch(now=1_020.0) is False
    assert await ours.touch(now=1_031.0) is True
    assert await theirs.touch(now=1_035.0) is True
    assert await ours.touch(now=1_046.0) is False and ours.shared
    # Stopping cleanly removes only a row this process wrote last.
    await theirs.clear()
    assert [b.ts for b in await read_heartbeats(db)] == [1_046.0]
    await ours.clear()
    assert await read_heartbeats(db) == []
    # Other shards are another row: never "another process".
    shard = ProcessHeartbeat(db, shard_ids=[0], shard_count=2)
    assert [await shard.touch(now=t) for t in (1.0, 2.0)] == [False, False]
    assert await ours.touch(now=3.0) is False
