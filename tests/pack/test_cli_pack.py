"""The pack commands of `bluebook-bot`, called through main()."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.replies.test_toc import indents, lettered_content

from .test_parser import DEEP


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_toc_text_shows_the_outline(capsys):
    code, out, _ = run(capsys, "toc")
    assert code == 0
    lines = out.splitlines()
    assert "Chapter 3" in lines[0]
    assert "Section 1 Efforts" in lines[1]
    assert "1 National Security Initiatives" in lines[2]
    assert ["(1)" in lines[3], "(2)" in lines[4], "(3)" in lines[5]] == [True, True, True]


def test_toc_json_shape(capsys):
    _, out, _ = run(capsys, "toc", "--json")
    data = json.loads(out)
    chapter = data[0]
    assert set(chapter) == {"ref", "title", "level", "children"}
    leaves = chapter["children"][0]["children"][0]["children"]
    assert [leaf["ref"] for leaf in leaves] == ["3.1.1(1)", "3.1.1(2)", "3.1.1(3)"]


def test_section_json_shape(capsys):
    code, out, _ = run(capsys, "section", "§3.1.1(3)", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["ref"] == "3.1.1(3)"
    assert data["title"] == "Territorial Integrity"
    assert data["path"][-1] == "Territorial Integrity"
    assert data["paragraphs"][0]["ref"] == "3.1.1(3)¶1"
    assert data["source_url"].startswith("https://www.mofa.go.jp/")


def test_bad_reference_is_one_line_with_closest(capsys):
    code, out, err = run(capsys, "section", "3.1.1(4)")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "closest:" in err and "3.1.1(3)" in err


def test_fact_by_id_and_all(capsys):
    code, out, _ = run(capsys, "fact", "escorts-137-times", "--json")
    assert code == 0
    fact = json.loads(out)
    assert set(fact) == {"id", "headline", "quote", "ref", "tags"}
    assert "137 times" in fact["quote"]
    _, out, _ = run(capsys, "fact", "--all", "--json")
    assert len(json.loads(out)) >= 25


def test_fact_topic_narrows_all_and_cannot_go_with_an_id(capsys):
    _, out, _ = run(capsys, "fact", "--all", "--topic", "GCAP", "--json")
    on_topic = json.loads(out)
    _, out, _ = run(capsys, "fact", "--all", "--json")
    assert 0 < len(on_topic) < len(json.loads(out))
    assert all("GCAP" in f["quote"] or "GCAP" in f["tags"] for f in on_topic)
    code, out, err = run(capsys, "fact", "--all", "--topic", "banana")
    assert code == 1 and not out and err.strip() == "error: no fact on 'banana'"
    code, out, err = run(capsys, "fact", "--topic", "!?")
    assert code == 1 and not out and err.strip() == "error: no fact on '!?'"
    code, out, err = run(capsys, "fact", "escorts-137-times", "--topic", "banana")
    assert code == 2 and not out and "not both" in err


def test_unknown_fact_names_closest(capsys):
    code, _, err = run(capsys, "fact", "escorts-137", "--json")
    assert code == 1
    assert "escorts-137-times" in err


def test_content_check_problems_on_stderr_summary_on_stdout(capsys, tmp_path):
    """As `content import` and `content fetch`: problems on stderr, the summary on stdout."""
    code, out, err = run(capsys, "content", "check")
    assert code == 0 and out.startswith("ok:") and "ok:" not in err
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.yaml").write_text("title: [unclosed\n")
    code, out, err = run(capsys, "--content", str(broken), "content", "check")
    assert code == 1
    assert err.startswith(f"{broken / 'manifest.yaml'}:")
    assert out.splitlines() == ["1 error(s)"]


def test_import_lettered_text_gives_a_readable_pack(capsys, tmp_path):
    source = tmp_path / "other.txt"
    source.write_text(DEEP, encoding="utf-8")
    out_dir = tmp_path / "pack"
    code, _, err = run(capsys, "content", "import", str(source), "--out", str(out_dir))
    assert code == 0, err
    code, out, _ = run(capsys, "--content", str(out_dir), "toc", "--json")
    assert json.loads(out)[0]["ref"] == "2"
    code, out, _ = run(capsys, "--content", str(out_dir), "section", "2.1.1(1).A(A)(a)", "--json")
    assert json.loads(out)["paragraphs"] == [
        {"ref": "2.1.1(1).A(A)(a)¶1", "text": "Text at the deepest level."}
    ]
    manifest = (out_dir / "2030" / "chapter2" / "manifest.yaml").read_text()  # filed by edition
    assert "edition_year: 2030" in manifest


def test_import_of_text_without_chapter_is_one_line(capsys, tmp_path):
    source = tmp_path / "x.txt"
    source.write_text("nothing here\n")
    code, _, err = run(capsys, "content", "import", str(source), "--out", str(tmp_path / "o"))
    assert code == 1
    assert err.strip().count("\n") == 0


def test_content_env_selects_pack(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BLUEBOOK_CONTENT", str(tmp_path / "missing"))
    code, _, err = run(capsys, "toc")
    assert code == 2
    # One line naming the folder and where it was set, no file or line inside it.
    assert err.strip() == (
        f"error: content folder {tmp_path / 'missing'} does not exist "
        "(--content or BLUEBOOK_CONTENT)"
    )
    assert Path(tmp_path / "missing").exists() is False
    (tmp_path / "file.txt").write_text("x")
    code, _, err = run(capsys, "--content", str(tmp_path / "file.txt"), "search", "GCAP")
    assert code == 2 and "is not a folder" in err


@pytest.mark.parametrize(
    "command", [("content", "check"), ("toc",), ("section", "3.1"), ("search", "GCAP")]
)
def test_a_content_folder_without_a_pack_is_one_line_like_a_missing_one(capsys, tmp_path, command):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "2025").mkdir()  # an edition folder without its chapter<N>/
    code, out, err = run(capsys, "--content", str(tmp_path), *command)
    assert code == 2 and out == ""
    # One line naming the folder, no file:line inside it (there is no manifest.yaml).
    assert err == (
        f"error: content folder {tmp_path} holds no pack: no manifest.yaml and no "
        "<edition>/chapter<N>/ (--content or BLUEBOOK_CONTENT)\n"
    )


def test_toc_text_indents_each_heading_one_step_under_its_parent(capsys, tmp_path):
    code, out, _ = run(capsys, "--content", str(lettered_content(tmp_path)), "toc")
    shown = indents(out.splitlines()[:-1], "  ")  # the last line names the pack
    assert code == 0 and shown["3"] == 0 and shown["3.1"] == 1
    assert shown["3.1.1(3).A(a)"] == shown["3.1.1(3).A"] + 1 == shown["3.1.1(3)"] + 2
