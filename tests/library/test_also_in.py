""" "Also in" names the other edition's reference when a section inserted before the passage
renumbered it (tests/samples/renumbered.py: 2050's 7.1.1(2) is 2051's 7.1.1(3)), in the CLI
and in the text the replies share; the same reference is the year alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.library import load_library
from bot.replies.also_in import also_in_text, paragraph_in
from tests.samples.renumbered import MINUTES, PATROLS, renumbered_library


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("renumbered")
    return renumbered_library(scratch / "lib", scratch / "pages")


def test_also_in_text_gives_the_reference_only_where_it_differs(root):
    packs = load_library(root).packs
    keys = ["2050-7", "2050-7", "2051-7"]  # an edition is named once, the one shown never
    moved = paragraph_in(PATROLS, "7.1.1(3)¶1")
    assert also_in_text(packs, keys, year=2051, ref="7.1.1(3)¶1", ref_in=moved) == (
        "2050 (`2050:7.1.1(2)¶1`)"
    )
    same = paragraph_in(MINUTES, "7.1.1(1)¶2")
    assert also_in_text(packs, keys, year=2051, ref="7.1.1(1)¶2", ref_in=same) == "2050"


def test_the_cli_search_and_verify_name_the_earlier_reference(capsys, root):
    assert main(["--content", str(root), "search", "patrol boats watch reefs"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("[7.1.1(3)¶1] Invented Reef Patrols  (2051, score ")
    assert first.endswith("; also in 2050 at 2050:7.1.1(2)¶1)")
    assert main(["--content", str(root), "verify", PATROLS]) == 0
    assert capsys.readouterr().out.strip() == (
        "verbatim: 7.1.1(3)¶1 (also in 2050 at 2050:7.1.1(2)¶1)"
    )
    assert main(["--content", str(root), "verify", MINUTES]) == 0
    assert capsys.readouterr().out.strip() == "verbatim: 7.1.1(1)¶2 (also in 2050)"
