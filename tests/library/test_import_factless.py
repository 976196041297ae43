"""`content import` into the sample library (tests/samples) warns of each edition it wrote to
that has no facts yet, as /reload does, with whose facts are used meanwhile."""

from __future__ import annotations

import shlex
import shutil

from bot.cli import main
from tests.samples import LIBRARY

_PAGE = """Diplomatic Bluebook {year}

Chapter 5

Invented Chapter on Lakes

Section 1 Invented Lake Work

1 Invented Lake Surveys

The invented lake survey counted {count} lakes with partners.
"""


def test_an_import_warns_of_each_edition_it_wrote_to_that_has_no_facts(capsys, tmp_path):
    """2025 has facts (in chapter 3), so its new chapter 5 is not named; 2026 and the new
    2027 have none, and /fact draws 2025's, the newest with some."""
    lib = tmp_path / "my library"  # a space: the command given must quote it
    shutil.copytree(LIBRARY, lib)
    files = []
    for year, count in ((2025, 4), (2026, 5), (2027, 6)):
        files.append(tmp_path / f"{year}" / "c050101.txt")
        files[-1].parent.mkdir()
        files[-1].write_text(_PAGE.format(year=year, count=count), "utf-8")
    code = main(["content", "import", *map(str, files), "--out", str(lib)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "wrote 1 page(s) to" in out
    steps = (
        "Draft some with `bluebook-bot --content {lib} content facts suggest --edition {year} "
        "--write`, write each draft's headline and remove `draft: true` to confirm it, then "
        "run `/reload`."
    )
    assert [line for line in err.splitlines() if "no facts" in line] == [
        f"warning: {year} has no facts yet: /fact and the fact of the day use 2025's. "
        + steps.format(lib=shlex.quote(str(lib)), year=year)
        for year in (2027, 2026)
    ]
