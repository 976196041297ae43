"""The user docs stay short, current and linked: README length, no issue numbers, no dead links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_MAX_LINES = 300
DOCS = [README, ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# "issue 15", "issues 14-19", "#15" (but not a reference's "3.1.1(3)#1"), "(issue".
ISSUE = re.compile(r"\bissues?\s+#?\d|(?<![\w)\]])#\d+\b|\(issue", re.IGNORECASE)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def _prose(path: Path) -> list[tuple[int, str]]:
    """The lines outside fenced code blocks, with their numbers, inline code removed."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, re.sub(r"`[^`]*`", "", line)))
    return lines


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|\*", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for _, line in _prose(path) if re.match(r"^#{1,6} ", line)}


def _names(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES


@pytest.mark.parametrize("path", DOCS, ids=_names)
def test_no_line_names_an_issue(path: Path) -> None:
    text = path.read_text(encoding="utf-8").splitlines()
    offending = [f"{n}: {line}" for n, line in enumerate(text, start=1) if ISSUE.search(line)]
    assert offending == []


@pytest.mark.parametrize("path", DOCS, ids=_names)
def test_every_relative_link_points_to_a_file_and_heading_that_exist(path: Path) -> None:
    broken = []
    for number, line in _prose(path):
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target):  # https:, mailto:
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{number}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{number}: {target} (no such heading)")
    assert broken == []


def test_the_checks_see_what_they_look_for() -> None:
    # Guards against a check that passes because it reads nothing.
    assert ISSUE.search("as issue 15 said") and ISSUE.search("see #15") and ISSUE.search("(issue")
    assert not ISSUE.search("`3.1.1(3)#1`") and not ISSUE.search("[[GCAP]] #general")
    assert "loading-more-of-the-bluebook" in _anchors(README)
    assert _slug("/stats and the usage log") == "stats-and-the-usage-log"
    assert LINK.findall("see [the docs](docs/search.md#the-thesaurus).") == [
        "docs/search.md#the-thesaurus"
    ]
