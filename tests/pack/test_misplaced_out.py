"""`--out` naming an edition or chapter folder of a library is refused, naming the library's
root (else pages land in `LIB/2025/2025/chapter3`, which nothing reads), and `content check`
names the folders of a library it does not read. Sample text written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.library import check_library
from bot.pack.strays import RAW_DIR

PAGE = "Diplomatic Bluebook 2030\n\nChapter 3\n\nSection 1 Sample Section\n\n{n} Part {n}\n\nText {n}.\n"


def _page(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"c03010{n}.txt"
    path.write_text(PAGE.format(n=n), encoding="utf-8")
    return path


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path, capsys) -> Path:
    root = tmp_path / "lib"
    code, _, err = _run(capsys, "content", "import", _page(tmp_path / "in", 1), "--out", root)
    assert code == 0, err
    return root


@pytest.mark.parametrize(
    ("inside", "kind"),
    [("2030", "an edition"), ("2031", "an edition"), ("2030/chapter4", "a chapter")],
)
def test_out_inside_a_library_is_refused_naming_its_root(capsys, tmp_path, lib, inside, kind):
    out = lib / inside
    code, _, err = _run(capsys, "content", "import", _page(tmp_path / "in", 2), "--out", out)
    assert code != 0
    assert err.strip().splitlines() == [
        f"error: --out {out} is {kind} folder of the library {lib}; use --out {lib}: each page "
        f"is filed into {lib}/<edition>/chapter<N>/"
    ]
    assert not list(lib.glob("*/*/2030")) and not (lib / "2031").exists()
    assert not (lib / "2030" / "chapter4").exists()


def test_fetch_into_an_edition_folder_is_refused_before_fetching(capsys, lib):
    code, _, err = _run(
        capsys,
        "content",
        "fetch",
        "--edition",
        "2030",
        "--chapter",
        "3",
        "--out",
        lib / "2030",
        "--site",
        "http://127.0.0.1:9/",
    )
    assert code == 2 and f"use --out {lib}" in err
    assert not (lib / "2030" / RAW_DIR).exists()


def test_a_pack_or_a_new_library_named_like_an_edition_is_still_taken(capsys, tmp_path, lib):
    code, _, err = _run(
        capsys, "content", "import", _page(tmp_path / "in", 2), "--out", lib / "2030" / "chapter3"
    )
    assert code == 0, err
    fresh = tmp_path / "elsewhere" / "2030"
    code, _, err = _run(capsys, "content", "import", _page(tmp_path / "in", 3), "--out", fresh)
    assert code == 0, err
    assert (fresh / "2030" / "chapter3" / "manifest.yaml").is_file()


def test_check_names_the_folders_a_library_does_not_read(capsys, lib):
    (lib / "2030" / "2030" / "chapter3").mkdir(parents=True)
    (lib / "notes").mkdir()
    (lib / RAW_DIR / "2030").mkdir(parents=True)
    code, out, err = _run(capsys, "--content", lib, "content", "check", "--verbose")
    assert code == 0
    said = out + err
    assert f"{lib / '2030' / '2030'}: warning: folder not read" in said
    assert f"{lib / 'notes'}: warning: folder not read" in said
    assert f"{lib / RAW_DIR}:" not in said
    assert f"import them again with --out {lib}" in said


def test_a_stray_folder_is_named_once_also_when_the_verdict_is_read(lib):
    (lib / "2030" / "2030").mkdir()
    _, full = check_library(lib)
    _, trusted = check_library(lib, trust_verdict=True)
    strays_said = [str(p) for p in trusted if "folder not read" in p.message]
    assert strays_said == [str(p) for p in full if "folder not read" in p.message]
    assert len(strays_said) == 1
