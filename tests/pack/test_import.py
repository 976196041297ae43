"""`content import` on sample pages written for these tests in the publisher's format.

The samples (tests/pack/samples) are invented text: c040205 starts at part 5 and has every
lettered level, footnotes, a figure reference, a column, non-breaking spaces and Windows
line endings; c040207 follows without Chapter or Section lines; c040205 is also there as
saved HTML with site clutter and as text copied out of a browser.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.pack.importer import ImportFailure, import_pages, inspect_pages
from bot.pack.library import pack_dir_for
from bot.pack.loader import check_pack, load_pack
from bot.pack.model import FIGURE, FOOTNOTE

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE_LIBRARY = Path(__file__).resolve().parents[1] / "samples" / "library"
CONTENT = Path(__file__).resolve().parents[2] / "content"
P5, P7 = SAMPLES / "c040205.txt", SAMPLES / "c040207.txt"
URL = "https://www.mofa.go.jp/policy/other/bluebook/2030/en_html/chapter4/{}.html"
# Heading shapes, written independently of the parser: a label, then a capitalised title
# without a closing full stop.
HEADING_LINE = re.compile(
    r"^(?:Chapter \d+|Section \d+ .+|\d{1,2} [A-Z][^.]*|\([0-9A-Za-z]{1,2}\) [A-Z][^.]*"
    r"|[A-Z] [A-Z][^.]*|Column)$"
)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def two_pages(tmp_path):
    out = tmp_path / "pack"
    report = import_pages([P5, P7], out)
    return out, report


def test_two_pages_give_book_references(capsys, tmp_path):
    out = tmp_path / "pack"
    code, stdout, err = run(capsys, "content", "import", P5, P7, "--out", out)
    assert code == 0, err
    refs = [line.split()[1] for line in stdout.splitlines() if line.startswith("+ ")]
    for ref in ("4.2.5", "4.2.5(2).A", "4.2.7", "4.2.7(2)"):
        assert ref in refs
    # What it did on stdout; nothing went wrong, so on stderr only that the new edition
    # has no facts yet.
    assert "wrote 2 page(s)" in stdout
    assert err.startswith("warning: 2030 has no facts yet, nor has any other edition: ")
    assert err.count("\n") == 1
    # --out names a library: the pages are filed under their edition and chapter.
    pack = load_pack(pack_dir_for(out, 2030, 4))
    assert pack.root.title == "Japan's Diplomacy for Shared Prosperity"
    assert pack.manifest.edition_year == 2030
    for ref, page in (("4.2.5(2).A", "c040205"), ("4.2.7(2)", "c040207")):
        code, stdout, _ = run(capsys, "--content", out, "section", ref, "--json")
        assert json.loads(stdout)["source_url"] == URL.format(page)


@pytest.mark.parametrize("sample", [P5, P7])
def test_every_heading_in_the_files_is_a_heading(two_pages, sample):
    out, _ = two_pages
    pack = load_pack(out)
    headings = {s.heading for s in pack.sections.values()}
    text = sample.read_text(encoding="utf-8").replace("\u00a0", " ")
    shaped = [line.strip() for line in text.splitlines() if HEADING_LINE.match(line.strip())]
    assert len(shaped) >= 4
    for line in shaped:
        assert any(h == line or h.startswith(line + " ") for h in headings), line


def test_each_section_links_to_its_own_page(two_pages):
    out, report = two_pages
    pack = load_pack(out)
    for section in pack.sections.values():
        if section.ref.startswith("4.2.7"):
            assert pack.source_url(section) == URL.format("c040207")
        else:
            assert pack.source_url(section) == URL.format("c040205")
    assert [(p.page, p.edition, p.chapter, p.part) for p in report.pages] == [
        ("c040205", 2030, 4, 5),
        ("c040207", 2030, 4, 7),
    ]


def test_paragraph_lines_stay_paragraphs_and_spaces_are_plain(two_pages):
    pack = load_pack(two_pages[0])
    assert pack.paragraphs["4.2.5(1)¶2"].text.startswith("3 countries signed")
    assert "14 March 2029" in pack.paragraphs["4.2.5(1)¶2"].text
    assert pack.paragraphs["4.2.5(2)¶1"].text.startswith("A historic shift")
    assert pack.paragraphs["4.2.7(2)¶2"].text.startswith("2 million children")
    assert all("\r" not in p.text and "\u00a0" not in p.text for p in pack.paragraphs.values())


def test_footnotes_and_figure_references_are_notes_not_text(two_pages, capsys):
    out, _ = two_pages
    pack = load_pack(out)
    a = pack.sections["4.2.5(2).A"]
    assert [(n.kind, n.label) for n in a.notes] == [(FOOTNOTE, "1")]
    assert a.notes[0].text.startswith("The Commission adopted")
    top = pack.sections["4.2.5"]
    assert [(n.kind, n.label) for n in top.notes] == [(FOOTNOTE, "2")]
    figures = [n.text for n in pack.sections["4.2.5(1)"].notes]
    assert figures == ["See ▶ Fig. 4-2-5-1 Japan's economic partnership agreements"]
    assert pack.sections["4.2.7(2)"].notes[0].kind == FIGURE
    texts = [p.text for p in pack.paragraphs.values()]
    assert not any("▶" in t or t.startswith(("1 The Commission", "2 See")) for t in texts)
    _, stdout, _ = run(capsys, "--content", out, "section", "4.2.5(2).A", "--json")
    assert {"ref": "4.2.5(2).A", "kind": "footnote", "label": "1"}.items() <= (
        json.loads(stdout)["notes"][0].items()
    )


def test_a_footnote_marker_is_not_text_and_a_fact_may_quote_with_or_without_it(capsys, two_pages):
    out, _ = two_pages
    said = "led talks on the accession of new members"
    assert load_pack(out).paragraphs["4.2.5(2).A¶1"].text.endswith(f"{said}.")
    code, stdout, _ = run(capsys, "--content", out, "content", "facts", "suggest", "4.2.5(2).A")
    assert code == 0 and f"{said}.\n" in stdout and "*1" not in stdout
    facts = "facts:\n" + "".join(
        f"  - id: {fid}\n    headline: CPTPP talks\n    quote: '{quote}'\n    ref: 4.2.5(2).A¶1\n"
        for fid, quote in (
            ("plain", f"{said}."),
            ("copied", f"{said}*1."),  # as the page prints it
            ("wrong", f"{said}*1 soon."),
        )
    )
    (out / "facts.yaml").write_text(facts, encoding="utf-8")
    code, _, stderr = run(capsys, "--content", out, "content", "check")
    assert code == 1
    broken = [line for line in stderr.splitlines() if "not verbatim" in line]
    assert len(broken) == 1 and "fact 'wrong'" in broken[0]


def test_a_column_is_its_own_sub_section(two_pages):
    pack = load_pack(two_pages[0])
    column = pack.sections["4.2.5(2).B.col1"]
    assert column.title == "The Osaka Track on Data Flows"
    assert column.parent is pack.sections["4.2.5(2).B"]
    assert column.paragraphs[0].text.startswith("Japan launched the Osaka Track")
    assert len(pack.sections["4.2.5(2).B"].paragraphs) == 1


def _tree(directory: Path) -> list[tuple]:
    pack = load_pack(directory)
    return [
        (
            s.ref,
            s.heading,
            s.source_url,
            [p.text for p in s.paragraphs],
            [(n.kind, n.label, n.text) for n in s.notes],
        )
        for s in pack.root.walk()
    ]


def test_the_same_page_as_text_file_copied_text_and_html(tmp_path):
    trees = []
    for name in ("c040205.txt", "copied-from-browser.txt", "c040205.html"):
        out = tmp_path / name
        report = import_pages([SAMPLES / name], out)
        assert report.warnings == [], name
        assert report.pages[0].page == "c040205"
        trees.append(_tree(out))
    assert trees[0] == trees[1] == trees[2]
    html_text = (tmp_path / "c040205.html" / "pages" / "c040205.txt").read_text()
    for clutter in ("Skip to", "Next Part", "Back to Top", "Page top", "Not A Heading", "Home"):
        assert clutter not in html_text


def test_placed_by_file_name_url_in_file_or_headings(tmp_path):
    unnamed = tmp_path / "page.txt"
    unnamed.write_bytes(P5.read_bytes())
    report = import_pages([unnamed], tmp_path / "a")
    assert (report.pages[0].page, report.pages[0].placed_by) == ("c040205", "headings")
    assert report.warnings == []
    report = import_pages([SAMPLES / "copied-from-browser.txt"], tmp_path / "b")
    assert report.pages[0].placed_by == "URL in file"
    report = import_pages([unnamed], tmp_path / "c", page="c040205")
    assert report.pages[0].placed_by == "--page"
    report = import_pages([P7], tmp_path / "d", page="c040208")
    assert report.pages[0].page == "c040208"
    assert [w.kind for w in report.warnings] == ["guessed-position", "guessed-position"]
    assert "file name says c040207" in str(report.warnings[0])


def test_importing_twice_changes_nothing(two_pages):
    out, first = two_pages
    before = snapshot(out)
    again = import_pages([P5, P7], out)
    assert snapshot(out) == before
    assert again.outline == first.outline
    one_more = import_pages([P7], out)
    assert snapshot(out) == before
    assert one_more.outline == first.outline


def test_pages_are_added_to_an_existing_pack_in_book_order(tmp_path):
    out = tmp_path / "pack"
    import_pages([P7], out)
    import_pages([P5], out)
    assert [s.ref for s in load_pack(out).root.walk()][:3] == ["4", "4.2", "4.2.5"]
    assert [s.ref for s in load_pack(out).root.children[0].children] == ["4.2.5", "4.2.7"]


FACTS = """facts:
  - id: three-countries
    headline: Three countries signed the supply chain declaration
    quote: 3 countries signed the joint declaration on supply chain resilience
    ref: 4.2.5(1)¶2
  - id: oda-2029
    headline: Japan's ODA reached 2.4 trillion yen in 2029
    quote: reached 2.4 trillion yen
    ref: 4.2.7(2)¶1
    numbers: [2.4 trillion yen]
"""


def test_an_edited_page_replaces_its_sections_and_reports_broken_facts(two_pages, capsys):
    out, _ = two_pages
    (out / "facts.yaml").write_text(FACTS, encoding="utf-8")
    assert [str(p) for p in check_pack(out)[1] if not p.warning] == []
    edited = out.parent / "edited" / "c040205.txt"
    edited.parent.mkdir()
    text = P5.read_bytes().decode("utf-8")
    text = text.replace("3 countries signed", "Four countries signed")
    text = text.replace("(b) Rules\r\n\r\n", "").replace(
        "Applicants must also accept the rules chapters, including those on state-owned "
        "enterprises and digital trade.\r\n\r\n",
        "",
    )
    edited.write_bytes(text.encode("utf-8"))
    code, stdout, err = run(capsys, "content", "import", edited, "--out", out)
    assert code == 1
    assert "three-countries" in err and "broken by this import" in err
    assert "oda-2029" not in stdout + err
    pack, problems = check_pack(out)
    assert pack is not None
    assert "4.2.5(2).A(A)(b)" not in pack.sections
    assert pack.paragraphs["4.2.5(1)¶2"].text.startswith("Four countries")
    errors = [str(p) for p in problems if not p.warning]
    assert len(errors) == 1 and "three-countries" in errors[0]
    assert "oda-2029" in (out / "facts.yaml").read_text()
    code, _, stderr = run(capsys, "--content", out, "content", "check")
    assert code == 1 and "three-countries" in stderr


# -- warnings -------------------------------------------------------------------------


def _page(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("Diplomatic Bluebook 2030\n\n" + body, encoding="utf-8")
    return path


WROTE = re.compile(r"^wrote \d+ page\(s\) to (?P<dir>.+?); content check", re.M)


def _warned(capsys, tmp_path, files, kind_text, line_of, *, extra=()):
    """Import with and without --strict into new libraries; the warning names file:line and
    strict writes nothing. Returns the warnings and the pack the lenient import wrote to."""
    strict_out, out = tmp_path / "strict", tmp_path / "lenient"
    code, stdout, err = run(
        capsys, "content", "import", *files, "--out", strict_out, "--strict", *extra
    )
    assert code == 1, stdout
    assert "--strict" in err
    assert not strict_out.exists()
    code, stdout, err = run(capsys, "content", "import", *files, "--out", out, *extra)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert any(kind_text in w for w in warnings), warnings
    file, line = line_of
    assert any(w.startswith(f"{file}:{line}: warning:") for w in warnings), warnings
    written = WROTE.search(stdout)
    assert written is not None, stdout
    return warnings, Path(written["dir"])


def test_heading_shaped_line_kept_as_text_is_warned(capsys, tmp_path):
    page = _page(
        tmp_path,
        "c040301.txt",
        "1 Trade\n\n(1) First Part\n\nText.\n\n(3) Third Part\n\nText.\n\n"
        "(2) Second Part After Third\n\nMore text.\n",
    )
    _, out = _warned(
        capsys, tmp_path, [page], "kept as a paragraph", (page, 13), extra=("--edition", "2030")
    )
    pack = load_pack(out)
    assert pack.paragraphs["4.3.1(3)¶2"].text == "(2) Second Part After Third"


def test_skipped_numbers_are_warned(capsys, tmp_path):
    gaps = SAMPLES / "gaps" / "c040302.txt"
    warnings, out = _warned(capsys, tmp_path, [gaps], "skips", (gaps, 13))
    assert len([w for w in warnings if "skips" in w or "starts at" in w]) == 3
    refs = {s.ref for s in load_pack(out).sections.values()}
    assert {"4.3.2", "4.3.4", "4.3.5", "4.3.4(1)", "4.3.4(3)", "4.3.5(1).C"} <= refs
    # The stored page keeps saying so in `content check`.
    _, _, stderr = run(capsys, "--content", out, "content", "check")
    assert f"{out / 'pages' / 'c040302.txt'}:" in stderr and "skips from 2 to 4" in stderr


def test_a_page_named_for_another_part_is_refused_and_the_others_import(capsys, tmp_path):
    # Page 5 saved again as page 6: filed by its name, it would take page 5's sections.
    twin = tmp_path / "c040206.txt"
    twin.write_bytes(P5.read_bytes())
    out = tmp_path / "lib"
    code, _, err = run(capsys, "content", "import", P5, twin, P7, "--out", out)
    assert code == 1
    says = "the file name says page c040206 (chapter 4, section 2, part 6)"
    assert f"{twin}:9: error: {says} " in err
    assert "its headings say chapter 4, section 2, part 5; not imported" in err
    assert "name the file c040205.txt" in err and "1 page(s) not imported" in err
    assert "also claimed" not in err
    pack = load_pack(pack_dir_for(out, 2030, 4))
    assert [p.id for p in pack.manifest.pages] == ["c040205", "c040207"]
    assert pack.sections["4.2.5"].source_url == URL.format("c040205")


def test_a_guessed_position_is_warned(capsys, tmp_path):
    loose = _page(tmp_path, "loose.txt", "6 Energy Security\n\nJapan imports most of its energy.\n")
    _, out = _warned(
        capsys, tmp_path, [P5, loose], "guessed c040206", (loose, 1), extra=("--edition", "2030")
    )
    assert load_pack(out).sections["4.2.6"].title == "Energy Security"


def test_a_page_without_edition_is_warned(capsys, tmp_path):
    bare = tmp_path / "c040207.txt"
    bare.write_text(P7.read_text().replace("Diplomatic Bluebook 2030\n", ""), encoding="utf-8")
    # Made into a new pack, the page's edition is a guess: warned, and --strict refuses it.
    report = import_pages([bare], tmp_path / "new")
    assert any("no 'Diplomatic Bluebook YYYY' line" in str(w) for w in report.warnings)
    assert any(str(w).startswith(f"{bare}:2: warning:") for w in report.warnings)
    assert not import_pages([bare], tmp_path / "strict", strict=True).written
    assert not (tmp_path / "strict").exists()
    # Into a library, its edition decides where it goes: unknown, the import is refused.
    code, out, err = run(capsys, "content", "import", bare, "--out", tmp_path / "lib")
    # One page that cannot be placed is listed (file:line) and nothing else is written.
    assert code == 1 and out == "" and err.startswith(f"{bare}:1: error:")
    assert "--edition YEAR" in err
    assert not (tmp_path / "lib").exists()
    code, _, _ = run(
        capsys, "content", "import", bare, "--out", tmp_path / "e", "--edition", "2030", "--strict"
    )
    assert code == 0
    assert load_pack(tmp_path / "e" / "2030" / "chapter4").sections["4.2.7"]
    # Into an existing pack, it takes the pack's edition.
    pack_dir = tmp_path / "pack"
    import_pages([P5], pack_dir)
    code, _, err = run(capsys, "content", "import", bare, "--out", pack_dir, "--strict")
    assert code == 0, err
    assert load_pack(pack_dir).sections["4.2.7"].source_url == URL.format("c040207")


# -- refusals -------------------------------------------------------------------------


def test_run_together_lines_are_refused(capsys, tmp_path):
    joined = tmp_path / "c040205.txt"
    joined.write_text(" ".join(P5.read_text(encoding="utf-8").split()), encoding="utf-8")
    code, out, err = run(capsys, "content", "import", joined, "--out", tmp_path / "o")
    assert code == 1 and out == ""
    assert "run together" in err and str(joined) in err
    assert not (tmp_path / "o").exists()


def _file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# A short page of chapter 5 (invented), shorter than the run-together rule's 600 characters.
SHORT_PAGE = (
    "Diplomatic Bluebook 2099\n\nChapter 5\n\nJapan's Sample Diplomacy\n\n"
    "Section 1 Sample Relations\n\n3 Sample Cooperation\n\n(1) Overview\n\n"
    "Japan held talks with its partners on sample cooperation in 2098.\n\n"
    "(2) Outcomes\n\nThe partners agreed to meet again next year.\n"
)


@pytest.mark.parametrize("edition", [["--edition", "2099"], []], ids=["edition", "no-edition"])
def test_a_short_page_on_one_line_is_refused_as_run_together(capsys, tmp_path, edition):
    joined = _file(tmp_path, "c050103.txt", " ".join(SHORT_PAGE.split()))
    code, out, err = run(capsys, "content", "import", joined, "--out", tmp_path / "o", *edition)
    assert code == 1 and out == ""
    assert err.startswith(f"{joined}:1: error: the lines have been run together"), err
    assert "Diplomatic Bluebook YYYY" not in err
    assert not (tmp_path / "o").exists()
    # Kept on its lines, the same page imports.
    whole = _file(tmp_path / "whole", "c050103.txt", SHORT_PAGE)
    code, _, err = run(capsys, "content", "import", whole, "--out", tmp_path / "o")
    assert code == 0, err
    assert "5.1.3(2)" in load_pack(tmp_path / "o" / "2099" / "chapter5").sections


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no text"),
        ("\n \n\u00a0\n", "no text"),
        ("Sorry, this page is not available.\n", "not a page of the Bluebook"),
        ("Sorry.\n\nThis page is not available.\n\nBack to the home page\n", "not a page"),
    ],
    ids=["empty", "blank", "error-line", "error-lines"],
)
def test_a_file_with_no_text_or_no_heading_is_refused_and_the_others_import(
    capsys, tmp_path, text, reason
):
    bad = _file(tmp_path / "in", "c040206.txt", text)
    code, _, err = run(
        capsys, "content", "import", P5, bad, P7, "--out", tmp_path / "o", "--edition", "2030"
    )
    assert code == 1
    assert f"{bad}:1: error: {reason}" in err and "1 page(s) not imported" in err
    pack = load_pack(tmp_path / "o" / "2030" / "chapter4")
    assert {"4.2.5", "4.2.7"} <= set(pack.sections) and "4.2.6" not in pack.sections
    assert not any("available" in p.text for p in pack.paragraphs.values())


def test_a_page_continuing_its_part_still_imports(tmp_path):
    # Real shapes without a numbered heading of their own still import: a page whose only
    # heading is its Chapter line, and one whose text begins before its first heading.
    only_chapter = _file(
        tmp_path / "a", "c040206.txt", "Diplomatic Bluebook 2030\n\nChapter 4\n\nMore text.\n"
    )
    report = import_pages([P5, only_chapter], tmp_path / "pack")
    assert report.written
    starts_with_text = _file(
        tmp_path / "b", "c040207.txt", "Text before the heading.\n\n7 Seventh Part\n\nText.\n"
    )
    report = import_pages([starts_with_text], tmp_path / "pack")
    assert report.written


def test_pages_of_another_chapter_or_edition_are_refused(tmp_path, two_pages):
    out, _ = two_pages
    other = _page(tmp_path, "c050101.txt", "1 Elsewhere\n\nText.\n")
    with pytest.raises(ImportFailure, match="different chapters"):
        import_pages([other], out)
    later = tmp_path / "c040208.txt"
    later.write_text("Diplomatic Bluebook 2031\n\n8 Later\n\nText.\n", encoding="utf-8")
    with pytest.raises(ImportFailure, match="2031 edition but the pack is 2030"):
        import_pages([later], out)


def test_a_page_that_cannot_be_placed_is_refused(capsys, tmp_path):
    lost = _page(tmp_path, "notes.txt", "(1) A Point\n\nSome text without a page id or part.\n")
    code, _, err = run(capsys, "content", "import", lost, "--out", tmp_path / "o")
    assert code == 1 and "--page" in err


# -- glossary and facts ---------------------------------------------------------------


def test_a_new_pack_starts_from_the_shipped_glossary(two_pages):
    out, _ = two_pages
    pack, problems = check_pack(out)
    assert pack is not None
    shipped = {t.term for t in load_pack(CONTENT).glossary.terms}
    assert {t.term for t in pack.glossary.terms} == shipped
    assert pack.glossary.spellings
    # Nothing a maintainer could fix: chapter-wide terms without a ref are not checked, and
    # the thesaurus keeps only targets the new pages use.
    assert not [str(p) for p in problems if "occurs nowhere" in p.message]
    assert all(p.warning for p in problems)
    targets = {t for e in pack.glossary.thesaurus for t in e.targets}
    assert targets  # some of the shipped thesaurus fits these pages, and is kept


def test_a_term_whose_ref_text_never_names_it_is_warned(two_pages):
    out, _ = two_pages
    glossary = out / "glossary.yaml"
    data = yaml.safe_load(glossary.read_text())
    data["terms"].append({"term": "XYZ", "expansion": "Xylo Zed", "ref": "4.2.5"})
    glossary.write_text(yaml.safe_dump(data))
    _, problems = check_pack(out)
    assert [p.message for p in problems if "occurs nowhere" in p.message] == [
        "term 'XYZ' occurs nowhere in the library, though its ref is 4.2.5"
    ]


def test_leaf_sections_without_facts_are_warned_in_a_pack_without_facts(two_pages):
    out, _ = two_pages
    _, problems = check_pack(out)
    leaves = {p.message.split()[2] for p in problems if "has no fact" in p.message}
    assert {"4.2.5(1)", "4.2.7(1)", "4.2.5(2).B.col1"} <= leaves


def test_facts_suggest_lists_sentences_and_write_makes_drafts(capsys, two_pages):
    out, _ = two_pages
    code, stdout, _ = run(capsys, "--content", out, "content", "facts", "suggest", "4.2.5(1)")
    assert code == 0
    assert "3 countries signed the joint declaration" in stdout
    assert "dates: 14 March 2029" in stdout and "numbers: 3 countries" in stdout
    assert "4.2.7" not in stdout
    code, stdout, _ = run(capsys, "--content", out, "content", "facts", "suggest", "--write")
    assert code == 0
    code, _, stderr = run(capsys, "--content", out, "content", "check", "--verbose")
    assert code == 0
    drafts = [line.strip() for line in stderr.splitlines() if "is a draft" in line]
    assert drafts and all(line.startswith(f"{out / 'facts.yaml'}:") for line in drafts)
    assert any("4.2.7(2)¶1" in line for line in drafts)
    # Drafts are not served; and suggesting again proposes nothing new for those sections.
    code, stdout, _ = run(capsys, "--content", out, "fact", "--all", "--json")
    assert json.loads(stdout) == []
    code, stdout, _ = run(capsys, "--content", out, "content", "facts", "suggest")
    assert "4.2.7(2)¶1" not in stdout


def test_a_draft_the_text_no_longer_backs_only_warns(capsys, two_pages):
    """Drafts are not served: a page corrected after `suggest --write` leaves a draft whose
    quote is no longer verbatim, and that warns instead of stopping every load."""
    out, _ = two_pages
    run(capsys, "--content", out, "content", "facts", "suggest", "4.2.5(1)", "--write")
    text = (out / "facts.yaml").read_text(encoding="utf-8")
    assert "draft: true" in text and "3 countries signed" in text
    for page in out.glob("**/*.txt"):
        body = page.read_text(encoding="utf-8")
        page.write_text(body.replace("3 countries signed", "4 countries signed"), "utf-8")
    pack = load_pack(out)  # raises on an error
    assert not pack.facts
    code, _, stderr = run(capsys, "--content", out, "content", "check", "--verbose")
    assert code == 0
    [line] = [line for line in stderr.splitlines() if "not verbatim" in line]
    assert "warning:" in line and "(a draft, not served)" in line
    # Confirmed, a fact whose quote is no longer verbatim is an error.
    text = (out / "facts.yaml").read_text(encoding="utf-8").replace("draft: true\n    ", "")
    (out / "facts.yaml").write_text(text.replace('headline: ""', "headline: Signed"), "utf-8")
    code, _, stderr = run(capsys, "--content", out, "content", "check")
    assert code != 0 and "quote is not verbatim" in stderr


def test_suggest_write_needs_a_named_pack(capsys, monkeypatch):
    monkeypatch.delenv("BLUEBOOK_CONTENT", raising=False)
    code, _, err = run(capsys, "content", "facts", "suggest", "--write")
    assert code == 1 and "--content" in err


def test_a_confirmed_draft_is_served(capsys, two_pages):
    out, _ = two_pages
    run(capsys, "--content", out, "content", "facts", "suggest", "4.2.7(2)", "--write")
    text = (out / "facts.yaml").read_text(encoding="utf-8")
    first = text.index("draft: true")
    text = text[:first] + text[first:].replace("draft: true\n    ", "", 1)
    text = text.replace('headline: ""', "headline: Japan's ODA reached 2.4 trillion yen", 1)
    (out / "facts.yaml").write_text(text, encoding="utf-8")
    pack = load_pack(out)
    assert [f.ref for f in pack.facts] == ["4.2.7(2)¶1"]
    assert pack.facts[0].numbers == ("2.4 trillion yen",)
    # Served, but readers see its id: the draft's id is worth replacing.
    _, problems = check_pack(out)
    [kept] = [p for p in problems if "keeps its draft id" in p.message]
    assert kept.warning and kept.message.startswith(f"fact '{pack.facts[0].id}'")


# -- the shipped pack -----------------------------------------------------------------

C030102 = """Diplomatic Bluebook 2025

Chapter 3

Japan's Foreign Policy to Promote National and Global Interests

Section 1 Efforts for Peace and Stability of Japan and the International Community

2 Sample Alliance Heading

(1) Sample Overview

Sample text written for this test, not the publisher's.
"""


def test_a_second_page_extends_a_copy_of_the_shipped_pack(tmp_path):
    pack_dir = tmp_path / "chapter3"
    shutil.copytree(CONTENT, pack_dir, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    page = tmp_path / "c030102.txt"
    page.write_text(C030102, encoding="utf-8")
    report = import_pages([page], pack_dir)
    assert report.warnings == [] and report.broken_facts == []
    pack = load_pack(pack_dir)
    refs = [s.ref for s in pack.root.walk()]
    assert refs == [
        "3",
        "3.1",
        "3.1.1",
        "3.1.1(1)",
        "3.1.1(2)",
        "3.1.1(3)",
        "3.1.2",
        "3.1.2(1)",
    ]
    assert pack.source_url(pack.sections["3.1.1(3)"]).endswith("/chapter3/c030101.html")
    assert pack.source_url(pack.sections["3.1.2(1)"]).endswith("/chapter3/c030102.html")
    assert len(pack.facts) == len(load_pack(CONTENT).facts)


def test_shipped_sections_link_to_the_seed_page(pack):
    assert {pack.source_url(s) for s in pack.sections.values()} == {pack.manifest.source_url}
    assert {s.page for s in pack.sections.values()} == {"c030101"}


def test_warnings_in_saved_html_name_the_html_line(tmp_path):
    page = tmp_path / "c040301.html"
    page.write_text(
        "<html><head><title>Diplomatic Bluebook 2030</title></head><body>\n"
        "<nav><p>1 Menu Item</p></nav>\n"
        "<main>\n"
        "<h3>1 Trade</h3>\n"
        "<h4>(2) Second</h4>\n"
        "<p>Text.</p>\n"
        "<h4>(1) First After Second</h4>\n"
        "<p>More.</p>\n"
        "</main></body></html>\n",
        encoding="utf-8",
    )
    report = import_pages([page], tmp_path / "o")
    assert [(w.line, w.kind) for w in report.warnings] == [
        (5, "skipped-number"),
        (7, "kept-as-text"),
    ]
    assert report.edition == 2030
    assert "Menu Item" not in (tmp_path / "o" / "pages" / "c040301.txt").read_text()


def test_inspect_pages_tells_edition_and_chapter_without_writing(tmp_path):
    later = tmp_path / "c050301.txt"
    later.write_text("Diplomatic Bluebook 2031\n\n1 Elsewhere\n\nText.\n", encoding="utf-8")
    metas = inspect_pages([P5, SAMPLES / "c040205.html", later])
    assert [(m.page, m.edition, m.chapter) for m in metas] == [
        ("c040205", 2030, 4),
        ("c040205", 2030, 4),
        ("c050301", 2031, 5),
    ]
    assert metas[2].source_url.endswith("/2031/en_html/chapter5/c050301.html")
    assert list(tmp_path.iterdir()) == [later]


def test_a_broken_pages_list_is_reported_with_its_line(two_pages):
    out, _ = two_pages
    manifest = out / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("- id: c040207", "- id: page-seven")
    manifest.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "page-seven" in t)
    errors = [str(p) for p in check_pack(out)[1] if not p.warning]
    assert errors == [f"{manifest}:{line}: bad page id 'page-seven'"]
    (out / "pages" / "c040207.txt").unlink()
    manifest.write_text(text.replace("page-seven", "c040207"), encoding="utf-8")
    errors = [str(p) for p in check_pack(out)[1] if not p.warning]
    # Said on the page's manifest line, with how to get the page back (tests/library).
    assert len(errors) == 1 and errors[0].startswith(
        f"{manifest}:{line}: page c040207 is listed here but its file pages/c040207.txt is missing"
    )


def test_a_manifest_page_id_of_another_chapter_is_an_error_on_its_line(capsys, two_pages):
    out, _ = two_pages
    manifest = out / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("- id: c040207", "- id: c050207")
    manifest.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "c050207" in t)
    errors = [str(p) for p in check_pack(out)[1] if not p.warning]
    assert errors == [
        f"{manifest}:{line}: page id 'c050207' is a page of chapter 5, but this pack is "
        "chapter 4 (chapter_number)"
    ]
    code, _, stderr = run(capsys, "--content", out, "content", "check")
    assert code == 1 and errors[0] in stderr


def test_one_page_twice_in_one_import_is_refused(tmp_path):
    with pytest.raises(ImportFailure, match="and so is"):
        import_pages([P5, SAMPLES / "c040205.html"], tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_a_file_that_is_not_utf8_is_refused(capsys, tmp_path):
    page = tmp_path / "c040207.txt"
    page.write_bytes(b"Diplomatic Bluebook 2030\n\n7 Japan\x92s Cooperation\n\nText.\n")
    code, _, err = run(capsys, "content", "import", page, "--out", tmp_path / "o")
    assert code == 1 and "not UTF-8" in err and str(page) in err


def test_a_utf16_byte_order_mark_on_other_bytes_says_to_save_as_utf8(capsys, tmp_path):
    page = tmp_path / "c040207.txt"
    page.write_bytes(b"\xff\xfe" + "Diplomatic Bluebook 2030\n\n7 Japan".encode("utf-16-le") + b"!")
    code, out, err = run(capsys, "content", "import", page, "--out", tmp_path / "o")
    assert code == 1 and out == ""
    assert err == (
        f"{page}:3: error: starts with a UTF-16 byte order mark but is not UTF-16 text; "
        "save it again as UTF-8\n"
    )


def test_a_folder_is_refused_saying_what_to_pass_and_the_other_pages_import(capsys, tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(P5, folder / "c040205.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "lib"
    code, _, err = run(capsys, "content", "import", folder, empty, P7, "--out", out)
    assert code == 1 and "Traceback" not in err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"{folder}: error: is a folder; content import takes page files: name them, e.g. "
        f"{folder / '*.txt'}",
        f"{empty}: error: is a folder, with no .txt or .html page in it; content import takes "
        "page files, like c030102.txt or c030102.html",
    ]
    assert "4.2.7" in load_pack(pack_dir_for(out, 2030, 4)).sections


SAVED_UTF8 = '<meta charset="utf-8">'
NOT_ASCII = "Japan’s partners — the “Rules”"


@pytest.mark.parametrize(
    ("meta", "codec", "words"),
    [
        ('<meta charset="windows-1252">', "cp1252", NOT_ASCII),
        ('<meta charset="shift_jis">', "shift_jis", "外務省 (MOFA)"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            "shift_jis",
            "外務省 (MOFA)",
        ),
        # A latin-1 label is read as windows-1252, as browsers do.
        ('<meta charset="iso-8859-1">', "cp1252", NOT_ASCII),
        # A label of the Encoding Standard that is no Python codec name.
        ('<meta charset="unicode-1-1-utf-8">', "utf-8", NOT_ASCII),
        # Only a declaration outside a comment counts, and a <meta> saying UTF-16 is UTF-8.
        (
            '<meta name="description" content="x; charset=koi8-r"><meta charset="utf-8">',
            "utf-8",
            NOT_ASCII,
        ),
        ('<!-- <meta charset="shift_jis"> --><meta charset="utf-8">', "utf-8", NOT_ASCII),
        ('<meta charset="utf-16">', "utf-8", NOT_ASCII),
    ],
    ids=[
        "windows-1252",
        "shift_jis",
        "http-equiv",
        "latin-1-label",
        "web-label",
        "other-meta",
        "commented-out",
        "utf-16-meta",
    ],
)
def test_a_saved_page_in_its_declared_charset_imports(tmp_path, meta, codec, words):
    html = (SAMPLES / "c040205.html").read_text(encoding="utf-8").replace(SAVED_UTF8, meta)
    html = html.replace("\u00a9", "&copy;")  # not in Shift_JIS; the footer is dropped anyway
    html = html.replace("<h4>(1) Overview</h4>\n", f"<h4>(1) Overview</h4>\n<p>{words}.</p>\n")
    page = tmp_path / "c040205.html"
    page.write_bytes(html.encode(codec))
    report = import_pages([page], tmp_path / "o")
    assert report.warnings == []
    text = (tmp_path / "o" / "pages" / "c040205.txt").read_text(encoding="utf-8")
    assert f"{words}." in text and "©" not in text


@pytest.mark.parametrize(
    ("meta", "body", "message"),
    [
        ('<meta charset="klingon-8">', b"", "c040205.html:1: error: unknown charset 'klingon-8'"),
        ('<meta charset="base64">', b"", "c040205.html:1: error: unknown charset 'base64'"),
        # Python codec names, not web labels: one refused with a traceback, one that
        # rewrote backslashes.
        ('<meta charset="undefined">', b"", "c040205.html:1: error: unknown charset 'undefined'"),
        (
            '<meta charset="unicode_escape">',
            b"<p>C:\\new</p>",
            "c040205.html:1: error: unknown charset 'unicode_escape'",
        ),
        ('<meta charset="shift_jis">', b"\n\n<p>\x82</p>", "c040205.html:3: error: not shift_jis"),
        ("", b"\n<p>Japan\x92s</p>", "c040205.html:2: error: not UTF-8 text"),
    ],
    ids=["unknown", "not-text", "undefined", "unicode-escape", "bad-bytes", "no-charset-not-utf8"],
)
def test_a_page_that_does_not_decode_is_one_line_naming_it(capsys, tmp_path, meta, body, message):
    page = tmp_path / "c040205.html"
    page.write_bytes(b"<!DOCTYPE html><html><head>" + meta.encode() + body)
    code, out, err = run(capsys, "content", "import", page, "--out", tmp_path / "o")
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith(f"{tmp_path}/{message}")
    assert len(err.strip().splitlines()) == 1


def test_a_page_giving_a_reference_a_page_in_the_pack_holds_is_refused(tmp_path):
    # Page 7 named page 8 with --page (its part is then placed by its heading): 4.2.7 is
    # page 7's, which is kept.
    out = tmp_path / "pack"
    import_pages([P5, P7], out)
    before = snapshot(out)
    with pytest.raises(ImportFailure) as refused:
        import_pages([P7], out, page="c040208")
    assert str(refused.value) == (
        f"{P7}:3: page c040208 gives 4.2.7, but page c040207 already holds it "
        f"({out / 'pages' / 'c040207.txt'}:3); not imported, so nothing is replaced: "
        "is this file page c040208?"
    )
    assert snapshot(out) == before


def test_a_page_whose_reference_a_later_page_of_the_pack_holds_is_refused(tmp_path):
    # The pack holds page 5's text as page 6 (named so with --page); the real page 5 comes
    # first in the book, but the page already imported is the one kept.
    out = tmp_path / "pack"
    import_pages([P5], out, page="c040206")
    before = snapshot(out)
    with pytest.raises(ImportFailure) as refused:
        import_pages([P5], out)
    assert refused.value.file == str(P5) and refused.value.line == 9
    assert "page c040205 gives 4.2.5, but page c040206 already holds it" in str(refused.value)
    assert f"({out / 'pages' / 'c040206.txt'}:9)" in str(refused.value)
    assert snapshot(out) == before


def test_two_pages_pasted_into_one_file_are_refused(capsys, tmp_path):
    # Page 5 with page 7 pasted after it, named c040205, into a pack that has page 7.
    out = tmp_path / "lib"
    run(capsys, "content", "import", P7, "--out", out)
    pack_dir = pack_dir_for(out, 2030, 4)
    before = snapshot(pack_dir)
    both = tmp_path / "in" / "c040205.txt"
    both.parent.mkdir()
    both.write_text(P5.read_text(encoding="utf-8") + P7.read_text(encoding="utf-8"), "utf-8")
    code, stdout, err = run(capsys, "content", "import", both, "--out", out)
    assert code == 1 and stdout == ""
    assert err.startswith(f"{both}:") and "page c040205 gives 4.2.7, but page c040207" in err
    assert f"({pack_dir / 'pages' / 'c040207.txt'}:3)" in err
    assert len(err.strip().splitlines()) == 1
    assert snapshot(pack_dir) == before
    # --strict tries the import on a copy of the pack; the page is named by its own path.
    code, _, err = run(capsys, "content", "import", both, "--out", out, "--strict")
    assert code == 1 and f"({pack_dir / 'pages' / 'c040207.txt'}:3)" in err
    assert snapshot(pack_dir) == before


def test_of_two_new_pages_giving_one_reference_the_later_is_refused(capsys, tmp_path):
    later = _page(
        tmp_path,
        "c040206.txt",
        "6 Energy Security\n\nText.\n\n5 Rules for Trade and Investment\n\nMore text.\n",
    )
    code, _, err = run(capsys, "content", "import", P5, later, "--out", tmp_path / "lib")
    assert code == 1
    assert f"{later}:7: error: page c040206 gives 4.2.5, but page c040205 of this import" in err
    pack = load_pack(pack_dir_for(tmp_path / "lib", 2030, 4))
    assert [p.id for p in pack.manifest.pages] == ["c040205"]
    assert "More text." not in [p.text for p in pack.paragraphs.values()]


# -- filing into a library ---------------------------------------------------------------


def test_one_import_files_pages_by_edition_and_chapter(capsys, tmp_path):
    later = tmp_path / "c040207.txt"
    later.write_text(
        P7.read_text(encoding="utf-8").replace(
            "Diplomatic Bluebook 2030", "Diplomatic Bluebook 2031"
        ),
        encoding="utf-8",
    )
    other = _page(
        tmp_path,
        "c050101.txt",
        "Diplomatic Bluebook 2030\n\n1 Consular Services\n\nJapan helps its nationals abroad.\n",
    )
    code, stdout, err = run(
        capsys, "content", "import", P5, later, other, "--out", tmp_path / "lib"
    )
    assert code == 0, err
    packs = {
        p.parent.relative_to(tmp_path / "lib").as_posix()
        for p in (tmp_path / "lib").rglob("manifest.yaml")
    }
    assert packs == {"2030/chapter4", "2031/chapter4", "2030/chapter5"}
    assert load_pack(tmp_path / "lib" / "2031" / "chapter4").manifest.edition_year == 2031
    code, stdout, _ = run(capsys, "--content", tmp_path / "lib", "section", "2031:4.2.7", "--json")
    assert code == 0 and json.loads(stdout)["edition"] == 2031


def test_a_page_whose_id_and_headings_disagree_replaces_nothing(capsys, tmp_path):
    """The 2024 page c030201 saved as c030102 (a real page of the library) and as c999999 (no
    page at all): each is refused in one line, the library is unchanged, and a good page of
    the same import is imported."""
    library = tmp_path / "lib"
    shutil.copytree(SAMPLE_LIBRARY / "2024", library / "2024")
    pack_dir = library / "2024" / "chapter3"
    before = snapshot(pack_dir)
    text = (pack_dir / "pages" / "c030201.txt").read_text(encoding="utf-8")
    wrong = _file(tmp_path / "wrong", "c030102.txt", text)
    nowhere = _file(tmp_path / "wrong", "c999999.txt", text)
    good = _file(
        tmp_path / "good",
        "c030203.txt",
        "Diplomatic Bluebook 2024\n\n3 Sample Partnerships\n\nJapan held sample talks.\n",
    )
    code, _, err = run(capsys, "content", "import", wrong, nowhere, good, "--out", library)
    assert code == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"{wrong}:7: error: the file name says page c030102 (chapter 3, section 1, part 2) but "
        "its headings say chapter 3, section 2, part 1; not imported, so nothing is replaced: "
        "if it is page c030201, name the file c030201.txt",
        f"{nowhere}:3: error: the file name says page c999999 (chapter 99, section 99, part 99) "
        "but its headings say chapter 3, section 2, part 1; not imported, so nothing is "
        "replaced: if it is page c030201, name the file c030201.txt",
    ]
    assert "2 page(s) not imported" in err and ": warning: " not in err
    assert sorted(p.name for p in (library / "2024").iterdir()) == ["chapter3"]
    after = snapshot(pack_dir)
    assert after.pop("pages/c030203.txt")
    assert {k: v for k, v in after.items() if k != "manifest.yaml"} == {
        k: v for k, v in before.items() if k != "manifest.yaml"
    }
    pack = load_pack(pack_dir)
    assert pack.sections["3.1.2"].title == "Disarmament and Non-proliferation"
    assert pack.sections["3.2.3"].title == "Sample Partnerships"
    assert len(pack.sections["3.2.1(1)"].paragraphs) == 2
    assert pack.sections["3.2.1(1)"].source_url.endswith("/c030201.html")


def test_strict_over_several_packs_writes_none_of_them(capsys, tmp_path):
    loose = _page(
        tmp_path,
        "c050101.txt",
        "Diplomatic Bluebook 2030\n\n1 Consular Services\n\n(1) First\n\nText.\n\n(3) Third\n\nText.\n",
    )
    code, _, err = run(
        capsys, "content", "import", P5, loose, "--out", tmp_path / "lib", "--strict"
    )
    assert code == 1 and "nothing written" in err
    assert not (tmp_path / "lib").exists()


@pytest.mark.parametrize("year", [1200, 2500])
def test_import_refuses_an_edition_that_is_no_year(capsys, tmp_path, year):
    """As /settings does: an edition is a year from 1900 to 2199; nothing is written."""
    code, _, err = run(capsys, "content", "import", P5, "--edition", year, "--out", tmp_path / "l")
    assert code == 1 and f"--edition {year}: an edition is a year" in err
    assert not (tmp_path / "l").exists()


def test_edition_option_never_overrides_the_year_a_page_says(capsys, tmp_path):
    """--edition is for a page that does not say its edition; one that says another year
    is refused in one line, and a page that does not say is filed under the option."""
    bare = _file(
        tmp_path / "in", "c040207.txt", P7.read_text().replace("Diplomatic Bluebook 2030\n", "")
    )
    out = tmp_path / "lib"
    code, _, err = run(capsys, "content", "import", P5, bare, "--edition", 2024, "--out", out)
    assert code == 1
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"{P5}:1: error: the page says Diplomatic Bluebook 2030 but --edition says 2024; not "
        "imported: --edition is for a page that does not say its edition"
    ]
    packs = sorted(p.parent.relative_to(out).as_posix() for p in out.rglob("manifest.yaml"))
    assert packs == ["2024/chapter4"]
    assert [p.id for p in load_pack(out / "2024" / "chapter4").manifest.pages] == ["c040207"]
    # Saved HTML whose edition is only in its title says it too.
    html = SAMPLES / "c040205.html"
    with pytest.raises(ImportFailure, match="names the 2030 edition in its title or address"):
        import_pages([html], tmp_path / "pack", edition=2024)
    assert not (tmp_path / "pack").exists()
