"""The sample library loads, passes `content check`, and holds what its docstring promises."""

from __future__ import annotations

from bot.cli import main
from bot.pack.library import check_library
from tests.samples import EDITIONS, LIBRARY


def test_the_sample_library_passes_content_check(capsys):
    assert main(["--content", str(LIBRARY), "content", "check"]) == 0
    assert "error" not in capsys.readouterr().err


def test_three_editions_two_sections_and_a_page_one_edition_lacks():
    library, problems = check_library(LIBRARY)
    assert library is not None and not [p for p in problems if not p.warning]
    assert tuple(library.editions()) == EDITIONS
    pages = {
        pack.manifest.edition_year: [p.id for p in pack.manifest.pages]
        for pack in library.packs.values()
    }
    assert pages[2024] == pages[2026] == ["c030101", "c030102", "c030103", "c030201", "c030202"]
    assert pages[2025] == ["c030101", "c030102", "c030201", "c030202"]
    facts = {p.manifest.edition_year: len(p.facts) for p in library.packs.values()}
    assert facts[2026] == 0 and facts[2024] and facts[2025]
    long = [p for p in library.packs["2024-3"].paragraphs.values() if len(p.text) >= 300]
    assert len(long) >= 4
