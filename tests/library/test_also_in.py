""" "Also in" names the other edition's reference when a section inserted before the passage
renumbered it (tests/samples/renumbered.py: 2050's 7.1.1(2) is 2051's 7.1.1(3)), in the CLI
and in the text the replies share; the same reference is the year alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.pack.library import load_library
from bot.replies.also_in import also_in_text, held_elsewhere, paragraph_in
from bot.replies.verify import library_verify_reply
from bot.served import ServedLibrary
from tests.samples.renumbered import MINUTES, PATROLS, renumbered_library


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    scratch = tmp_path_factory.mktemp("renumbered")
    return renumbered_library(scratch / "lib", scratch / "pages")


def test_also_in_text_gives_the_reference_only_where_it_differs(root):
    packs = load_library(root).packs
    keys = ["2050-7", "2050-7", "2051-7"]  # an edition is named once, the one shown never
    moved = paragraph_in(PATROLS, "7.1.1(3)¶1")
    held = held_elsewhere(packs, keys, year=2051, ref="7.1.1(3)¶1", ref_in=moved)
    assert also_in_text(held) == "2050 (`2050:7.1.1(2)¶1`)"
    same = paragraph_in(MINUTES, "7.1.1(1)¶2")
    held = held_elsewhere(packs, keys, year=2051, ref="7.1.1(1)¶2", ref_in=same)
    assert also_in_text(held) == "2050"


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


def test_the_cli_names_the_edition_of_a_reference_not_the_newest(capsys, root):
    """`--edition 2050` reads 2050, but a bare number is the newest's (2051's 7.1.1(2) is
    another section): the reference is written with its year."""
    args = ["--content", str(root)]
    assert main([*args, "verify", PATROLS, "--edition", "2050"]) == 0
    assert capsys.readouterr().out.strip() == (
        "verbatim: 2050:7.1.1(2)¶1 (also in 2051 at 2051:7.1.1(3)¶1)"
    )
    assert main([*args, "search", "patrol boats watch reefs", "--edition", "2050"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("[2050:7.1.1(2)¶1] Invented Reef Patrols  (2050, score ")


def _no_second_check(monkeypatch) -> None:
    """From now on, looking a quote up verbatim in a pack is an error."""

    def refused(*_args, **_kwargs):
        raise AssertionError("the quote was checked a second time")

    monkeypatch.setattr("bot.search.verify._verbatim_as_written", refused)


def test_verify_keeps_where_each_other_edition_holds_the_quote(root):
    served = ServedLibrary.load(root)
    moved = served.verify(PATROLS, pack_key="2051-7")
    assert moved.also_in == (("2050-7", "7.1.1(2)¶1"),)
    same = served.verify(MINUTES, pack_key="2051-7")
    assert same.also_in == (("2050-7", "7.1.1(1)¶2"),)


def test_the_verify_reply_names_the_editions_from_the_one_check(root, monkeypatch):
    """ "Also in" is the verdict's own: the reply looks the quote up in no pack again."""
    served = ServedLibrary.load(root)
    found = served.verify(PATROLS, pack_key="2051-7")
    _no_second_check(monkeypatch)
    packs = {k: s.pack for k, s in served.packs.items()}
    text = library_verify_reply(packs, found).embeds[0]["description"]
    assert "stands at `7.1.1(3)¶1`. Also in 2050 (`2050:7.1.1(2)¶1`)." in text


def test_the_cli_verify_names_the_editions_from_the_one_check(capsys, root, monkeypatch):
    checked = ServedLibrary.verify

    def once(self, quote, *, pack_key):
        found = checked(self, quote, pack_key=pack_key)
        _no_second_check(monkeypatch)
        return found

    monkeypatch.setattr(ServedLibrary, "verify", once)
    assert main(["--content", str(root), "verify", PATROLS]) == 0
    assert capsys.readouterr().out.strip() == (
        "verbatim: 7.1.1(3)¶1 (also in 2050 at 2050:7.1.1(2)¶1)"
    )
    monkeypatch.undo()
    monkeypatch.setattr(ServedLibrary, "verify", once)
    assert main(["--content", str(root), "verify", PATROLS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["also_in"] == [2050]
    assert data["also_in_refs"] == [{"edition": 2050, "ref": "7.1.1(2)¶1"}]
    monkeypatch.undo()
    assert main(["--content", str(root), "verify", MINUTES, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["also_in_refs"] == [{"edition": 2050, "ref": "7.1.1(1)¶2"}]
