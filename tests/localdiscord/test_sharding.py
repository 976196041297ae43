"""Two shards: each gets its own guilds' GUILD_CREATE and events."""

from __future__ import annotations

import asyncio

import discord

from localdiscord import LocalDiscord, NoIdentifyDelay, connected


class ShardedClient(NoIdentifyDelay, discord.AutoShardedClient):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.1)
        self.seen: list[tuple[int, int | None, str]] = []
        self.got_both = asyncio.Event()

    async def on_message(self, message: discord.Message) -> None:
        assert message.guild is not None
        self.seen.append((message.guild.id, message.guild.shard_id, message.content))
        if len(self.seen) == 2:
            self.got_both.set()


async def test_each_shard_gets_its_guilds_events() -> None:
    async with LocalDiscord(shard_count=2, default_scenario=False) as server:
        guilds = [server.add_guild("Zero", shard=0), server.add_guild("One", shard=1)]
        channels = [server.add_channel(g, "general") for g in guilds]
        people = [server.add_member(g, "person") for g in guilds]
        async with connected(ShardedClient, server) as client:
            assert isinstance(client, ShardedClient)
            assert client.shard_count == 2
            for channel, person in zip(channels, people, strict=True):
                server.send_message(channel, person, f"hi {channel.guild_id}")
            await asyncio.wait_for(client.got_both.wait(), 5)
        identified = sorted(e.shard_id for e in server.gateway_log if e.kind == "identify")
        sessions = {s.shard_id: s for s in server.hub.sessions.values()}
    assert identified == [0, 1]
    assert sorted(client.seen) == sorted(
        (g.id, shard, f"hi {g.id}") for shard, g in enumerate(guilds)
    )
    for shard, guild in enumerate(guilds):
        created = [p["d"]["id"] for p in sessions[shard].buffer if p["t"] == "GUILD_CREATE"]
        assert created == [str(guild.id)]
