"""/toc of a whole chapter: an outline too long for one message keeps every top-level section."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.pack.loader import load_pack
from bot.pack.model import Manifest, Pack
from bot.pack.parser import parse_chapter
from bot.replies.common import embed_size
from bot.replies.limits import EMBED_TOTAL_MAX
from bot.replies.section import toc_reply
from tests.conftest import CONTENT


def _whole_chapter() -> Pack:
    """Four sections of six headings of six bracketed items: longer than two embeds."""
    lines = ["Chapter 3", "", "Long Chapter", ""]
    for s in range(1, 5):
        lines += [f"Section {s} Section Title Number {s} About Things", ""]
        for n in range(1, 7):
            lines += [f"{n} Numbered Heading {s}.{n} on Policy", ""]
            for b in range(1, 7):
                lines += [f"({b}) Bracketed Heading {s}.{n}.{b} Cooperation", "", "Text.", ""]
    manifest = Manifest("T", 2030, 3, "Long Chapter", "en", "https://example.org/x")
    return Pack(manifest, parse_chapter("\n".join(lines)))


def test_a_long_outline_drops_deep_levels_not_later_sections():
    pack = _whole_chapter()
    reply = toc_reply(pack)
    assert sum(embed_size(e) for e in reply.embeds) <= EMBED_TOTAL_MAX
    shown = "\n".join(e["description"] for e in reply.embeds)
    # Every section and numbered heading is listed, to the last one.
    for s in range(1, 5):
        assert f"`3.{s}` Section {s}" in shown
        for n in range(1, 7):
            assert f"`3.{s}.{n}` {n} Numbered" in shown
    # The bracketed level is left out and the footer says how to see it.
    assert "`3.1.1(1)`" not in shown
    footer = reply.embeds[-1]["footer"]["text"]
    assert footer == (
        "Deeper headings left out to fit; /section lists a heading's own, e.g. /section 3.1.1"
    )


def test_an_outline_that_fits_is_whole_and_says_nothing_is_left_out(pack):
    reply = toc_reply(pack)
    assert "`3.1.1(3)`" in reply.embeds[0]["description"]
    assert reply.embeds[-1]["footer"]["text"].startswith("Open one with /section")


# An `A` heading holding an `(a)` with no `(A)` between, as some parts of the Bluebook have.
LETTERED = """
A Letter Heading

Text under the letter heading.

(a) Lower Heading

Text under the lower heading.
"""


def lettered_content(where: Path) -> Path:
    """A copy of the shipped pack with `LETTERED` under its last heading, 3.1.1(3)."""
    copy = where / "lettered"
    shutil.copytree(CONTENT, copy)
    with (copy / "chapter.txt").open("a", encoding="utf-8") as f:
        f.write(LETTERED)
    return copy


def indents(lines: list[str], mark: str) -> dict[str, int]:
    """Each outline line's reference and how many `mark`s it is indented by."""
    found = {}
    for line in lines:
        ref = line.lstrip(mark).split()[0].strip("`")
        found[ref] = (len(line) - len(line.lstrip(mark))) // len(mark)
    return found


def test_each_heading_is_one_step_deeper_than_its_parent(tmp_path):
    pack = load_pack(lettered_content(tmp_path))
    assert pack.sections["3.1.1(3).A(a)"].parent is pack.sections["3.1.1(3).A"]
    shown = indents(toc_reply(pack).embeds[0]["description"].splitlines(), "\u2003")
    assert shown["3.1.1(3).A"] == shown["3.1.1(3)"] + 1
    assert shown["3.1.1(3).A(a)"] == shown["3.1.1(3).A"] + 1
    for ref, depth in shown.items():
        parent = pack.sections[ref].parent
        if parent is not None and parent.parent is not None:  # under the chapter: the margin
            assert depth == shown[parent.ref] + 1, ref
