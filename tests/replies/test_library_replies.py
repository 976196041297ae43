"""Replies over the library: /compare pages and marks, and button ids that carry the pack."""

from __future__ import annotations

from pathlib import Path

from bot.pack.compare import Piece, compare
from bot.pack.library import load_library
from bot.pack.model import Pack, Paragraph, Section
from bot.replies import custom_ids
from bot.replies.compare import compare_reply, marked
from bot.replies.limits import CUSTOM_ID_MAX, EMBED_DESCRIPTION_MAX

EDITIONS = Path(__file__).resolve().parents[1] / "library" / "editions"


def test_marks_strike_removed_bold_added_and_escape_the_rest():
    text = marked(
        (
            Piece("same", "a *total* of "),
            Piece("removed", "137"),
            Piece("added", "164 "),
            Piece("same", "times_"),
        )
    )
    assert text == "a \\*total\\* of ~~137~~ → **164** times\\_"


def _pack(year: int, texts: list[str]) -> Pack:
    from bot.pack.model import Manifest

    root = Section("3", "Chapter", "Chapter 3", 0, 1)
    leaf = Section("3.1", "Long", "Section 1 Long", 1, 2, parent=root)
    root.children.append(leaf)
    leaf.paragraphs = [
        Paragraph(f"3.1¶{i + 1}", "3.1", i + 1, t, 3 + i) for i, t in enumerate(texts)
    ]
    manifest = Manifest(f"Diplomatic Bluebook {year}", year, 3, "T", "en", "https://example.org/")
    return Pack(manifest=manifest, root=root)


def test_a_long_comparison_is_paginated_with_buttons_that_carry_both_packs():
    # Every paragraph rewritten from scratch: twelve removed and twelve added, in full.
    old = _pack(2030, [" ".join(f"old{i}x{j}" for j in range(60)) for i in range(12)])
    new = _pack(2031, [" ".join(f"new{i}x{j}" for j in range(60)) for i in range(12)])
    found = compare("2030-3", old, "2031-3", new, "3.1")
    assert found is not None and found.status == "changed"
    first = compare_reply(found, old, new, owner=7)
    assert all(len(e["description"]) <= EMBED_DESCRIPTION_MAX for e in first.embeds)
    [row] = first.buttons
    turn = row[1].custom_id
    assert turn is not None and len(turn) <= CUSTOM_ID_MAX
    match = custom_ids.COMPARE.fullmatch(turn)
    assert match is not None
    assert (match["before"], match["after"], match["ref"], match["page"]) == (
        "2030-3",
        "2031-3",
        "3.1",
        "1",
    )
    second = compare_reply(found, old, new, owner=7, page=1)
    assert second.embeds[0]["description"] != first.embeds[0]["description"]
    assert "page 2 of" in second.embeds[0]["footer"]["text"]


def test_an_unchanged_section_has_no_buttons():
    library = load_library(EDITIONS)
    old, new = library.packs["2030-3"], library.packs["2031-3"]
    found = compare("2030-3", old, "2031-3", new, "3.1.1(3)")
    reply = compare_reply(found, old, new, owner=1)
    assert reply.buttons == [] and "Unchanged" in reply.embeds[0]["description"]


def test_ids_made_before_the_library_still_parse():
    old_search = "bb:s:42:n1/5:GCAP"
    old_section = "bb:sec:42:f0:3.1.1(2)"
    match = custom_ids.SEARCH.fullmatch(old_search)
    assert match is not None and match["pack"] is None and match["query"] == "GCAP"
    match = custom_ids.SECTION.fullmatch(old_section)
    assert match is not None and match["pack"] is None and match["ref"] == "3.1.1(2)"


def test_new_ids_carry_the_pack_key():
    made = custom_ids.SectionState(42, "f", 0, "3.1.1(2)", "2030-3").custom_id()
    match = custom_ids.SECTION.fullmatch(made)
    assert match is not None and (match["pack"], match["ref"]) == ("2030-3", "3.1.1(2)")
    made = custom_ids.SearchState(42, "n", 1, 5, "GCAP: what", None, "2031-3").custom_id()
    match = custom_ids.SEARCH.fullmatch(made)
    assert match is not None and (match["pack"], match["query"]) == ("2031-3", "GCAP: what")


def test_long_unchanged_text_is_cut_but_keeps_the_space_beside_a_change():
    long = " ".join(f"w{i}" for i in range(200))
    text = marked(
        (
            Piece("same", long + " end of "),
            Piece("removed", "2023,"),
            Piece("added", "2024,"),
            Piece("same", " Japan " + long),
        )
    )
    assert "end of ~~2023,~~ → **2024,** Japan" in text
    assert text.startswith("…") and text.endswith("…")
    assert len(text) < 2 * len(long)


def test_a_button_of_a_pack_no_longer_held_names_what_went():
    from bot.replies.errors import EXPIRED, pack_gone_reply

    def said(keys: list[str], years: list[int]) -> str | None:
        return pack_gone_reply(keys, years, again="/compare").content

    assert said(["2024-3", "2023-3"], [2026]) == (
        "Edition 2024 and edition 2023 are no longer held here, so this button cannot open it.\n"
        "Run `/compare` again to read the editions still held: 2026."
    )
    # The edition is still held, in another chapter: it is the chapter that went.
    assert str(said(["2026-4"], [2026])).startswith("Chapter 4 of edition 2026 is no longer held")
    assert said(["not-a-key"], [2026]) == EXPIRED


def test_reload_counts_the_servers_it_moved_to_the_newest_and_names_only_this_one():
    from bot.replies.reload import moved_text
    from bot.served import Reloaded

    def said(dropped: tuple[int, ...], moved: tuple[int, ...] | None, here: int | None) -> str:
        return moved_text(Reloaded([], dropped, moved), 2026, here=here)

    until = "the newest edition (2026) until another is chosen with `/settings edition`."
    assert said((2024,), (5,), 5) == (
        f"⚠ This server chose edition 2024, which is no longer held: it now reads {until}"
    )
    assert said((2024,), (5, 6, 7), 5).startswith("⚠ This server and 2 others chose edition")
    assert said((2024,), (6,), 5).startswith("⚠ 1 server chose edition 2024, which is no longer")
    assert said((2024,), (6,), None).endswith(f"it now reads {until}")
    assert said((2024, 2023), (6, 7), 5) == (
        f"⚠ 2 servers chose one of editions 2024, 2023, no longer held: they now read {until}"
    )
    assert said((2024,), (), 5) == said((), (), 5) == ""
    assert "could not count" in said((2024,), None, 5)


def test_reload_says_in_one_line_which_editions_read_have_no_facts():
    from bot.replies.facts import factless_text

    assert factless_text([]) == ""
    assert factless_text([(2026, 2025)]) == (
        "2026 has no facts yet: /fact and the fact of the day use 2025's."
    )
    two = factless_text([(2026, 2025), (2023, None)])
    assert "\n" not in two and two.endswith(
        "; 2023 has no facts yet, nor has any other edition: /fact and the fact of the day"
        " wait for some."
    )
