"""Start-up reads the library's verdict instead of checking again, and only while it is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pack import library as library_module
from bot.pack.library import check_library, load_library, pack_dirs
from bot.pack.loader import ContentError
from bot.pack.verdict import VERDICT_FILE, library_hash, write_verdict
from bot.served import ServedLibrary


@pytest.fixture
def term_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the library's terms were checked against its text (one entry a run)."""
    calls: list[int] = []
    real = library_module.check_terms

    def counting(packs):  # type: ignore[no-untyped-def]
        calls.append(len(packs))
        return real(packs)

    monkeypatch.setattr(library_module, "check_terms", counting)
    return calls


def _glossary(library_dir: Path) -> Path:
    return next(library_dir.glob("*/chapter*/glossary.yaml"))


def test_startup_skips_the_checks_of_an_unchanged_library(
    library_dir: Path, term_checks: list[int]
) -> None:
    _, checked = check_library(library_dir)  # as `content check` does after an import
    assert term_checks == [2]
    assert (library_dir / VERDICT_FILE).is_file()
    ServedLibrary.load(library_dir)
    ServedLibrary.load(library_dir)
    assert term_checks == [2], "start-up checked the terms of an unchanged library again"
    # The warnings are the verdict's, the same as the full check's.
    _, trusted = check_library(library_dir, trust_verdict=True)
    assert sorted(map(str, trusted)) == sorted(map(str, checked))


def test_a_changed_file_is_checked_again(library_dir: Path, term_checks: list[int]) -> None:
    check_library(library_dir)
    text = library_dir / "2030" / "chapter3" / "chapter.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_library(library_dir)
    assert term_checks == [2, 2], "a changed pack was served on the old verdict"
    load_library(library_dir)
    assert term_checks == [2, 2]


def test_a_new_unused_term_is_warned_about_after_the_change(library_dir: Path) -> None:
    check_library(library_dir)
    glossary = _glossary(library_dir)
    body = glossary.read_text(encoding="utf-8")
    assert "terms:\n" in body
    glossary.write_text(
        body.replace(
            "terms:\n",
            "terms:\n  - term: ZZQX\n    expansion: Zebra Quartz Exchange\n    ref: '3.1.1'\n",
            1,
        ),
        encoding="utf-8",
    )
    _, problems = check_library(library_dir, trust_verdict=True)
    assert any("'ZZQX'" in p.message and p.warning for p in problems)


def test_a_verdict_never_lets_an_error_through(library_dir: Path) -> None:
    """A verdict holds warnings only: a pack made unsafe after its check (a manifest naming a
    file outside the pack) is refused, and so is one whose verdict file was forged."""
    check_library(library_dir)
    manifest = next(library_dir.glob("*/chapter*/manifest.yaml"))
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "glossary: ../../../../etc/passwd\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as refused:
        load_library(library_dir)
    assert any("inside the pack" in p.message for p in refused.value.problems)


def test_a_forged_verdict_never_hides_an_error(library_dir: Path) -> None:
    """A verdict written by hand, with the right hash, for a pack whose fact is not verbatim:
    the error is found all the same (errors are never read from a verdict)."""
    facts = library_dir / "2030" / "chapter3" / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "quote: a total of 137 times", "quote: a total of 999 times"
        ),
        encoding="utf-8",
    )
    digest = library_hash(library_dir, pack_dirs(library_dir))
    assert digest is not None
    write_verdict(library_dir, digest, [])
    with pytest.raises(ContentError) as refused:
        load_library(library_dir)
    assert any("not verbatim" in p.message for p in refused.value.problems)


def test_a_broken_verdict_file_means_a_full_check(
    library_dir: Path, term_checks: list[int]
) -> None:
    (library_dir / VERDICT_FILE).write_text("{not json", encoding="utf-8")
    load_library(library_dir)
    assert term_checks == [2]
    load_library(library_dir)
    assert term_checks == [2]


def test_the_first_start_after_an_import_reads_the_imports_verdict(
    tmp_path: Path, term_checks: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    samples = Path(__file__).resolve().parents[1] / "pack" / "samples"
    out = tmp_path / "library"
    pages = [samples / "c040205.txt", samples / "c040207.txt"]
    assert main(["content", "import", *map(str, pages), "--out", str(out)]) == 0
    assert (out / VERDICT_FILE).is_file()
    checked = len(term_checks)
    library = load_library(out)
    assert "2030-4" in library.packs
    assert len(term_checks) == checked, "the first start after an import checked it again"
