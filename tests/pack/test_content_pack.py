"""The shipped pack is valid, and broken copies are reported as file:line problems."""

import shutil
from pathlib import Path

import pytest

from bot.pack.loader import ContentError, check_pack, load_pack

CONTENT = Path(__file__).resolve().parents[2] / "content"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"


def test_shipped_pack_has_no_problems():
    pack, problems = check_pack(CONTENT)
    assert pack is not None
    assert [str(p) for p in problems] == []


def test_manifest_fields(pack):
    m = pack.manifest
    assert m.title == "Diplomatic Bluebook 2025"
    assert (m.edition_year, m.chapter_number, m.language) == (2025, 3, "en")
    assert m.source_url.endswith("/2025/en_html/chapter3/c030101.html")


def test_every_fact_quote_is_verbatim_and_every_leaf_has_a_fact(pack):
    assert len(pack.facts) >= 25
    covered = set()
    for fact in pack.facts:
        para = pack.paragraphs.get(fact.ref)
        texts = [para.text] if para else [p.text for p in pack.sections[fact.ref].all_paragraphs()]
        assert any(fact.quote in t for t in texts), fact.id
        covered.add(para.section_ref if para else fact.ref)
    leaves = {s.ref for s in pack.sections.values() if s.is_leaf}
    assert leaves <= covered


@pytest.mark.skipif(not SEED.exists(), reason="../shared is not beside this clone")
def test_chapter_text_is_the_published_seed():
    seed = SEED / "bluebook-2025-chapter3-section1.txt"
    assert (CONTENT / "chapter.txt").read_bytes() == seed.read_bytes()


def test_glossary_has_the_core_terms(pack):
    terms = {t.term for t in pack.glossary.terms}
    assert {"NSS", "GCAP", "GIGO", "PKO", "MOFA", "US", "UK", "UN"} <= terms


@pytest.fixture
def copy(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _errors(directory):
    return [str(p) for p in check_pack(directory)[1] if not p.warning]


def test_bad_yaml_names_file_and_line(copy):
    facts = copy / "facts.yaml"
    _edit(facts, "  - id: nss-counterstrike", "  - id: [nss-counterstrike")
    errors = _errors(copy)
    assert len(errors) == 1
    assert errors[0].startswith(f"{facts}:")
    assert "bad YAML" in errors[0]


def test_bad_yaml_in_the_glossary_is_reported_once(copy):
    glossary = copy / "glossary.yaml"
    with glossary.open("a", encoding="utf-8") as f:
        f.write("  - term: [\n")
    errors = _errors(copy)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{glossary}:") and "bad YAML" in errors[0]


def test_a_broken_manifest_still_lets_the_other_files_be_checked(copy):
    with (copy / "manifest.yaml").open("a", encoding="utf-8") as f:
        f.write("title: [unclosed\n")
    with (copy / "glossary.yaml").open("a", encoding="utf-8") as f:
        f.write("  - term: [\n")
    files = sorted(e.split(":", 1)[0] for e in _errors(copy))
    assert files == [str(copy / "glossary.yaml"), str(copy / "manifest.yaml")]


def test_missing_manifest_field(copy):
    manifest = copy / "manifest.yaml"
    _edit(manifest, "language: en\n", "")
    assert _errors(copy) == [f"{manifest}:2: missing field 'language'"]


def test_duplicate_id_unknown_ref_and_misquote_are_all_listed(copy):
    facts = copy / "facts.yaml"
    _edit(facts, "id: military-buildup-nuclear-missile", "id: security-environment-severe")
    _edit(
        facts,
        "ref: 3.1.1(3)¶1\n    tags: [territorial integrity, public",
        "ref: 3.1.7\n    tags: [x",
    )
    _edit(facts, "a total of 137 times on", "a total of 200 times on")
    errors = _errors(copy)
    dup = _line_of(facts, "id: security-environment-severe")
    assert any("duplicate id 'security-environment-severe'" in e for e in errors)
    assert any(e.startswith(f"{facts}:") and "unknown reference '3.1.7'" in e for e in errors)
    misquote = _line_of(facts, "a total of 200 times")
    assert (
        f"{facts}:{misquote}: fact 'escorts-137-times': quote is not verbatim in 3.1.1(2)¶2"
        in errors
    )
    assert len(errors) == 3
    assert dup > 0


def test_load_pack_refuses_invalid_content(copy):
    _edit(copy / "manifest.yaml", "chapter_number: 3", "chapter_number: three")
    with pytest.raises(ContentError) as info:
        load_pack(copy)
    assert "'chapter_number' must be a int" in str(info.value.problems[0])


def test_missing_text_file(copy):
    (copy / "chapter.txt").unlink()
    errors = _errors(copy)
    assert len(errors) == 1 and "cannot read chapter text" in errors[0]


def test_number_not_in_quote_is_reported(copy):
    _edit(copy / "facts.yaml", 'numbers: ["137"]', 'numbers: ["138"]')
    assert any("'138' is not stated in its quote" in e for e in _errors(copy))


@pytest.mark.parametrize("text", ["", "\n  \n"])
def test_an_empty_chapter_text_is_one_error_naming_it(copy, text):
    """Not dozens of facts and terms pointing nowhere, with the cause left unsaid."""
    (copy / "chapter.txt").write_text(text, encoding="utf-8")
    assert _errors(copy) == [f"{copy / 'chapter.txt'}:1: chapter text is empty"]
