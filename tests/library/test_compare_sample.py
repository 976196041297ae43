"""/compare's promises, checked on the sample library (tests/samples): paragraphs that kept
half their words are "changed" with exactly the changed words marked, missing pages are
"not held", typographic variants are no change, renamed headings show, and the list of
changed sections is ranked."""

from __future__ import annotations

import json
from itertools import permutations

import pytest

from bot.fetch.contents import known_pages
from bot.pack.compare import (
    ADDED,
    CHANGED,
    NOT_HELD,
    REMOVED,
    REWRITTEN,
    SAME,
    UNCHANGED,
    changes_between,
    compare,
    text_key,
)
from bot.pack.library import Library, load_library
from bot.replies.compare import changes_pages, compare_pages
from tests.samples import LIBRARY

KEYS = ("2024-3", "2025-3", "2026-3")
PAIRS = list(permutations(KEYS, 2))


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(LIBRARY)


def _compare(library, before, after, ref):
    known = known_pages(library, before, after)
    return compare(before, library.packs[before], after, library.packs[after], ref, known)


def _lcs(a: list[str], b: list[str]) -> int:
    """Longest common subsequence of words: the oracle for "exactly the changed words"."""
    row = [0] * (len(b) + 1)
    for x in a:
        prev_diag = 0
        for j, y in enumerate(b, 1):
            prev_diag, row[j] = row[j], prev_diag + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def _words(text: str) -> list[str]:
    return text_key(text).split()


def _ops(change, op):
    return [p.text for p in change.diff if p.op == op]


@pytest.mark.parametrize(("before", "after"), PAIRS)
def test_every_paragraph_that_kept_half_its_words_is_changed_with_exactly_those_words_marked(
    library, before, after
):
    old_pack, new_pack = library.packs[before], library.packs[after]
    checked = 0
    for ref, old in old_pack.paragraphs.items():
        new = new_pack.paragraphs.get(ref)
        if new is None:
            continue
        a, b = _words(old.text), _words(new.text)
        if _lcs(a, b) < 0.5 * len(a):
            continue
        found = _compare(library, before, after, old.section_ref)
        [change] = [c for c in found.paragraphs if old in c.befores]
        assert change.status in (SAME, CHANGED), (ref, change.status)
        if change.status == SAME:
            assert text_key(old.text) == text_key(new.text)
            continue
        checked += 1
        whole_a, whole_b = _words(change.before_text), _words(change.after_text)
        marked = sum(len(t.split()) for p in change.diff if p.op != SAME for t in [p.text])
        assert marked == len(whole_a) + len(whole_b) - 2 * _lcs(whole_a, whole_b), ref
        kept_before = "".join(p.text for p in change.diff if p.op != ADDED)
        kept_after = "".join(p.text for p in change.diff if p.op != REMOVED)
        assert text_key(kept_before) == text_key(change.before_text)
        assert text_key(kept_after) == text_key(change.after_text)
    assert checked


def test_a_long_lightly_edited_paragraph_is_changed_not_removed_and_added(library):
    found = _compare(library, "2024-3", "2025-3", "3.2.2(2)")
    first = found.paragraphs[0]
    assert len(first.before.text) > 300 and first.status == CHANGED
    assert (_ops(first, REMOVED), _ops(first, ADDED)) == (
        ["is under way,"],
        ["was completed in 2024,"],
    )
    figures = found.paragraphs[1]
    assert _ops(figures, REMOVED) == ["30", "8", "2023."]
    assert _ops(figures, ADDED) == ["45", "10", "2024."]


def test_an_added_sentence_a_split_and_a_merge(library):
    added = _compare(library, "2024-3", "2025-3", "3.1.1(2)").paragraphs[0]
    assert _ops(added, ADDED) == [
        "In 2024, Japan provided 3 more patrol vessels to partners in Southeast Asia."
    ]
    assert _ops(added, REMOVED) == []
    [split] = _compare(library, "2024-3", "2025-3", "3.1.2(2)").paragraphs
    assert split.status == CHANGED and [p.ref for p in split.afters] == ["3.1.2(2)¶1", "3.1.2(2)¶2"]
    assert all(p.op == SAME for p in split.diff)
    [merged] = _compare(library, "2025-3", "2024-3", "3.1.2(2)").paragraphs
    assert [p.ref for p in merged.befores] == ["3.1.2(2)¶1", "3.1.2(2)¶2"]


def test_a_heavily_rewritten_paragraph_is_shown_as_before_and_after_sentences(library):
    found = _compare(library, "2024-3", "2025-3", "3.2.1(1)")
    assert [c.status for c in found.paragraphs] == [REWRITTEN, SAME]
    [page] = compare_pages(found, library.packs["2024-3"], library.packs["2025-3"])
    assert "**Before:** The multilateral trading system" in page
    assert "**After:** Reform of the World Trade Organization" in page
    assert "~~" not in page.split("\n\n", 1)[1]


def test_a_page_one_edition_lacks_is_not_held_never_added_or_removed(library):
    for before, after in (("2024-3", "2025-3"), ("2025-3", "2026-3")):
        for ref in ("3.1.3", "3.1.3(1)", "Cyber Security"):
            found = _compare(library, before, after, ref)
            assert found.status == NOT_HELD and found.paragraphs == ()
            assert found.not_held[0].page == "c030103" and found.not_held[0].edition == 2025
            [page] = compare_pages(found, library.packs[before], library.packs[after])
            assert "not in the 2025 library" in page.lower()
            assert "bluebook-bot content fetch --edition 2025 --pages c030103 --out LIBRARY" in page
        section = _compare(library, before, after, "3.1")
        assert {
            c.status for c in section.paragraphs if "3.1.3" in (c.after or c.before).ref
        } == set()
        assert [n.page for n in section.not_held] == ["c030103"]
    both = _compare(library, "2024-3", "2026-3", "3.1.3(1)")
    assert both.status == CHANGED and both.not_held == ()


def test_quote_style_apostrophes_dashes_and_spaces_are_no_change(library):
    assert _compare(library, "2024-3", "2025-3", "3.2.1(2)").status == UNCHANGED
    overview = _compare(library, "2024-3", "2025-3", "3.1.1(1)").paragraphs
    assert [c.status for c in overview] == [SAME, CHANGED, SAME]
    assert (
        "\u201cseamless\u201d" in overview[2].after.text and '"seamless"' in overview[2].before.text
    )
    port = _compare(library, "2025-3", "2026-3", "3.2.2(2)")
    assert "\u00a0" in port.paragraphs[0].after.text and port.status == UNCHANGED


def test_a_renamed_heading_and_chapter_title_are_shown(library):
    found = _compare(library, "2024-3", "2025-3", "3.1.2")
    [heading] = found.headings
    assert (heading.before, heading.after) == (
        "2 Disarmament and Non-proliferation",
        "2 Disarmament and Nonproliferation",
    )
    page = compare_pages(found, library.packs["2024-3"], library.packs["2025-3"])[0]
    assert "~~Non-proliferation~~ → **Nonproliferation**" in page
    changes = changes_between("2025-3", library.packs["2025-3"], "2026-3", library.packs["2026-3"])
    assert (
        changes.title is not None
        and "**Free and**"
        in changes_pages(changes, library.packs["2025-3"], library.packs["2026-3"])[0]
    )


def test_the_changed_sections_are_ranked_by_how_much_changed(library):
    changes = changes_between("2024-3", library.packs["2024-3"], "2025-3", library.packs["2025-3"])
    assert [s.ref for s in changes.sections] == [
        "3.2.1(1)",  # rewritten
        "3.1.1(2)",  # a sentence added (13 words)
        "3.1.2(1)",  # two paragraphs edited (13 words), after 3.1.1(2) in reading order
        "3.2.2(2)",  # "is under way" → "was completed in 2024", figures (13 words)
        "3.1.1(1)",  # figures and a date
        "3.1.2",  # heading renamed
        "3.1.2(2)",  # split, no word changed
    ]
    weights = [s.words_changed for s in changes.sections]
    assert weights == sorted(weights, reverse=True)
    counts = {s.ref: (s.changed, s.added, s.removed) for s in changes.sections}
    assert counts["3.1.2(1)"] == (2, 0, 0)
    assert changes.unchanged == 2  # 3.2.1(2) (quote style only) and 3.2.2(1)
    assert [(n.page, n.edition) for n in changes.not_held] == [("c030103", 2025)]
    later = changes_between("2025-3", library.packs["2025-3"], "2026-3", library.packs["2026-3"])
    assert [(s.ref, s.comparison.status) for s in later.sections][:2] == [
        ("3.1.1(3)", ADDED),
        ("3.1.2(1)", CHANGED),
    ]
    assert (later.sections[1].changed, later.sections[1].added, later.sections[1].removed) == (
        0,
        0,
        1,
    )


def test_each_line_of_the_list_names_its_reference(library):
    old, new = library.packs["2024-3"], library.packs["2025-3"]
    [page] = changes_pages(changes_between("2024-3", old, "2025-3", new), old, new)
    lines = [
        line for line in page.splitlines() if line.startswith("**1.**") or line.startswith("**7.**")
    ]
    assert lines[0].startswith("**1.** `3.2.1(1)` WTO Reform — 1 changed, 0 added, 0 removed")
    assert lines[1].startswith("**7.** `3.1.2(2)` Export Controls")
    assert "not in the 2025 library" in page


def test_the_cli_lists_what_changed_and_prints_removed_and_added_paragraphs(capsys):
    from bot.cli import main

    assert main(["--content", str(LIBRARY), "compare", "--from", "2024", "--to", "2025"]) == 0
    out = capsys.readouterr().out
    ranked = [line.split()[1] for line in out.splitlines() if line[:4].strip().endswith(".")]
    assert ranked[:3] == ["3.2.1(1)", "3.1.1(2)", "3.1.2(1)"]
    assert f"--edition 2025 --pages c030103 --out {LIBRARY}" in out
    assert (
        main(["--content", str(LIBRARY), "compare", "3.1", "--from", "2025", "--to", "2026"]) == 0
    )
    out = capsys.readouterr().out
    assert "3.1.2(1)¶2  removed\n  [-In 2024, Japan hosted a meeting" in out
    assert "3.1.1(3)¶1  added\n  {+Japan hosted the first meeting" in out
    assert "not in the 2025 library" in out
    assert main(["--content", str(LIBRARY), "compare", "--to", "2025", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sections"][0]["ref"] == "3.2.1(1)"
    assert data["not_held"] == [
        {
            "page": "c030103",
            "missing_from": 2025,
            "refs": ["3.1.3", "3.1.3(1)", "3.1.3(2)"],
            "likely_held": True,  # 2024 and 2026 hold it
        }
    ]


def test_a_reference_naming_its_edition_is_compared_with_its_successor(library):
    """No edition asked: the edition named against the next one held, the newest against
    the one before it; an edition not held, or a library of one, has no pair."""
    assert library.compared_with(2024) == ("2024-3", "2025-3")
    assert library.compared_with(2025) == ("2025-3", "2026-3")
    assert library.compared_with(2026) == ("2025-3", "2026-3")
    assert library.compared_with(2023) is None
    one = Library({"2025-3": library.packs["2025-3"]}, library.root)
    assert one.compared_with(2025) is None


@pytest.mark.parametrize(
    ("typed", "head"),
    [
        ("2024:3.2.2(2)", "3.2.2(2): 2024 → 2025"),
        ("3.2.2(2)@2024", "3.2.2(2): 2024 → 2025"),
        ("2025:3.2.2(2)", "3.2.2(2): 2025 → 2026"),
        ("2026:3.2.2(2)", "3.2.2(2): 2025 → 2026"),
    ],
)
def test_the_cli_compares_the_edition_a_reference_names_with_its_successor(capsys, typed, head):
    from bot.cli import main

    assert main(["--content", str(LIBRARY), "compare", typed]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == head
    if head.startswith("3.2.2(2): 2024"):
        assert "[-is under way,-]{+was completed in 2024,+}" in out


def test_the_cli_refuses_a_named_edition_only_beside_editions_asked(capsys):
    from bot.cli import main

    typed = "2024:3.2.2(2)"
    assert main(["--content", str(LIBRARY), "compare", typed, "--to", "2026"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: '{typed}' names 2024, which is neither edition compared (2025 → 2026); "
        "give --from or --to 2024"
    )
    assert main(["--content", str(LIBRARY), "compare", "2023:3.2.2(2)"]) == 1
    assert "no edition 2023 in the library" in capsys.readouterr().err


@pytest.mark.parametrize(
    "asked", [[], ["--from", "2024"], ["--to", "2025"], ["--from", "2024", "--to", "2026"]]
)
def test_the_cli_says_at_once_that_a_named_edition_is_not_held(capsys, asked):
    """'2023:' in a library without 2023: that is the one line, whatever --from and --to say,
    not advice to give --from or --to 2023, which would only be refused in turn."""
    from bot.cli import main

    assert main(["--content", str(LIBRARY), "compare", "2023:3.2.2(2)", *asked]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "error: no edition 2023 in the library; it holds 2026, 2025, 2024\n"
