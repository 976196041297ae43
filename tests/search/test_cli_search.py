"""`bluebook-bot search`, one query and --stdin, through main()."""

from __future__ import annotations

import io
import json

from bot.cli import main


def test_search_gcap_quotes_the_gcap_sentence(capsys):
    assert main(["search", "GCAP"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[3.1.1(1)¶4]")
    assert "Global Combat Air Programme (GCAP)" in out


def test_search_json_is_the_result_list(capsys):
    assert main(["search", "terittorial", "integrety", "--json", "--limit", "2"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert 1 <= len(results) <= 2
    assert results[0]["ref"] == "3.1.1(3)¶1"
    assert {"ref", "title", "excerpt", "spans", "paragraph", "score"} <= set(results[0])
    assert results[0]["excerpt"] in results[0]["paragraph"]


def test_search_stdin_one_json_line_per_query(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("GCAP\nNSS\n\nzzqx\n"))
    assert main(["search", "--stdin", "--json", "--limit", "1"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == ["GCAP", "NSS", "", "zzqx"]
    assert all(set(r) == {"query", "results", "elapsed_ms"} for r in rows)
    assert all(len(r["results"]) <= 1 for r in rows)
    assert rows[1]["results"][0]["ref"] == "3.1.1(1)¶3"
    assert rows[2]["results"] == []


def test_search_stdin_text_skips_blank_lines(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("GCAP\n\n   \nzzqx\n"))
    assert main(["search", "--stdin", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert [line.split("  (")[0] for line in out.splitlines() if line.startswith("# ")] == [
        "# GCAP",
        "# zzqx",
    ]
    assert "no match for ''" not in out


def test_bad_limit_and_missing_query_are_one_line(capsys):
    assert main(["search", "GCAP", "--limit", "0"]) == 2
    assert main(["search"]) == 2
    assert main(["search", ""]) == 2  # an empty or blank query is no query
    assert main(["search", " ", "  "]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") for line in err)
    assert "no match" not in captured.out


def test_verify_says_verbatim_or_not_with_its_exit_code(capsys):
    quote = "Maintaining territorial integrity is a fundamental responsibility of the Government."
    assert main(["verify", quote]) == 0
    assert capsys.readouterr().out == "verbatim: 3.1.1(3)¶1\n"
    assert main(["verify", "Japan escorted the U.S. Forces 200 times"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "not verbatim; closest: 3.1.1(2)¶2 (68% similar)"
    assert "[-200-]{+137+}" in out[2]
    assert main(["verify", "japan escorted the u.s. forces"]) == 1
    assert capsys.readouterr().out.startswith("verbatim except for capitals: 3.1.1(2)¶2")
    assert main(["verify", "the"]) == 2
    assert capsys.readouterr().err.startswith("error: too short to check")
    assert main(["verify", " "]) == 2
    assert capsys.readouterr().err.startswith("error: give a quote")
    assert main(["verify", "the", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["too_short"] is True


def test_verify_checks_the_other_editions_and_reads_an_edition_before_the_quote(capsys):
    from tests.samples import LIBRARY

    library = ["--content", str(LIBRARY)]
    quote = (
        "the reclamation of land for the new container terminal at the main port of a "
        "Pacific island country is under way"
    )
    assert main([*library, "verify", quote]) == 0
    assert capsys.readouterr().out == "verbatim in 2024, not in 2026: 2024:3.2.2(2)¶1\n"
    for named in (["--edition", "2024", quote], [f"2024:{quote}"]):
        assert main([*library, "verify", *named]) == 0
        # 2024 asked for, but not the newest: a bare number would be read as 2026's.
        assert capsys.readouterr().out == "verbatim: 2024:3.2.2(2)¶1\n"
    assert main([*library, "verify", quote, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["edition"], data["checked_first"], data["also_in"]) == (2024, 2026, [])
    assert main([*library, "verify", f"2019:{quote}"]) == 1
    assert "no edition 2019" in capsys.readouterr().err
