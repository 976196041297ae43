"""The text stamp a search's buttons carry (bot/served.py): it changes with what a search
reads, and not with what it does not read."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.served import ServedLibrary
from tests.samples import LIBRARY


def _stamp(library: Path) -> str:
    return ServedLibrary.load(library).text_stamp


def test_the_stamp_follows_the_text_not_the_files_comments_or_facts(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    first = _stamp(library)
    chapter = library / "2025" / "chapter3"
    glossary = chapter / "glossary.yaml"
    # A comment line moves every term's line in the file; nothing a search reads changes.
    glossary.write_text("# a note\n" + glossary.read_text(encoding="utf-8"), encoding="utf-8")
    facts = chapter / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n# another note\n", encoding="utf-8")
    assert _stamp(library) == first
    # A glossary term's expansion is read by search.
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text.replace("Japan Coast Guard", "Japan Coast Guards"), encoding="utf-8")
    assert _stamp(library) != first
