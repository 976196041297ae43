"""Reloading a library: a broken pack anywhere keeps the whole old library serving."""

from __future__ import annotations

from bot.served import LibraryInService, ServedLibrary

HEADLINE = "Japan will review the progress of the Strategy every year"


async def test_reload_switches_every_pack_or_none(library_dir):
    holder = LibraryInService(ServedLibrary.load(library_dir))
    before = holder.current
    facts = library_dir / "2031/chapter3/facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace(f"headline: {HEADLINE}", f"headline: {HEADLINE} (new)"))
    broken = library_dir / "2030/chapter3/glossary.yaml"
    good = broken.read_text(encoding="utf-8")
    broken.write_text(good + "  - term: [\n", encoding="utf-8")

    problems = (await holder.reload()).problems
    assert problems and all(str(broken) == p.file for p in problems)
    assert holder.current is before  # the edited 2031 pack did not go live on its own

    broken.write_text(good, encoding="utf-8")
    assert (await holder.reload()).problems == []
    headline = holder.current.pack("2031-3").pack.fact_by_id["strategy-review"].headline
    assert headline == HEADLINE + " (new)"
    assert list(holder.current.packs) == ["2031-3", "2030-3"]


class _Chosen:
    """EditionSettings with fixed choices: server -> edition."""

    def __init__(self, chosen: dict[int, int]) -> None:
        self.chosen = chosen

    async def get(self, guild_id: int | None) -> int | None:
        return self.chosen.get(guild_id or 0)

    async def servers_choosing(self, editions) -> list[int]:
        return sorted(g for g, year in self.chosen.items() if year in editions)


async def test_reload_names_the_editions_read_without_facts_and_where_theirs_come_from(
    sample_library,
):
    """The sample's 2026 (the newest) has no facts: its readers draw 2025's. An older edition
    without facts is named only when a server chose it."""
    (sample_library / "2024/chapter3/facts.yaml").write_text("facts: []\n", encoding="utf-8")
    library = ServedLibrary.load(sample_library)
    assert library.facts_key("2026-3") == "2025-3" and library.facts_key("2025-3") == "2025-3"
    assert library.facts_fallback("2026-3") == (2026, 2025)
    assert library.facts_fallback("2024-3") == (2024, 2025)
    assert library.facts_fallback("2025-3") is None
    assert {s.year for s, _ in library.facts("2026-3")} == {2025}

    holder = LibraryInService(library, editions=_Chosen({7: 2025}))  # type: ignore[arg-type]
    assert (await holder.reload()).factless == ((2026, 2025),)
    holder.editions = _Chosen({7: 2024})  # type: ignore[assignment]
    assert (await holder.reload()).factless == ((2026, 2025), (2024, 2025))

    (sample_library / "2025/chapter3/facts.yaml").write_text("facts: []\n", encoding="utf-8")
    assert (await holder.reload()).factless == ((2026, None), (2024, None))
