"""Two shards: each guild's commands and chat lookups are answered by the shard that owns it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from localdiscord import LocalDiscord, Scenario
from localdiscord.gateway import shard_of
from localdiscord.model import Channel, Guild, Member
from localdiscord.pytest_support import checked_server
from tests.e2e.conftest import running_bot


@pytest.fixture
async def two_shards() -> AsyncIterator[LocalDiscord]:
    async for server in checked_server(scenario=Scenario(shard_count=2), default_scenario=False):
        yield server


def _guild(server: LocalDiscord, shard: int) -> tuple[Guild, Channel, Member]:
    guild = server.add_guild(f"guild on shard {shard}", shard=shard)
    assert shard_of(guild.id, 2) == shard
    channel = server.add_channel(guild, "general")
    member = server.add_member(guild, f"user{shard}")
    if not hasattr(server, "guild"):
        # What the harness and the stand-in's defaults read in the default scenario.
        server.guild, server.general, server.member = guild, channel, member
    return guild, channel, member


async def _search_answered(server: LocalDiscord, channel: Channel, user: Member) -> None:
    handle = await server.slash("search", {"query": "GCAP"}, user=user, channel=channel)
    messages = await handle.messages()
    assert len(messages) == 1
    assert "3.1.1(1)¶4" in json.dumps(messages[0]["embeds"], ensure_ascii=False)


async def _lookup_answered(server: LocalDiscord, channel: Channel, user: Member) -> None:
    said = server.send_message(channel, user, "what is [[GCAP]]?")
    replies = [
        m
        for m in await server.bot_messages(channel)
        if str((m.get("message_reference") or {}).get("message_id")) == said["id"]
    ]
    assert len(replies) == 1, replies
    assert "3.1.1(1)¶4" in json.dumps(replies[0], ensure_ascii=False)


@pytest.mark.parametrize("ask_gateway", [False, True], ids=["configured", "from-gateway-bot"])
async def test_both_shards_answer(two_shards, tmp_path, ask_gateway):
    server = two_shards
    zero, zero_chan, zero_user = _guild(server, 0)
    one, one_chan, one_user = _guild(server, 1)
    # Without a count, AutoShardedBot asks GET /gateway/bot, which says 2.
    shards = {} if ask_gateway else {"shard_count": 2, "shard_ids": [0, 1]}
    async with running_bot(server, tmp_path / "b.db", dev_guild=None, **shards) as h:
        assert h.bot.shard_count == 2
        assert set(h.bot.shards) == {0, 1}
        identified = {e.shard_id for e in server.gateway_log if e.kind == "identify"}
        assert identified == {0, 1}
        assert {g.id for g in h.bot.guilds} == {zero.id, one.id}
        await h.bot.tree.sync()  # global commands, as `bluebook-bot sync` does
        for channel, user in ((zero_chan, zero_user), (one_chan, one_user)):
            await _search_answered(server, channel, user)
            await _lookup_answered(server, channel, user)


async def test_a_process_with_shard_1_only_serves_shard_1(two_shards, tmp_path):
    server = two_shards
    _, zero_chan, zero_user = _guild(server, 0)
    one, one_chan, one_user = _guild(server, 1)
    async with running_bot(
        server, tmp_path / "b.db", dev_guild=None, shard_count=2, shard_ids=[1]
    ) as h:
        assert {e.shard_id for e in server.gateway_log if e.kind == "identify"} == {1}
        assert [g.id for g in h.bot.guilds] == [one.id]
        await h.bot.tree.sync()
        await _search_answered(server, one_chan, one_user)
        await _lookup_answered(server, one_chan, one_user)

        # Shard 0 belongs to another process: this one sees nothing from it.
        handle = await server.slash("search", {"query": "GCAP"}, user=zero_user, channel=zero_chan)
        said = server.send_message(zero_chan, zero_user, "what is [[GCAP]]?")
        await server.quiesce()
        assert handle.record.callback is None
        assert [m for m in zero_chan.messages.values() if m["id"] != said["id"]] == []
