"""/stats and the usage log, end to end: what people did through the local Discord is counted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.fotd.clock import FakeClock
from bot.storage.stats import usage_summary
from localdiscord import CommandHidden
from tests.e2e.conftest import running_bot

EPHEMERAL = 64
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _buttons(message: dict) -> dict[str, dict]:
    return {c["label"]: c for row in message.get("components", []) for c in row["components"]}


async def test_every_kind_of_use_is_logged(local_discord, tmp_path, shipped_library):
    server = local_discord
    news = server.add_channel(server.guild, "news")
    clock = FakeClock(datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    async with running_bot(
        server, tmp_path / "bluebook.db", library=shipped_library, services_args={"clock": clock}
    ) as h:
        first = await (
            await server.slash("search", {"query": "security", "limit": 3})
        ).final_message()
        await (await server.press_button(first, _buttons(first)["Next ▶"]["custom_id"])).settled()
        await server.autocomplete("section", "ref", "terr")
        server.send_message(server.general, server.member, "what about [[GCAP]]?")
        await server.bot_messages()
        await (
            await server.slash(
                "factoftheday set",
                {"channel": news, "time": "12:30", "timezone": "UTC"},
                user=server.admin,
            )
        ).final_message()
        clock.set(datetime(2026, 3, 7, 12, 30, tzinfo=UTC))
        [event] = await h.bot.fotd.tick(h.bot.get_cog("FotdCog").sender)
        assert event.outcome == "sent"
        await h.services.usage.flush()
        summary = await usage_summary(h.services.db, 1)
        assert summary.by_kind == {
            "slash": 2,
            "button": 1,
            "autocomplete": 1,
            "keyword": 1,
            "fact": 1,
        }
        assert summary.by_command == {"search": 1, "factoftheday set": 1}
        assert ("gcap", 1) in summary.top_queries
        assert ("2025-3", "3.1.1(1)¶4", 1) in summary.top_sections
        kinds = await h.services.db.fetchall(
            "SELECT kind, command FROM usage_events ORDER BY id", ()
        )
        assert [tuple(row) for row in kinds] == [
            ("slash", "search"),
            ("button", "search"),
            ("autocomplete", "section"),
            ("keyword", "lookup"),
            ("slash", "factoftheday set"),
            ("fact", "factoftheday"),
        ]


async def test_stats_sends_the_summary_and_a_png_chart(bluebook):
    server = bluebook.server
    await (await server.slash("search", {"query": "GCAP"})).final_message()
    await (await server.slash("search", {"query": "zxqv blorptangle"})).final_message()
    # An edition the library does not hold is an error reply, not a gap in the content.
    await (await server.slash("search", {"query": "maritime", "edition": 1999})).final_message()
    server.send_message(server.general, server.member, "[[PKO]]")
    await server.bot_messages()
    await bluebook.services.usage.flush()
    answer = await (await server.slash("stats", {"days": 7}, user=server.admin)).final_message()
    assert answer.get("flags", 0) & EPHEMERAL
    [embed] = answer["embeds"]
    assert embed["title"] == "Usage over the last 7 days"
    assert embed["description"].startswith("**4** events")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["By command"] == "search × 3"
    # The events that are no slash command add up to the total too.
    assert fields["Other events"] == "chat lookups × 1"
    assert "zxqv blorptangle × 1" in fields["Queries that found nothing"]
    assert "maritime" not in fields["Queries that found nothing"]
    assert "gcap × 1" in fields["Top queries"] and "pko × 1" in fields["Top queries"]
    [attachment] = answer["attachments"]
    assert attachment["filename"] == "usage.png"
    assert embed["image"]["url"] == "attachment://usage.png"
    stored = server.world.files[int(attachment["id"])]
    assert stored.data.startswith(PNG_SIGNATURE)
    assert len(stored.data) > 1000


async def test_an_edition_not_held_or_a_quote_too_short_is_no_gap_in_the_content(bluebook):
    """/section and chat lookups naming an edition not held, and a /verify quote too short
    to check, are logged refused: "Queries that found nothing" lists only real gaps."""
    server = bluebook.server
    await (await server.slash("section", {"ref": "1999:3.1.1(3)"})).final_message()
    await (await server.slash("verify", {"quote": "the government."})).final_message()
    server.send_message(server.general, server.member, "what about [[1999:3.1.1(3)]]?")
    await server.bot_messages()
    await (await server.slash("section", {"ref": "9.9"})).final_message()  # a real gap
    await bluebook.services.usage.flush()
    answer = await (await server.slash("stats", {"days": 7}, user=server.admin)).final_message()
    fields = {f["name"]: f["value"] for f in answer["embeds"][0]["fields"]}
    gaps = fields["Queries that found nothing"] + fields["References not found"]
    assert fields["References not found"] == "`9.9` × 1"  # a reference, not words
    assert "1999" not in gaps and "government" not in gaps


async def test_stats_needs_manage_server(bluebook):
    server = bluebook.server
    with pytest.raises(CommandHidden, match="Manage Server"):
        await server.slash("stats")
    server.allow_command(server.guild, "stats", server.member)  # an admin's override
    denied = await (await server.slash("stats")).final_message()
    assert denied.get("flags", 0) & EPHEMERAL
    assert "Manage Server" in denied["content"]
    assert not denied.get("attachments") and not denied.get("embeds")


async def test_stats_shows_only_this_servers_usage(bluebook):
    """A server's admins see their own server's queries, never another server's."""
    server = bluebook.server
    other = server.add_guild("Other server")
    other_channel = server.add_channel(other, "general")
    other_admin = server.add_member(other, "other-admin", permissions=0x20)  # Manage Server
    await bluebook.bot.tree.sync()  # the other server sees the global commands
    await (await server.slash("search", {"query": "GCAP"})).final_message()
    asked = await server.slash(
        "search", {"query": "zxqv blorptangle"}, user=other_admin, channel=other_channel
    )
    await asked.final_message()
    await bluebook.services.usage.flush()

    async def stats_in(channel, user) -> dict[str, str]:
        handle = await server.slash("stats", {"days": 7}, user=user, channel=channel)
        [embed] = (await handle.final_message())["embeds"]
        return {"events": embed["description"]} | {f["name"]: f["value"] for f in embed["fields"]}

    here = await stats_in(server.general, server.admin)
    assert here["events"].startswith("**1** events")
    assert "zxqv" not in "\n".join(here.values())
    await bluebook.services.usage.flush()  # /stats just asked here is logged here
    there = await stats_in(other_channel, other_admin)
    assert there["events"].startswith("**1** events")
    assert "zxqv blorptangle × 1" in there["Queries that found nothing"]
    assert "gcap" not in there["Top queries"]


async def test_top_sections_keep_editions_apart_and_every_list_says_what_it_left_out(sample):
    """On the sample library (2026 newest): 2024's 3.1.1(2) and 2026's are two rows, named
    by edition; a list cut at `top` says how many more there are, and `top` shows more."""
    server = sample.server
    for ref in ("3.1.1(2)", "3.1.1(2)", "2024:3.1.1(2)"):
        await (await server.slash("section", {"ref": ref})).final_message()
    for n in range(12):
        await (await server.slash("search", {"query": f"zxqv{n} blorp"})).final_message()
    await (await server.slash("section", {"ref": "3.1.7"})).final_message()
    await sample.services.usage.flush()

    def fields(answer: dict) -> dict[str, str]:
        return {f["name"]: f["value"] for f in answer["embeds"][0]["fields"]}

    answer = await (await server.slash("stats", {"days": 7}, user=server.admin)).final_message()
    shown = fields(answer)
    assert shown["Top sections"] == "`2026:3.1.1(2)` × 2\n`2024:3.1.1(2)` × 1"
    gaps = shown["Queries that found nothing"].splitlines()
    assert len(gaps) == 11 and gaps[-1] == "… and 2 more"
    assert shown["References not found"] == "`3.1.7` × 1"
    assert "/stats top:25" in answer["embeds"][0]["footer"]["text"]

    opts = {"days": 7, "top": 25}
    answer = await (await server.slash("stats", opts, user=server.admin)).final_message()
    gaps = fields(answer)["Queries that found nothing"].splitlines()
    assert len(gaps) == 12 and "more" not in gaps[-1]
