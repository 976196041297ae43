"""A warm start finds an unchanged library by its files' stat, without reading them; any
change to a file, or a file too new to trust its stat, means reading it again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bot.pack import hash_memo, verdict
from bot.pack.hash_memo import MEMO_FILE
from bot.pack.library import load_library, pack_dirs
from bot.pack.verdict import library_hash

# A window short enough to wait out in a test; the real one is two seconds.
WINDOW_NS = 50_000_000


@pytest.fixture
def manifest_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs whose manifest was read to hash them (one entry a pack a hash)."""
    calls: list[str] = []
    real = verdict.read_manifest

    def counting(root):  # type: ignore[no-untyped-def]
        calls.append(Path(root).parent.name)
        return real(root)

    monkeypatch.setattr(verdict, "read_manifest", counting)
    return calls


@pytest.fixture
def short_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hash_memo, "RACY_NS", WINDOW_NS)


def _settled() -> None:
    """Wait until every file written so far is older than the window."""
    time.sleep(2 * WINDOW_NS / 1e9)


def _hash(library: Path, memo: Path | None) -> str | None:
    return library_hash(library, pack_dirs(library), memo)


def test_an_unchanged_library_is_not_read_again(
    library_dir: Path, tmp_path: Path, manifest_reads: list[str], short_window: None
) -> None:
    memo = tmp_path / "data" / "index"
    _settled()
    first = _hash(library_dir, memo)
    assert len(manifest_reads) == 2
    assert (memo / MEMO_FILE).is_file()
    assert memo.stat().st_mode & 0o777 == memo.parent.stat().st_mode & 0o777 == 0o700
    again = _hash(library_dir, memo)
    assert len(manifest_reads) == 2, "an unchanged library was read again"
    assert again == first == _hash(library_dir, None)


def test_an_edit_that_keeps_the_size_and_the_time_is_still_found(
    library_dir: Path, tmp_path: Path, manifest_reads: list[str], short_window: None
) -> None:
    memo = tmp_path / "index"
    memo.mkdir()
    _settled()
    before = _hash(library_dir, memo)
    text = library_dir / "2030" / "chapter3" / "chapter.txt"
    old = text.stat()
    body = text.read_bytes()
    edited = body.replace(b"Japan", b"Jaqan", 1)
    assert edited != body and len(edited) == len(body)
    time.sleep(0.02)  # the change time moves on (file times tick every few milliseconds)
    text.write_bytes(edited)
    os.utime(text, ns=(old.st_atime_ns, old.st_mtime_ns))  # as a careful copy would
    after = _hash(library_dir, memo)
    assert after != before, "an edited file was taken as unchanged"
    assert after == _hash(library_dir, None)


def test_a_file_too_new_to_trust_is_read_again(
    library_dir: Path, tmp_path: Path, manifest_reads: list[str]
) -> None:
    """With the real two-second window: files just written are read at every hash."""
    memo = tmp_path / "index"
    memo.mkdir()
    _hash(library_dir, memo)
    _hash(library_dir, memo)
    assert len(manifest_reads) == 4


def test_a_file_that_appears_is_read(
    library_dir: Path, tmp_path: Path, manifest_reads: list[str], short_window: None
) -> None:
    facts = library_dir / "2031" / "chapter3" / "facts.yaml"
    kept = facts.read_bytes()
    facts.unlink()  # a fresh import has no facts
    memo = tmp_path / "index"
    memo.mkdir()
    _settled()
    without = _hash(library_dir, memo)
    assert _hash(library_dir, memo) == without
    assert len(manifest_reads) == 2
    facts.write_bytes(kept)
    assert _hash(library_dir, memo) not in (None, without)
    assert _hash(library_dir, memo) == _hash(library_dir, None)


def test_a_broken_memo_only_costs_the_reading(
    library_dir: Path, tmp_path: Path, manifest_reads: list[str], short_window: None
) -> None:
    memo = tmp_path / "index"
    memo.mkdir()
    _settled()
    want = _hash(library_dir, None)
    for junk in ("{not json", '{"version": 1, "packs": []}', '{"version": 1, "packs": {"x": 1}}'):
        (memo / MEMO_FILE).write_text(junk, encoding="utf-8")
        assert _hash(library_dir, memo) == want
    entry = {"hash": "forged", "hashed_ns": "soon", "files": [["manifest.yaml", None]]}
    forged = {"version": 1, "packs": {str(library_dir / "2030" / "chapter3"): entry}}
    (memo / MEMO_FILE).write_text(json.dumps(forged), encoding="utf-8")
    assert _hash(library_dir, memo) == want
    for pack in ("2030", "2031"):
        forged["packs"][str(library_dir / pack / "chapter3")] = {
            "hash": "forged",
            "hashed_ns": 0,
            "files": [],
        }
    (memo / MEMO_FILE).write_text(json.dumps(forged), encoding="utf-8")
    assert _hash(library_dir, memo) == want


def test_a_warm_start_serves_the_edited_text(
    library_dir: Path, tmp_path: Path, short_window: None
) -> None:
    """Through the kept library: an edit made after a warm start is served at the next."""
    cache = tmp_path / "index"
    _settled()
    load_library(library_dir, kept_in=cache)
    assert (cache / MEMO_FILE).is_file()
    text = library_dir / "2030" / "chapter3" / "chapter.txt"
    old = text.stat()
    body = text.read_text(encoding="utf-8")
    # A word of the last paragraph changed for another as long.
    at = body.rindex("Japan")
    edited = body[:at] + "Zebra" + body[at + 5 :]
    time.sleep(0.02)
    text.write_text(edited, encoding="utf-8")
    os.utime(text, ns=(old.st_atime_ns, old.st_mtime_ns))
    fresh = load_library(library_dir, kept_in=cache)
    assert any("Zebra" in p.text for p in fresh.packs["2030-3"].paragraphs.values()), (
        "an edited library was served from what was kept"
    )
