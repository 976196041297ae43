"""A page's part heading printed apart from its title ("3Food Security", a saved page's
`<span>3</span>Food Security` or `3<br>Food Security`) is its heading when the number is the
part its page id names; a page whose part heading is missing or broken is refused rather
than imported under references its id contradicts ("4.2(1)" for page c040203); and each
heading-shaped line kept as a paragraph is warned about. Sample text written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.importer import ImportFailure, import_pages
from bot.pack.loader import load_pack
from bot.pack.parser import KEPT_AS_TEXT

BODY = (
    "(1)Grain Stocks\n\nJapan shared 12 tonnes of seed rice with 4 partner countries.\n\n"
    "(2)Cold Chains\n\nRefrigerated storage was built at 3 regional ports.\n"
)
SHAPES = {
    "glued.txt": "3Food Security\n\n" + BODY,
    "spaced.txt": "3 Food Security\n\n" + BODY,
    "span.html": '<h3><span class="num">3</span>Food Security</h3>',
    "br.html": "<h3>3<br>Food Security</h3>",
}


def _html(heading: str) -> str:
    body = "".join(
        f"<h4>{line}</h4>" if line.startswith("(") else f"<p>{line}</p>"
        for line in BODY.split("\n\n")
    )
    return (
        "<!DOCTYPE html><html><head><title>Diplomatic Bluebook 2030</title></head><body>"
        f"<main>{heading}{body}</main></body></html>"
    )


def _save(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text if name.endswith(".html") else "Diplomatic Bluebook 2030\n\n" + text)
    return path


def _tree(pack_dir: Path) -> list[tuple[str, str, list[str]]]:
    pack = load_pack(pack_dir)
    return [(s.ref, s.title, [p.text for p in s.paragraphs]) for s in pack.root.walk()]


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_part_number_apart_from_its_title_is_the_part_heading(tmp_path, shape):
    text = _html(SHAPES[shape]) if shape.endswith(".html") else SHAPES[shape]
    name = shape.split(".")[0]
    page = _save(tmp_path / name, f"c040203.{shape.split('.')[1]}", text)
    report = import_pages([page], tmp_path / f"pack-{name}")
    assert report.warnings == []
    assert _tree(tmp_path / f"pack-{name}") == [
        ("4", "Chapter 4", []),
        ("4.2", "Section 2", []),
        ("4.2.3", "Food Security", []),
        ("4.2.3(1)", "Grain Stocks", [BODY.split("\n\n")[1]]),
        ("4.2.3(2)", "Cold Chains", [BODY.split("\n\n")[3].strip()]),
    ]


@pytest.mark.parametrize(
    "first",
    ["4Food Security", "Food Security", "3", ""],
    ids=["other-number", "no-number", "no-title", "none"],
)
def test_a_page_without_its_part_heading_is_refused(tmp_path, capsys, first):
    page = _save(tmp_path / "in", "c040203.txt", (f"{first}\n\n" if first else "") + BODY)
    with pytest.raises(ImportFailure, match="part heading"):
        import_pages([page], tmp_path / "pack")
    code = main(["content", "import", str(page), "--out", str(tmp_path / "lib")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{page}:" in err and "page c040203 is part 3 of section 4.2" in err
    assert "not imported" in err and "Traceback" not in err
    assert not (tmp_path / "lib" / "2030" / "chapter4" / "pages" / "c040203.txt").exists()


def test_a_number_glued_to_its_title_is_no_heading_on_another_page(tmp_path):
    # Part 3's heading inside page c040204's text, after its own part heading: a paragraph.
    page = _save(tmp_path / "in", "c040204.txt", "4 Water\n\nText.\n\n3Food Security\n\nMore.\n")
    report = import_pages([page], tmp_path / "pack")
    assert "4.2.3" not in {e.ref for e in report.outline}
    assert [(w.line, w.kind) for w in report.warnings] == [(7, KEPT_AS_TEXT)]
    assert "glued" in str(report.warnings[0])


def test_every_heading_shaped_line_kept_as_a_paragraph_is_warned(tmp_path):
    body = (
        "3 Food Security\n\n(1)Grain Stocks\n\nText one.\n\n(2 Cold Chains\n\nText two.\n\n"
        "B\n\nText three.\n\n2) Seed Banks\n\nText four.\n"
    )
    report = import_pages([_save(tmp_path / "in", "c040203.txt", body)], tmp_path / "pack")
    kept = [(w.line, str(w).split("warning: ")[1]) for w in report.warnings]
    assert kept == [
        (
            9,
            "'(2 Cold Chains' looks like a heading but its bracket is not closed; kept as a paragraph",
        ),
        (13, "'B' looks like a heading but it has no title; kept as a paragraph"),
        (
            17,
            "'2) Seed Banks' looks like a heading but its bracket is not opened; kept as a paragraph",
        ),
    ]
    assert all(w.kind == KEPT_AS_TEXT for w in report.warnings)
