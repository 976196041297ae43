"""The command line over the 2030/2031 test library: --edition, qualified references,
compare (text and --json), search without duplicates, content check."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time

from bot.cli import main

from .conftest import EDITIONS


def run(capsys, *argv):
    code = main(["--content", str(EDITIONS), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_section_answers_each_edition_with_its_own_text(capsys):
    code, old, _ = run(capsys, "section", "3.1.1(2)", "--edition", "2030")
    assert code == 0 and "137 times" in old and "Diplomatic Bluebook 2030" in old
    code, new, _ = run(capsys, "section", "3.1.1(2)", "--edition", "2031")
    assert code == 0 and "164 times" in new and "137" not in new
    _, qualified, _ = run(capsys, "section", "2030:3.1.1(2)¶3", "--json")
    data = json.loads(qualified)
    assert (data["edition"], data["pack"], data["ref"]) == (2030, "2030-3", "3.1.1(2)¶3")


def test_section_in_a_missing_edition_is_one_line(capsys):
    code, out, err = run(capsys, "section", "3.1.1(2)", "--edition", "1999")
    assert code == 1 and out == ""
    assert err.strip() == "error: no edition 1999 in the library; it holds 2031, 2030"


def test_compare_shows_the_changed_figure_the_added_sentence_and_unchanged(capsys):
    _, figure, _ = run(capsys, "compare", "3.1.1(2)", "--from", "2030", "--to", "2031")
    assert "[-137-]{+164+}" in figure and "3.1.1(2)¶3  removed" in figure
    # Text mode prints the removed paragraph itself, not only that it was removed.
    assert "[-Since the enforcement of the" in figure
    _, sentence, _ = run(capsys, "compare", "3.1.1(1)")
    assert "environment. {+Japan will review the progress of the Strategy every year.+}" in sentence
    _, same, _ = run(capsys, "compare", "territorial integrity")
    assert same.splitlines()[1] == "unchanged"


def test_compare_json_has_the_documented_shape(capsys):
    code, out, _ = run(capsys, "compare", "3.1.1(2)", "--from", "2030", "--to", "2031", "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["ref"], data["from"], data["to"], data["status"]) == (
        "3.1.1(2)",
        "2030",
        "2031",
        "changed",
    )
    statuses = [p["status"] for p in data["paragraphs"]]
    assert statuses == ["same", "changed", "removed"]
    changed = data["paragraphs"][1]
    assert {"op": "removed", "text": "137"} in changed["diff"]
    assert {"op": "added", "text": "164"} in changed["diff"]


def test_compare_from_the_earliest_edition_says_what_to_do(capsys):
    code, _, err = run(capsys, "compare", "3.1.1(2)", "--to", "2030")
    assert code == 1 and "2030 is the earliest edition held: give --to a later one (2031)" in err


def test_compare_an_edition_with_itself_is_refused(capsys):
    code, out, err = run(capsys, "compare", "--from", "2031", "--to", "2031")
    assert code == 2 and not out
    assert err.strip() == "error: --from and --to are both 2031: give two different editions"


def test_compare_in_a_library_of_one_edition_says_to_fetch_another(capsys):
    code, _, err = main(["compare"]), *capsys.readouterr()
    assert code == 1 and "this library holds one edition (2025)" in err
    assert "content fetch" in err


def test_compare_counts_agree(capsys):
    code, out, _ = run(capsys, "compare")
    head = next(line for line in out.splitlines() if "sections differ" in line)
    total, rest = head.split(" sections differ (")
    counts = [int(part.split()[0]) for part in rest.split(")")[0].split(", ")]
    assert code == 0 and int(total) == sum(counts) > 0


def test_search_puts_the_newest_first_and_never_lists_a_paragraph_twice(capsys):
    # Editions are ranked together (tests/library/test_library_search.py): the newest answers
    # these best, and no paragraph is listed twice.
    for query in ("security", "escorted troops", "territorial integrity", "cooperation"):
        _, out, _ = run(capsys, "search", query, "--limit", "10", "--json")
        results = json.loads(out)
        editions = [r["edition"] for r in results]
        assert editions[0] == 2031, query
        texts = [r["paragraph"] for r in results]
        assert len(texts) == len(set(texts)), query
    _, out, _ = run(capsys, "search", "territorial integrity", "--limit", "1", "--json")
    assert json.loads(out)[0]["also_in"] == [2030]


def test_content_check_lists_every_problem_of_every_pack(capsys, library_dir):
    (library_dir / "2030/chapter3/facts.yaml").write_text("facts: [unclosed\n", encoding="utf-8")
    manifest = library_dir / "2031/chapter3/manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("language: en\n", ""))
    code = main(["--content", str(library_dir), "content", "check"])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{library_dir}/2030/chapter3/facts.yaml:2: bad YAML" in err
    assert f"{library_dir}/2031/chapter3/manifest.yaml:2: missing field 'language'" in err


async def server_reads(db_path, guild: int, year: int) -> None:
    """Server `guild` reads edition `year` and has a fact of the day at 09:00 UTC."""
    from bot.fotd.store import FotdStore
    from bot.storage.db import open_database
    from bot.storage.editions import EditionSettings

    db = await open_database(db_path)
    try:
        await EditionSettings(db).set(guild, year)
        await FotdStore(db).upsert_config(
            guild_id=guild,
            channel_id=5,
            local_time=time(9, 0),
            timezone="UTC",
            now=datetime.now(UTC),
        )
    finally:
        await db.close()


def test_fotd_plan_draws_from_the_server_edition(capsys, tmp_path):
    db_path = tmp_path / "b.db"
    asyncio.run(server_reads(db_path, 9, 2030))
    code, out, _ = run(
        capsys, "fotd", "plan", "--guild", "9", "--days", "3", "--db", str(db_path), "--json"
    )
    assert code == 0
    planned = {row["fact_id"] for row in json.loads(out)}
    assert planned == {"escorts-total", "territorial-integrity", "cooperation-beyond-us"}
