"""A warm start reads the parsed library kept beside the index cache, and only while it is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.pack import loader
from bot.pack.compare import text_key
from bot.pack.library import check_library, load_library
from bot.pack.loader import ContentError
from bot.served import ServedLibrary


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs parsed from their files (one entry a pack a load)."""
    calls: list[str] = []
    real = loader.build_pack

    def counting(where, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(Path(where).parent.name)
        return real(where, **kwargs)

    monkeypatch.setattr("bot.pack.library.build_pack", counting)
    return calls


def _texts(library) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return {
        key: [(p.ref, p.text) for p in pack.paragraphs.values()]
        for key, pack in library.packs.items()
    }


def test_an_unchanged_library_is_read_back_not_parsed(
    library_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "index"
    check_library(library_dir)
    parses.clear()
    first = load_library(library_dir, kept_in=cache)
    assert len(parses) == 2
    again = load_library(library_dir, kept_in=cache)
    assert len(parses) == 2, "an unchanged library was parsed again"
    assert _texts(again) == _texts(first)
    assert list(again.packs) == list(first.packs)
    assert again.root == library_dir
    # Every paragraph's text key comes back with it, as the library search would make it.
    texts = {p.text for pack in first.packs.values() for p in pack.paragraphs.values()}
    assert again.text_keys == {text: text_key(text) for text in texts}
    # The library served from it answers as the parsed one does.
    served = ServedLibrary.load(library_dir, index_cache=cache)
    parsed = ServedLibrary.load(library_dir)
    for query in ("GCAP", "ballistic missile launches", "Japan-China summit"):
        got = served.search(query, pack_key=served.newest_key)
        want = parsed.search(query, pack_key=parsed.newest_key)
        assert [(r.pack_key, r.result.ref, r.result.excerpt) for r in got.results] == [
            (r.pack_key, r.result.ref, r.result.excerpt) for r in want.results
        ]


def test_a_changed_file_is_parsed_again(
    library_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "index"
    load_library(library_dir, kept_in=cache)
    text = library_dir / "2030" / "chapter3" / "chapter.txt"
    body = text.read_text(encoding="utf-8")
    marker = "Zebra quartz exchange paragraph added after the library was kept."
    text.write_text(body + "\n" + marker + "\n", encoding="utf-8")
    parses.clear()
    fresh = load_library(library_dir, kept_in=cache)
    assert len(parses) == 2, "a changed library was served from what was kept"
    assert any(marker in p.text for p in fresh.packs["2030-3"].paragraphs.values())


def test_a_library_with_errors_is_never_kept(
    library_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "index"
    facts = library_dir / "2030" / "chapter3" / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "quote: a total of 137 times", "quote: a total of 999 times"
        ),
        encoding="utf-8",
    )
    for _ in range(2):
        with pytest.raises(ContentError):
            load_library(library_dir, kept_in=cache)
    assert not list(cache.glob("*.lib"))


def test_a_broken_kept_file_is_parsed_again(
    library_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "index"
    load_library(library_dir, kept_in=cache)
    (kept,) = cache.glob("*.lib")
    kept.write_bytes(b"not a pickle")
    parses.clear()
    library = load_library(library_dir, kept_in=cache)
    assert len(parses) == 2
    assert "2030-3" in library.packs
    parses.clear()
    load_library(library_dir, kept_in=cache)
    assert parses == [], "the broken file was not replaced"


def test_a_cache_folder_that_cannot_be_made_only_costs_the_parse(
    library_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for _ in range(2):
        assert "2030-3" in load_library(library_dir, kept_in=blocker / "index").packs
    assert len(parses) == 4
