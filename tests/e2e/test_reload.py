"""Content reload: a good pack switches, a broken one keeps the old content serving."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.served import LibraryInService, ServedLibrary
from tests.e2e.conftest import running_bot
from tests.samples import LIBRARY as SAMPLE_LIBRARY

ROOT = Path(__file__).resolve().parents[2]
EPHEMERAL = 64
OLD_HEADLINE = "Russia began its aggression against Ukraine in February 2022"
NEW_HEADLINE = "Russia's aggression against Ukraine began in February 2022 (revised)"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "content", pack, ignore=shutil.ignore_patterns("__*"))
    return pack


def edit_fact(pack: Path) -> None:
    facts = pack / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert text.count(OLD_HEADLINE) == 1
    facts.write_text(text.replace(OLD_HEADLINE, NEW_HEADLINE), encoding="utf-8")


def break_pack(pack: Path) -> list[str]:
    """Two independent errors in two files; returns the files that must be named."""
    with (pack / "facts.yaml").open("a", encoding="utf-8") as f:
        f.write("  broken: [unclosed\n")
    with (pack / "glossary.yaml").open("a", encoding="utf-8") as f:
        f.write("  - term: [\n")
    return [str(pack / "facts.yaml"), str(pack / "glossary.yaml")]


def headline(holder: LibraryInService) -> str:
    return holder.current.newest.pack.fact_by_id["russia-ukraine-2022"].headline


async def test_reload_with_a_good_pack_switches_content(pack_dir):
    holder = LibraryInService(ServedLibrary.load(pack_dir))
    assert headline(holder) == OLD_HEADLINE
    edit_fact(pack_dir)
    assert (await holder.reload()).problems == []
    assert headline(holder) == NEW_HEADLINE
    assert holder.current.directory == pack_dir


async def test_reload_with_a_broken_pack_keeps_the_old_content(pack_dir):
    holder = LibraryInService(ServedLibrary.load(pack_dir))
    before = holder.current
    edit_fact(pack_dir)
    files = break_pack(pack_dir)
    problems = (await holder.reload()).problems
    assert holder.current is before
    assert headline(holder) == OLD_HEADLINE
    assert {p.file for p in problems} == set(files)
    assert all(p.line > 0 and not p.warning for p in problems)
    # Still serving: the old engine answers.
    assert holder.current.newest.engine.search("GCAP", limit=1).results


async def test_reload_from_another_directory(pack_dir, shipped_library):
    holder = LibraryInService(shipped_library)
    edit_fact(pack_dir)
    assert (await holder.reload(pack_dir)).problems == []
    assert headline(holder) == NEW_HEADLINE
    assert holder.current.directory == pack_dir


async def _reload(server, user) -> dict:
    handle = await server.slash("reload", user=user)
    return await handle.final_message()


async def test_owner_reload_through_discord(local_discord, tmp_path, pack_dir):
    server = local_discord
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(pack_dir)) as h:
        owner = server.world.owner
        assert owner.id in h.bot.owner_ids

        files = break_pack(pack_dir)
        refused = await _reload(server, owner)
        assert refused.get("flags", 0) & EPHEMERAL
        assert "Reload refused" in refused["content"]
        for file in files:
            assert f"{file}:" in refused["content"]
        # The old content still answers.
        search = await (await server.slash("search", {"query": "GCAP"})).final_message()
        assert "3.1.1(1)¶4" in json.dumps(search["embeds"], ensure_ascii=False)
        old = await (await server.slash("fact", {"topic": "Ukraine"})).final_message()
        assert old["embeds"][0]["title"] == OLD_HEADLINE

        shutil.rmtree(pack_dir)
        shutil.copytree(ROOT / "content", pack_dir, ignore=shutil.ignore_patterns("__*"))
        edit_fact(pack_dir)
        done = await _reload(server, owner)
        assert done["content"].startswith("Reloaded:")
        new = await (await server.slash("fact", {"topic": "Ukraine"})).final_message()
        assert new["embeds"][0]["title"] == NEW_HEADLINE


async def test_reload_refused_for_non_owners(bluebook):
    server = bluebook.server
    before = bluebook.services.library.current
    server.allow_command(server.guild, "reload", server.member)  # an admin's override
    for user in (server.admin, server.member):
        answer = await _reload(server, user)
        assert answer.get("flags", 0) & EPHEMERAL
        assert "Only the bot's owners" in answer["content"]
    assert bluebook.services.library.current is before


async def test_settings_name_a_chosen_edition_the_reload_took_away(local_discord, tmp_path):
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)):

        async def settings(options: dict) -> str:
            handle = await server.slash("settings edition", options, user=server.admin)
            return (await handle.final_message())["content"]

        assert (await settings({"year": 2024})).startswith("This server now reads edition 2024")
        assert (
            await settings({})
            == "This server reads the 2024 edition. Editions held: 2026, 2025, 2024."
        )
        shutil.rmtree(library / "2024")
        assert (await _reload(server, server.world.owner))["content"].startswith("Reloaded:")
        toc = await (await server.slash("toc")).final_message()
        assert toc["embeds"][0]["title"].startswith("Diplomatic Bluebook 2026")
        assert await settings({}) == (
            "This server chose edition 2024, which is no longer held: it reads the newest "
            "edition (2026) until you choose another. Editions held: 2026, 2025."
        )


def _custom_ids(message: dict, *, enabled: bool = False) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components", [])
        for c in row["components"]
        if not (enabled and c.get("disabled"))
    ]


async def test_buttons_of_an_edition_the_reload_took_away_name_it(local_discord, tmp_path):
    """After a reload drops 2024, its search, section and /compare buttons say that edition is
    no longer held and what to run instead, not that they expired."""
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)):

        async def ask(name: str, options: dict) -> dict:
            return await (await server.slash(name, options)).final_message()

        shown = {
            "/search": await ask("search", {"query": "joint exercises", "edition": 2024}),
            # Its next-section button opens 3.1.1(2).
            "/section 3.1.1(2)": await ask("section", {"ref": "2024:3.1.1(1)"}),
            "/compare": await ask("compare", {"ref": "3", "from": 2024, "to": 2026}),
        }
        shutil.rmtree(library / "2024")
        assert (await _reload(server, server.world.owner))["content"].startswith("Reloaded:")
        for again, message in shown.items():
            ids = _custom_ids(message)
            assert ids and all("2024-3" in cid for cid in ids), ids
            following = _custom_ids(message, enabled=True)[-1]  # the next result, page, section
            answer = await (await server.press_button(message, following)).final_message()
            assert answer.get("flags", 0) & EPHEMERAL
            assert answer["content"] == (
                "Edition 2024 is no longer held here, so this button cannot open it.\n"
                f"Run `{again}` again to read the editions still held: 2026, 2025."
            )


async def test_reload_counts_the_servers_whose_chosen_edition_it_took_away(local_discord, tmp_path):
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)) as h:
        handle = await server.slash("settings edition", {"year": 2024}, user=server.admin)
        assert (await handle.final_message())["content"].startswith(
            "This server now reads edition 2024"
        )
        # Two other servers' choices (as their /settings edition stores them): 2024 and 2025.
        others = [server.add_guild("Secret Club"), server.add_guild("Other Server")]
        await h.services.editions.set(others[0].id, 2024)
        await h.services.editions.set(others[1].id, 2025)

        shutil.rmtree(library / "2024")
        done = (await _reload(server, server.world.owner))["content"]
        assert done.startswith("Reloaded:")
        assert done.splitlines()[1:] == [
            "⚠ This server and 1 other chose edition 2024, which is no longer held: they now "
            "read the newest edition (2026) until another is chosen with `/settings edition`.",
            # The sample's 2026 has no facts (tests/samples): said on every reload.
            "⚠ 2026 has no facts yet: /fact and the fact of the day use 2025's.",
        ]
        for other in others:
            assert other.name not in done and str(other.id) not in done

        # A reload that takes nothing away says nothing of it.
        again = (await _reload(server, server.world.owner))["content"]
        assert again.startswith("Reloaded:") and "no longer held" not in again


async def test_reload_names_a_missing_or_emptied_pack_folder_and_counts_in_words(
    local_discord, tmp_path
):
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)):
        emptied = library / "2024" / "chapter3"
        shutil.rmtree(emptied)
        emptied.mkdir()
        refused = (await _reload(server, server.world.owner))["content"]
        assert refused == (
            "Reload refused; the old content keeps serving. 1 problem:\n"
            f"```\n{emptied}: pack folder is empty\n```"
        )
        shutil.rmtree(library)
        gone = (await _reload(server, server.world.owner))["content"]
        assert f"1 problem:\n```\n{library}: folder does not exist\n```" in gone
        library.mkdir()
        empty = (await _reload(server, server.world.owner))["content"]
        assert f"\n{library}: holds no pack: expected manifest.yaml or " in empty
        assert "manifest.yaml:1" not in refused + gone + empty


async def test_reload_names_a_missing_page_its_manifest_entry_and_the_fix(local_discord, tmp_path):
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)):
        (library / "2024" / "chapter3" / "pages" / "c030202.txt").unlink()
        refused = (await _reload(server, server.world.owner))["content"]
        manifest = library / "2024" / "chapter3" / "manifest.yaml"
        assert refused.startswith("Reload refused; the old content keeps serving. 1 problem:")
        assert f"{manifest}:" in refused and "page c030202 is listed here but its file " in refused
        assert f"--edition 2024 --chapter 3 --pages c030202 --out {library}" in refused
        assert "Errno" not in refused
        # The old content still answers, 2024 included.
        old = await (await server.slash("section", {"ref": "2024:3.2.2(1)"})).final_message()
        assert "Diplomatic Bluebook 2024" in old["embeds"][0]["footer"]["text"]


TEXT_CHANGED = "The Bluebook text has changed since this search; run `/search` again."


async def test_search_buttons_after_a_reload_changed_the_text_say_so(local_discord, tmp_path):
    """A search's buttons page through the results of the text the message was made from. A
    reload that changes the text makes them say so, privately, rather than show results of
    the new text in the old message; a reload that leaves the text alone (a fact edited)
    keeps them working. Short queries (in the id) and long ones (kept in storage) alike."""
    server = local_discord
    library = tmp_path / "library"
    shutil.copytree(SAMPLE_LIBRARY, library, ignore=shutil.ignore_patterns("__*"))
    page = library / "2026" / "chapter3" / "pages" / "c030101.txt"
    long_query = "coast guard patrol vessels for partners in Southeast Asia and the Pacific"
    async with running_bot(server, tmp_path / "b.db", library=ServedLibrary.load(library)):

        async def search(query: str) -> dict:
            return await (await server.slash("search", {"query": query})).final_message()

        async def next_result(message: dict) -> dict:
            [following] = [
                c["custom_id"]
                for row in message["components"]
                for c in row["components"]
                if c.get("label") == "Next ▶"
            ]
            return await (await server.press_button(message, following)).final_message()

        short, long = await search("coast guard"), await search(long_query)
        assert "~" in _custom_ids(long)[0] and "~" not in _custom_ids(short)[0]
        facts = library / "2026" / "chapter3" / "facts.yaml"
        facts.write_text(facts.read_text("utf-8") + "\n# reviewed\n", "utf-8")
        assert (await _reload(server, server.world.owner))["content"].startswith("Reloaded:")
        for message in (short, long):
            same = await next_result(message)
            assert "result 2 of" in same["embeds"][0]["footer"]["text"]

        text = page.read_text("utf-8")
        assert text.count("3 more patrol vessels") == 1
        page.write_text(text.replace("3 more patrol vessels", "5 more patrol vessels"), "utf-8")
        assert (await _reload(server, server.world.owner))["content"].startswith("Reloaded:")
        for message in (short, long):
            answer = await next_result(message)
            assert answer.get("flags", 0) & EPHEMERAL
            assert answer["content"] == TEXT_CHANGED
            assert not answer.get("embeds")
        # A new search's buttons read the new text.
        fresh = await next_result(await search("coast guard"))
        assert "result 2 of" in fresh["embeds"][0]["footer"]["text"]
