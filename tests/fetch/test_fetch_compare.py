"""A fetch keeps each edition's table of contents; `compare` reads it to call a section on a
page that an edition's contents do not list added or removed (tests/fetch/site.py: 2024
lacks c030202 "2 Investment", which 2025 has)."""

from __future__ import annotations

import json

from bot.cli import main

from .site import SampleSite, build_site, serve


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().out


def test_a_page_an_edition_never_had_is_added_after_a_fetch_not_sent_to_fetch(capsys, tmp_path):
    lib = tmp_path / "lib"
    with serve(SampleSite(build_site())) as url:
        for year in (2024, 2025):
            code, _ = _run(
                capsys,
                "content",
                "fetch",
                "--site",
                url,
                "--out",
                lib,
                "--delay",
                0,
                "--edition",
                year,
                "--chapter",
                3,
            )
            assert code == 0
    code, out = _run(capsys, "--content", lib, "compare", "3.2.2", "--from", 2024, "--to", 2025)
    assert code == 0 and out.splitlines()[1] == "added"
    assert "content fetch" not in out
    code, out = _run(capsys, "--content", lib, "compare", "--from", 2024, "--to", 2025, "--json")
    data = json.loads(out)
    assert data["not_held"] == []
    assert ("3.2.2", "added") in [(s["ref"], s["status"]) for s in data["sections"]]
