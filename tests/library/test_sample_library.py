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


def test_the_fixture_copy_can_be_changed_and_the_manifest_says_which_pages_are_held(
    sample_library,
):
    from bot.pack.compare import compare
    from bot.pack.library import load_library

    manifest = sample_library / "2026" / "chapter3" / "manifest.yaml"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "id: c030202" in line)
    manifest.write_text("".join(lines[:start] + lines[start + 3 :]), encoding="utf-8")
    (sample_library / "2026" / "chapter3" / "pages" / "c030202.txt").unlink()
    library = load_library(sample_library)
    old, new = library.packs["2025-3"], library.packs["2026-3"]
    found = compare("2025-3", old, "2026-3", new, "3.2.2(2)")
    assert found is not None and found.status == "not held"
    assert [(n.page, n.edition) for n in found.not_held] == [("c030202", 2026)]
    assert load_library(LIBRARY).packs["2026-3"].manifest.pages[-1].id == "c030202"
