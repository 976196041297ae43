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
