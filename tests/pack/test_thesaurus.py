"""`content check` reads the glossary's thesaurus and reports its problems as file:line."""

import shutil
from pathlib import Path

import pytest

from bot.pack.loader import check_pack

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return target


def _with_thesaurus(copy: Path, body: str) -> Path:
    glossary = copy / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8").split("\nthesaurus:")[0]
    glossary.write_text(text + "\nthesaurus:\n" + body, encoding="utf-8")
    return glossary


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_the_shipped_thesaurus_is_read(pack) -> None:
    entries = pack.glossary.thesaurus
    assert len(entries) >= 40
    words = {w for e in entries for w in e.words}
    assert {"fake news", "hacking", "arms exports", "fighter jet"} <= words


def test_unknown_target_is_a_warning_with_its_line(copy: Path) -> None:
    glossary = _with_thesaurus(
        copy,
        "  - words: [fake news]\n    means: [disinformation]\n"
        "  - words: [computers]\n    means: [quantum computing]\n",
    )
    pack, problems = check_pack(copy)
    assert pack is not None
    assert [str(p) for p in problems] == [
        f"{glossary}:{_line(glossary, '[computers]')}: warning: thesaurus: "
        "'quantum computing' occurs nowhere in the library"
    ]
    assert len(pack.glossary.thesaurus) == 2


def test_a_spelling_variant_or_a_plural_of_a_target_is_found(copy: Path) -> None:
    _with_thesaurus(copy, "  - words: [arms sales]\n    means: [defence equipment, cyberattack]\n")
    assert check_pack(copy)[1] == []


def test_duplicate_words_are_errors_with_both_lines(copy: Path) -> None:
    glossary = _with_thesaurus(
        copy,
        "  - words: [fake news]\n    means: [disinformation]\n"
        "  - words: [Fake-News, propaganda]\n    means: [information manipulation]\n",
    )
    problems = [str(p) for p in check_pack(copy)[1]]
    first, second = _line(glossary, "[fake news]"), _line(glossary, "Fake-News")
    assert problems == [
        f"{glossary}:{second}: thesaurus: duplicate word 'Fake-News' (first at line {first})"
    ]


def test_cycles_are_errors(copy: Path) -> None:
    glossary = _with_thesaurus(
        copy,
        "  - words: [disinformation]\n    means: [information manipulation]\n"
        "  - words: [information manipulation]\n    broader: [disinformation]\n"
        "  - words: [cyberattacks]\n    means: [cyberattacks]\n",
    )
    problems = [str(p) for p in check_pack(copy)[1]]
    assert (
        f"{glossary}:{_line(glossary, '[disinformation]')}: thesaurus: cycle disinformation"
        in (problems[0])
    )
    assert any("cycle cyberattacks -> cyberattacks" in p for p in problems)
    assert len(problems) == 3


def test_bad_shapes_are_reported(copy: Path) -> None:
    glossary = _with_thesaurus(
        copy,
        "  - words: [hacking]\n"
        "  - just a string\n"
        "  - words: [spies]\n    means: [intelligence]\n    colour: red\n"
        "  - words: [3]\n    means: [cyberattacks]\n",
    )
    problems = [str(p) for p in check_pack(copy)[1]]
    assert problems == [
        f"{glossary}:{_line(glossary, '[hacking]')}: thesaurus entry 'hacking' needs 'means', "
        "'broader' or 'narrower'",
        f"{glossary}:{_line(glossary, 'just a string')}: a thesaurus entry must be a mapping "
        "with 'words' and 'means'",
        f"{glossary}:{_line(glossary, 'colour')}: thesaurus: unknown field 'colour'",
        f"{glossary}:{_line(glossary, '[3]')}: thesaurus: 'words' must be a list of words or "
        "phrases",
    ]
