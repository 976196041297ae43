"""Turn another Bluebook-style chapter text into a content pack the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.pack.loader import MANIFEST_FILE, Problem, check_pack
from bot.pack.parser import parse_chapter

DEFAULT_SOURCE_URL = "https://www.mofa.go.jp/policy/other/bluebook/index.html"


def import_text(
    source: Path,
    out: Path,
    *,
    source_url: str | None = None,
    language: str = "en",
) -> list[Problem]:
    """Write manifest, text and an empty fact index to `out`; return the pack's problems.

    Raises ParseError when the text has no chapter structure, and OSError when files
    cannot be read or written.
    """
    text = source.read_text(encoding="utf-8")
    tree = parse_chapter(text)
    preamble = [line.strip() for line in text.splitlines()[: tree.line - 1] if line.strip()]
    title = preamble[0] if preamble else "Diplomatic Bluebook"
    year = re.search(r"\b(19|20)\d{2}\b", title)
    manifest = {
        "title": title,
        "edition_year": int(year.group(0)) if year else 0,
        "chapter_number": int(tree.ref),
        "chapter_title": tree.title or f"Chapter {tree.ref}",
        "language": language,
        "source_url": source_url or DEFAULT_SOURCE_URL,
        "text": "chapter.txt",
        "facts": "facts.yaml",
        "glossary": "glossary.yaml",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "chapter.txt").write_text(text, encoding="utf-8")
    (out / MANIFEST_FILE).write_text(
        yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    facts = out / "facts.yaml"
    if not facts.exists():
        facts.write_text("# Add facts here; see the shipped pack for the fields.\nfacts: []\n")
    glossary = out / "glossary.yaml"
    if not glossary.exists():
        glossary.write_text("terms: []\nspellings: []\n", encoding="utf-8")
    return check_pack(out)[1]
