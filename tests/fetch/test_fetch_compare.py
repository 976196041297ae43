"""A fetch keeps each edition's table of contents; `compare` reads it to call a section on a
page that an edition's contents do not list added or removed (tests/fetch/site.py: 2024
lacks c030202 "2 Investment", which 2025 has)."""

from __future__ import annotations

import json

from bot.cli import main

from .site import ROOT, SampleSite, build_site, serve


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


def test_a_page_its_table_of_contents_no_longer_lists_is_named_and_kept(capsys, tmp_path):
    """Fetching again after the publisher dropped a page from the contents: the page stays
    in the library (nothing is deleted), and the fetch names it."""
    lib = tmp_path / "lib"
    files = build_site()
    site = SampleSite(files)
    argv = ("content", "fetch", "--site", "URL", "--out", lib, "--delay", 0)
    argv += ("--edition", 2025, "--chapter", 3)
    with serve(site) as url:
        code = main([str(a).replace("URL", url) for a in argv])
        assert code == 0
        capsys.readouterr()
        toc = f"{ROOT}2025/en_html/index.html"
        dropped = files[toc].replace(b'<li><a href="chapter3/c030202.html">c030202</a></li>', b"")
        assert dropped != files[toc]
        site.files[toc] = dropped
        code = main([str(a).replace("URL", url) for a in argv])
    err = capsys.readouterr().err
    assert code == 0
    assert "page c030202 is in the library but its table of contents no longer lists it" in err
    assert (lib / "2025" / "chapter3" / "pages" / "c030202.txt").exists()
