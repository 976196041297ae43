"""A pack's manifest can only name files inside the pack: no absolute path, no `..`, no link out."""

import os
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.loader import ContentError, check_pack, load_pack

CONTENT = Path(__file__).resolve().parents[2] / "content"
SECRET = "DISCORD_TOKEN=never-quote-this-secret"


@pytest.fixture
def pack_dir(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    # A file beside the pack, written like a page so the parser would happily serve it.
    (tmp_path / "secret.txt").write_text(
        "Chapter 3 Secrets\n\nSection 1 Leak\n\n1 Token\n\n" + SECRET + "\n", encoding="utf-8"
    )
    return target


def _point_text_at(pack: Path, name: str) -> None:
    manifest = pack / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("text: chapter.txt", f"text: {name}"), encoding="utf-8")


def _pages_entry(pack: Path, name: str) -> None:
    with (pack / "manifest.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "pages:\n"
            "  - id: c030101\n"
            f"    file: {name}\n"
            "    source_url: https://www.mofa.go.jp/policy/other/bluebook/2025/en_html/"
            "chapter3/c030101.html\n"
        )


def _refused(pack: Path) -> list[str]:
    loaded, problems = check_pack(pack)
    errors = [str(p) for p in problems if not p.warning]
    assert loaded is None, "a pack naming a file outside itself was loaded"
    with pytest.raises(ContentError):
        load_pack(pack)
    return errors


@pytest.mark.parametrize("name", ["../secret.txt", "pages/../../secret.txt"])
def test_a_text_that_climbs_out_is_refused(pack_dir, name):
    _point_text_at(pack_dir, name)
    errors = _refused(pack_dir)
    assert any("'text' must name a file inside the pack" in e for e in errors), errors


def test_an_absolute_page_file_is_refused(pack_dir, tmp_path):
    _pages_entry(pack_dir, str(tmp_path / "secret.txt"))
    errors = _refused(pack_dir)
    assert any("'file' must name a file inside the pack" in e for e in errors), errors


def test_proc_environ_is_refused(pack_dir):
    _pages_entry(pack_dir, "/proc/self/environ")
    assert any("inside the pack" in e for e in _refused(pack_dir))


def test_a_symlink_out_of_the_pack_is_refused(pack_dir, tmp_path):
    os.symlink(tmp_path / "secret.txt", pack_dir / "linked.txt")
    _point_text_at(pack_dir, "linked.txt")
    assert any("inside the pack" in e for e in _refused(pack_dir))


@pytest.mark.parametrize("key", ["facts", "glossary"])
def test_facts_and_glossary_must_be_inside_too(pack_dir, key):
    manifest = pack_dir / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace(f"{key}: {key}.yaml", f"{key}: /etc/hostname"), encoding="utf-8"
    )
    assert any(f"'{key}' must name a file inside the pack" in e for e in _refused(pack_dir))


def test_a_file_in_a_subfolder_is_fine(pack_dir):
    (pack_dir / "pages").mkdir()
    shutil.move(pack_dir / "chapter.txt", pack_dir / "pages" / "chapter.txt")
    _point_text_at(pack_dir, "pages/chapter.txt")
    loaded, problems = check_pack(pack_dir)
    assert loaded is not None, [str(p) for p in problems]


def test_content_check_says_so_in_one_line_and_fails(pack_dir, capsys):
    _pages_entry(pack_dir, "/proc/self/environ")
    code = main(["--content", str(pack_dir), "content", "check"])
    out = capsys.readouterr()
    assert code != 0
    assert "inside the pack" in out.out + out.err
    assert SECRET not in out.out + out.err
    assert "Traceback" not in out.out + out.err
