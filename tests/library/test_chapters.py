"""References across the chapters of an edition, without Discord: the sample library with
chapter 4 beside chapter 3 in 2024 and 2025 (tests/samples `add_chapter4`)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.library import Library, check_library, load_library
from bot.pack.loader import ContentError
from bot.pack.model import edition_glossary
from bot.pack.refs import EditionRefs, RefIndex, chapter_named
from tests.library.test_cli_library import server_reads
from tests.samples import FACT_CHAPTER4, LIBRARY, add_chapter4


@pytest.fixture(scope="module")
def two_chapters(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("chapters")
    shutil.copytree(LIBRARY, root / "library")
    add_chapter4(root / "library", root / "pages")
    return root / "library"


@pytest.fixture(scope="module")
def library(two_chapters: Path) -> Library:
    return load_library(two_chapters)


def _refs(library: Library, *keys: str) -> EditionRefs:
    return EditionRefs([RefIndex(library.packs[k]) for k in keys])


@pytest.mark.parametrize(
    ("text", "chapter"),
    [
        ("4.2.5(1)", 4),
        ("§4.2.5(1)¶2", 4),
        ("sec 3.1.1 (3)", 3),
        ("1.1(3) p1", 1),
        ("Overview", None),
    ],
)
def test_chapter_named(text, chapter):
    assert chapter_named(text) == chapter


def test_a_reference_opens_the_chapter_it_names(library):
    refs = _refs(library, "2024-3", "2024-4")
    found = refs.resolve("4.2.5(1)¶2")
    assert found.paragraph is not None and found.paragraph.ref == "4.2.5(1)¶2"
    assert found.pack is library.packs["2024-4"]
    assert refs.resolve("3.1.3(1)").pack is library.packs["2024-3"]
    # The chapter left out: the reader's chapter, as with one chapter.
    assert refs.resolve("1.3(1)").section.ref == "3.1.3(1)"
    # A title in another chapter; a paragraph past the last names that chapter's section.
    assert refs.resolve("Accession Process").section.ref == "4.2.5(2).A(A)"
    missing = refs.resolve("4.2.5(1)¶9")
    assert missing.missing_paragraph == 9 and missing.pack is library.packs["2024-4"]
    # A reader of chapter 4 opens chapter 3 the same way.
    assert _refs(library, "2024-4", "2024-3").resolve("3.1.3(1)").section.ref == "3.1.3(1)"


def test_an_unknown_reference_suggests_from_the_chapter_it_names(library):
    found = _refs(library, "2024-3", "2024-4").resolve("4.2.9")
    assert found.section is None
    assert found.suggestions[0].ref == "4.2" and found.pack is library.packs["2024-4"]


def test_an_unknown_title_is_offered_the_closest_sections_of_every_chapter(library, capsys):
    for keys in (("2024-3", "2024-4"), ("2024-4", "2024-3")):
        found = _refs(library, *keys).resolve("Frameworks of Regions")
        assert found.section is None and found.pack is library.packs[keys[0]]
        assert found.suggestions[0].ref == "4.2.5(2)", keys
        assert {s.ref.split(".")[0] for s in found.suggestions} == {"3", "4"}
    # The command line's section says the same.
    argv = ["--content", str(library.root), "section", "Frameworks of Regions"]
    assert main([*argv, "--edition", "2024"]) == 1
    assert "; closest: 4.2.5(2) Regional Frameworks, " in capsys.readouterr()[1]


def test_the_edition_glossary_has_every_chapters_terms_once(library):
    three, four = library.packs["2024-3"].glossary, library.packs["2024-4"].glossary
    merged = edition_glossary(three, [four])
    names = [t.term.casefold() for t in merged.terms]
    assert len(names) == len(set(names)) and {"jcg", "rcep", "cptpp"} <= set(names)
    assert merged.spellings == three.spellings and merged.thesaurus == three.thesaurus
    # Chapter 3 says where it has the WTO; chapter 4's copy of the shipped glossary does not.
    for glossary in (merged, edition_glossary(four, [three])):
        assert next(t for t in glossary.terms if t.term == "WTO").ref == "3.2.1(1)¶1"
    assert edition_glossary(three, []) is three


@pytest.mark.parametrize("text", ["3.1.1(1)", "1.1(1)", "Overview", "9.9", "", "3.1.1(1)¶9"])
def test_one_chapter_reads_as_before(library, text):
    pack = library.packs["2026-3"]
    alone = RefIndex(pack)
    assert EditionRefs([alone]).resolve(text) == alone.resolve(text)
    assert EditionRefs([alone]).complete(text) == alone.complete(text)


def test_the_cli_section_opens_another_chapter(two_chapters, capsys):
    code = main(["--content", str(two_chapters), "section", "4.2.5(1)", "--edition", "2024"])
    out, _ = capsys.readouterr()
    assert code == 0 and "[4.2.5(1)] (1) Overview" in out
    assert "/2024/en_html/chapter4/c040205.html" in out
    main(["--content", str(two_chapters), "section", "2025:4.2.5(2).A¶1", "--json"])
    data = json.loads(capsys.readouterr()[0])
    assert (data["edition"], data["pack"]) == (2025, "2025-4")
    assert "grown to 14 members" in data["paragraphs"][0]["text"]


def test_the_cli_toc_lists_every_chapter_of_the_edition(two_chapters, capsys):
    code = main(["--content", str(two_chapters), "toc", "--edition", "2024"])
    out = capsys.readouterr()[0]
    assert code == 0 and out.endswith("(Diplomatic Bluebook 2024)\n")
    assert out.index("3.2.2(2)  ") < out.index("\n4  ") < out.index("4.2.5(2).B.col1")
    main(["--content", str(two_chapters), "toc", "--edition", "2024", "--json"])
    assert [chapter["ref"] for chapter in json.loads(capsys.readouterr()[0])] == ["3", "4"]
    main(["--content", str(two_chapters), "toc"])  # 2026 holds chapter 3 only, as before
    assert "\n4" not in capsys.readouterr()[0]


@pytest.fixture(scope="module")
def fact_in_chapter4(tmp_path_factory) -> Path:
    """The two chapters, with a fact in chapter 4 of 2024 beside chapter 3's three."""
    root = tmp_path_factory.mktemp("fact4")
    shutil.copytree(LIBRARY, root / "library")
    add_chapter4(root / "library", root / "pages")
    (root / "library" / "2024" / "chapter4" / "facts.yaml").write_text(FACT_CHAPTER4, "utf-8")
    return root / "library"


def _cli(capsys, library: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--content", str(library), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_fact_draws_from_every_chapter_of_the_edition(fact_in_chapter4, capsys):
    code, out, _ = _cli(capsys, fact_in_chapter4, "fact", "cptpp-members", "--edition", "2024")
    assert code == 0 and out.startswith("The CPTPP has grown to 12 members\n")
    assert "— 4.2.5(2).A¶1, Diplomatic Bluebook 2024" in out and "/2024/en_html/chapter4/" in out
    _, out, _ = _cli(capsys, fact_in_chapter4, "fact", "--all", "--edition", "2024", "--json")
    listed = [f["ref"] for f in json.loads(out)]
    assert len(listed) == 4 and listed[-1] == "4.2.5(2).A¶1"
    _, out, _ = _cli(capsys, fact_in_chapter4, "fact", "--topic", "CPTPP", "--edition", "2024")
    assert out.startswith("The CPTPP has grown to 12 members\n")
    # An id mistyped is offered the closest of every chapter.
    code, _, err = _cli(capsys, fact_in_chapter4, "fact", "cptpp-member", "--edition", "2024")
    assert code == 1 and "closest: cptpp-members" in err


def test_facts_suggest_drafts_for_every_chapter_each_into_its_own(tmp_path, capsys):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, tmp_path / "pages")
    code, out, _ = _cli(capsys, library, "content", "facts", "suggest", "--edition", "2024")
    assert code == 0 and "\n3.1.3(1)¶2  " in out and "\n4.2.5(1)¶2  " in out
    assert out.index("\n3.1.3(1)¶2") < out.index("\n4.2.5(1)¶2")
    # A reference reads in the chapter it names, and writes only that chapter's drafts.
    argv = ("content", "facts", "suggest", "4.2.5(1)", "--edition", "2024", "--write")
    code, out, err = _cli(capsys, library, *argv)
    chapter4 = library / "2024" / "chapter4" / "facts.yaml"
    assert code == 0 and "3.1.3" not in out and f"draft(s) to {chapter4};" in err
    assert "chapter3" not in err
    code, out, err = _cli(
        capsys, library, "content", "facts", "suggest", "--edition", "2024", "--write"
    )
    assert code == 0 and "4.2.5(1)¶2" not in out  # drafted already
    assert "2024/chapter3/facts.yaml;" in err and "2024/chapter4/facts.yaml;" in err
    code, _, err = _cli(capsys, library, "content", "check", "--verbose")
    drafts = {line.split(":")[0].strip() for line in err.splitlines() if "is a draft" in line}
    assert code == 0 and drafts == {
        str(library / "2024" / f"chapter{n}" / "facts.yaml") for n in (3, 4)
    }


def _suggest_write(capsys, library: Path) -> tuple[int, str, str]:
    return _cli(capsys, library, "content", "facts", "suggest", "--edition", "2024", "--write")


def _facts_files(library: Path) -> dict[int, bytes | None]:
    """Each 2024 chapter's facts.yaml as it is on disk (None: not there)."""
    files = {n: library / "2024" / f"chapter{n}" / "facts.yaml" for n in (3, 4)}
    return {n: path.read_bytes() if path.exists() else None for n, path in files.items()}


def test_facts_suggest_write_refused_in_one_chapter_changes_no_chapter(tmp_path, capsys):
    """Chapter 4's drafts cannot be appended (its `facts` list is not the last key): chapter
    3's facts.yaml, which comes first, is left as it was too."""
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, tmp_path / "pages")
    chapter4 = library / "2024" / "chapter4" / "facts.yaml"
    chapter4.write_text(FACT_CHAPTER4 + "reviewed_by: the editor\n", encoding="utf-8")
    before = _facts_files(library)
    code, _, err = _suggest_write(capsys, library)
    assert code == 1 and _facts_files(library) == before
    assert err.splitlines() == [
        f"error: 2024 chapter 4: {chapter4}: 'facts' is not the last key; add the drafts by "
        "hand; no facts file was changed"
    ]


@pytest.mark.parametrize("unwritable", ["file in place of its folder", "read-only folder"])
def test_facts_suggest_write_that_cannot_write_one_chapter_changes_no_chapter(
    tmp_path, capsys, unwritable
):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, tmp_path / "pages")
    folder = library / "2024" / "chapter4"
    if unwritable == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only folder")
        (folder / "facts.yaml").unlink()  # to be made anew, in a folder that refuses it
        folder.chmod(0o555)
        target, reason = folder / "facts.yaml", "permission denied"
    else:
        # The manifest names its facts file in a folder `reviewed`, but a file has that name.
        manifest = folder / "manifest.yaml"
        text = manifest.read_text(encoding="utf-8")
        assert "\nfacts: facts.yaml\n" in text
        manifest.write_text(text.replace("\nfacts: facts.yaml\n", "\nfacts: reviewed/facts.yaml\n"))
        (folder / "reviewed").write_text("notes\n", encoding="utf-8")
        target, reason = folder / "reviewed" / "facts.yaml", "not a directory"
    before = _facts_files(library)
    try:
        code, _, err = _suggest_write(capsys, library)
    finally:
        folder.chmod(0o755)
    assert code == 1 and _facts_files(library) == before
    assert err.splitlines() == [
        f"error: 2024 chapter 4: {target}: cannot be written ({reason}); no facts file was changed"
    ]
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".part")) == []


def test_a_fact_id_two_chapters_of_an_edition_share_is_a_warning(tmp_path):
    shutil.copytree(LIBRARY, tmp_path / "library")
    add_chapter4(tmp_path / "library", tmp_path / "pages")
    facts = tmp_path / "library" / "2024" / "chapter4" / "facts.yaml"
    facts.write_text(
        "facts:\n  - id: jcg-exercises\n    headline: The CPTPP has grown\n"
        '    quote: "has grown to 12 members"\n    ref: 4.2.5(2).A¶1\n',
        "utf-8",
    )
    library, problems = check_library(tmp_path / "library")
    assert library is not None
    shared = [p for p in problems if "also a fact of chapter 3" in p.message]
    assert [(p.file, p.line, p.warning) for p in shared] == [(str(facts), 2, True)]
    assert "fact id 'jcg-exercises' is also a fact of chapter 3" in shared[0].message


def test_the_cli_compare_reads_the_chapter_a_reference_names(two_chapters, capsys):
    argv = ("compare", "4.2.5(2).A", "--from", "2024", "--to", "2025")
    code, out, _ = _cli(capsys, two_chapters, *argv)
    assert code == 0 and "has grown to [-12-]{+14+} members" in out
    code, out, _ = _cli(capsys, two_chapters, "compare", "2024:4.2.5(2).A¶1", "--to", "2025")
    assert code == 0 and "[-12-]{+14+}" in out
    # A chapter one of the two editions lacks is named, with the editions holding it.
    code, _, err = _cli(capsys, two_chapters, "compare", "4.2.5(1)", "--from", "2025")
    assert code == 1 and "chapter 4 is not held in 2026" in err and "held in 2025, 2024" in err


def test_the_cli_compare_without_a_reference_lists_every_chapter(two_chapters, capsys):
    code, out, _ = _cli(capsys, two_chapters, "compare", "--from", "2024", "--to", "2025")
    assert code == 0 and out.index("\nChapter 3:\n") < out.index("\nChapter 4:\n")
    assert "  1. 4.2.5(2).A " in out.split("\nChapter 4:\n")[1]
    code, out, _ = _cli(capsys, two_chapters, "compare", "--from", "2024", "--to", "2025", "--json")
    data = json.loads(out)
    assert data["chapters"] == [3, 4] and "4.2.5(2).A" in [s["ref"] for s in data["sections"]]
    # 2026 holds chapter 3 only: chapter 4 is named, not compared.
    code, out, _ = _cli(capsys, two_chapters, "compare", "--from", "2025", "--to", "2026")
    assert code == 0 and "Not compared: chapter 4 (only in 2025)" in out


def test_fotd_plan_draws_from_every_chapter_of_the_server_edition(fact_in_chapter4, capsys):
    db = fact_in_chapter4.parent / "plan.db"
    asyncio.run(server_reads(db, 9, 2024))
    argv = ("fotd", "plan", "--guild", "9", "--days", "8", "--db", str(db), "--json")
    code, out, _ = _cli(capsys, fact_in_chapter4, *argv)
    planned = [row["fact_id"] for row in json.loads(out)]
    # Four facts, chapter 4's among them: no fact repeats before every one has been posted.
    assert code == 0 and len(set(planned[:4])) == 4 and "cptpp-members" in planned[:4]
    assert planned[4:] and set(planned[4:]) <= set(planned[:4])
    rows = json.loads(out)
    assert next(r["ref"] for r in rows if r["fact_id"] == "cptpp-members") == "4.2.5(2).A¶1"


def test_the_cli_section_says_where_a_section_is_held_and_which_chapter_is_lacking(
    two_chapters, capsys
):
    code, _, err = _cli(capsys, two_chapters, "section", "4.2.5(1)")  # 2026: chapter 3 only
    assert code == 1 and err.startswith("error: unknown reference '4.2.5(1)'; closest: ")
    assert err.endswith(
        ". 2026 has no chapter 4; it holds chapter 3. Held in 2025, 2024: '2025:4.2.5(1)'\n"
    )
    assert len(err.splitlines()) == 1
    _, _, err = _cli(capsys, two_chapters, "section", "2026:4.2.5(1)")
    assert ". Not held in 2026. Held in 2025, 2024: '2025:4.2.5(1)'\n" in err
    _, _, err = _cli(capsys, two_chapters, "section", "5.1.1", "--edition", "2025")
    assert err.endswith(". 2025 has no chapter 5; it holds chapters 3, 4\n")
    # A section of a chapter the edition holds: no note on chapters.
    _, _, err = _cli(capsys, two_chapters, "section", "3.1.3", "--edition", "2025")
    assert "has no chapter" not in err and err.endswith(". Held in 2026, 2024: '2026:3.1.3'\n")


@pytest.mark.parametrize("typed", ["2024:", "@2024", " 2024 : "])
def test_an_edition_without_a_reference_is_not_read_as_a_chapter(two_chapters, capsys, typed):
    """'2024:' alone names an edition, not chapter 2024 (trial 7)."""
    for command in ("section", "compare"):
        code, _, err = _cli(capsys, two_chapters, command, typed)
        expected = f"error: '{typed.strip()}' names an edition only: give a reference after it\n"
        assert (code, err) == (1, expected), command


def test_a_missing_page_is_named_on_its_manifest_line_with_the_fix(tmp_path, capsys):
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    add_chapter4(library, tmp_path / "pages")
    (library / "2024" / "chapter4" / "pages" / "c040205.txt").unlink()
    manifest = library / "2024" / "chapter4" / "manifest.yaml"
    line = manifest.read_text("utf-8").splitlines().index("- id: c040205") + 1
    _, problems = check_library(library)
    errors = [p for p in problems if not p.warning]
    # One problem, on the page's manifest entry, with both ways to get the page back.
    assert [(e.file, e.line) for e in errors] == [(str(manifest), line)]
    assert errors[0].message == (
        "page c040205 is listed here but its file pages/c040205.txt is missing: fetch it with "
        f"`bluebook-bot content fetch --edition 2024 --chapter 4 --pages c040205 --out {library}`"
        f", or import the saved page again (`bluebook-bot content import c040205.txt --out "
        f"{library}`)"
    )
    # Start-up and the CLI refuse the library, as for any invalid pack, saying just that.
    with pytest.raises(ContentError) as refused:
        load_library(library)
    assert refused.value.problems == errors
    code, out, err = _cli(capsys, library, "content", "check")
    assert code == 1 and f"{manifest}:{line}: page c040205 is listed here" in out + err
    assert "Errno" not in out + err


@pytest.fixture(scope="module")
def chapter4_only_in_2024(tmp_path_factory, two_chapters: Path) -> Path:
    """2024 holds chapter 4 only; 2025 holds chapters 3 and 4."""
    root = tmp_path_factory.mktemp("shifted") / "library"
    shutil.copytree(two_chapters, root)
    shutil.rmtree(root / "2024" / "chapter3")
    return root


def test_editions_are_compared_chapter_with_chapter(chapter4_only_in_2024, capsys):
    """Without a reference, only chapters both editions hold are compared, each with itself:
    never 2024's chapter 4 with 2025's chapter 3 (each edition's first chapter)."""
    library = load_library(chapter4_only_in_2024)
    before, after = library.key_for(2024, 3), library.key_for(2025, 3)
    assert library.compared_pairs(before, after) == [("2024-4", "2025-4")]
    code, out, _ = _cli(capsys, chapter4_only_in_2024, "compare", "--from", "2024", "--to", "2025")
    assert code == 0 and "4.2.5(2).A" in out
    assert "Not compared: chapter 3 (only in 2025)" in out
    assert "c0301" not in out  # no page of chapter 3 reported missing from 2024


def test_the_cli_fact_draws_as_slash_fact_while_the_newest_edition_has_none(capsys):
    """The sample library's 2026 has no facts (a fresh fetch): `fact` draws 2025's and says
    so, as /fact does; `--edition 2026` is read as named and names the edition with facts."""
    code, out, err = _cli(capsys, LIBRARY, "fact", "--all", "--json")
    assert code == 0 and json.loads(out)
    assert err == (
        "note: Diplomatic Bluebook 2026 has no facts yet; these are Diplomatic Bluebook 2025's,"
        " as /fact draws them\n"
    )
    code, out, err = _cli(capsys, LIBRARY, "fact")
    assert code == 0 and "Diplomatic Bluebook 2025" in out
    code, _, err = _cli(capsys, LIBRARY, "fact", "--edition", "2026")
    assert code == 1
    assert err == "error: Diplomatic Bluebook 2026 has no facts; 2025 has some: --edition 2025\n"
