"""Content that would exhaust the checker: refused in one line, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.cli import main
from bot.pack.importer import sources

CONTENT = Path(__file__).resolve().parents[2] / "content"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_self_referencing_yaml_alias_is_one_line(capsys, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(CONTENT, pack, ignore=shutil.ignore_patterns("__*"))
    (pack / "glossary.yaml").write_text(
        "terms:\n  - &loop\n    term: X\n    expansion: Y\n    aliases: *loop\n"
    )
    code, out, err = run(capsys, "--content", pack, "content", "check")
    assert code == 1
    assert err.splitlines() == [
        f"{pack / 'glossary.yaml'}:5: bad YAML: aliases (*loop) are not allowed in content "
        "files; write the value out"
    ]
    assert out.splitlines() == ["1 error(s)"]


def test_html_nested_thousands_deep_is_one_line(capsys, tmp_path):
    page = tmp_path / "c030101.html"
    depth = 2000
    page.write_text(
        "<html><head><title>Diplomatic Bluebook 2025</title></head><body>\n"
        + "<div>\n" * depth
        + "<h2>1 Title</h2><p>Text.</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    code, out, err = run(capsys, "content", "import", page, "--out", tmp_path / "lib")
    assert code == 1 and out == ""
    assert err.startswith(f"{page}:") and "nested more than" in err
    assert len(err.strip().splitlines()) == 1


def test_a_file_far_bigger_than_a_page_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_PAGE_BYTES", 10_000)
    page = tmp_path / "c030101.txt"
    page.write_text("Diplomatic Bluebook 2025\n\n1 Title\n\n" + "Text. " * 5000)
    code, out, err = run(capsys, "content", "import", page, "--out", tmp_path / "lib")
    assert code == 1 and out == ""
    assert err.startswith(f"{page}:1: error:") and "more than a page" in err
