import pytest

from bot.pack.model import Manifest, Pack
from bot.pack.parser import parse_chapter
from bot.pack.refs import RefIndex


@pytest.fixture(scope="module")
def refs(pack):
    return RefIndex(pack)


@pytest.mark.parametrize(
    "text",
    [
        "3.1.1(3)",
        "§3.1.1(3)",
        "§ 3.1.1 (3)",
        "sec 3.1.1(3)",
        "Section 3.1.1(3)",
        "1.1(3)",
        "territorial integrity",
        "Territorial Integrity",
        "terittorial integrity",
        "３．１．１（３）",
        "\u200b3.1.1(3)",  # a zero-width space pasted along
        "3.1.1(3)\ufeff",
    ],
)
def test_forms_of_territorial_integrity(refs, text):
    found = refs.resolve(text)
    assert found.section is not None
    assert found.section.heading == "(3) Territorial Integrity"
    assert found.paragraph is None


@pytest.mark.parametrize(
    "text", ["3.1.1(3)¶1", "3.1.1(3)\u00ad¶1", "3.1.1(3) p1", "§3.1.1(3) para 1", "3.1.1(3)#1"]
)
def test_paragraph_forms(refs, text):
    found = refs.resolve(text)
    assert found.paragraph is not None
    assert found.paragraph.ref == "3.1.1(3)¶1"


@pytest.mark.parametrize(
    "text", ["3.1.9", "9(9)", "3.1.1(3)¶9", "", "   ", "qwertyuiop", "¶", "§§"]
)
def test_unknown_gives_suggestions_not_exceptions(refs, text):
    found = refs.resolve(text)
    assert found.section is None
    assert isinstance(found.suggestions, tuple)


def test_unknown_numbered_ref_suggests_nearby_sections(refs):
    found = refs.resolve("3.1.1(4)")
    assert found.section is None
    assert "3.1.1(3)" in [s.ref for s in found.suggestions]


def test_autocomplete_is_bounded_and_prefix_first(refs):
    assert len(refs.complete("", limit=25)) <= 25
    assert refs.complete("3.1.1(")[0].ref.startswith("3.1.1(")
    assert refs.complete("legislation")[0].ref == "3.1.1(2)"


@pytest.mark.parametrize("text", ["9.9", "4", "abc", "§9", "3.2", "quantum computing"])
def test_every_unknown_reference_lists_closest_sections(refs, text):
    found = refs.resolve(text)
    assert found.section is None
    assert len(found.suggestions) >= 3
    assert len({s.ref for s in found.suggestions}) == len(found.suggestions)


def test_closest_sections_are_the_neighbours_in_the_outline(refs):
    # The parent first, then the nearest sibling.
    assert [s.ref for s in refs.suggest("3.1.1(4)")][:2] == ["3.1.1", "3.1.1(3)"]
    # With the chapter left out, 9.9 reads as 3.9.9: the deepest part of section 3.1 first.
    assert refs.suggest("9.9")[0].ref == "3.1.1"
    assert refs.suggest("terittorial")[0].ref == "3.1.1(3)"


# Two columns in both of the publisher's shapes: the title on the "Column" line, and on the
# line after it.
COLUMNS = """Chapter 2

Sample Chapter

Section 1 First Section

1 Bridges and Ports

Japan built new ports on both coasts.

Column: A Bridge Between Two Coasts

The bridge opened to traffic in the spring.

2 Trade Rules

The rules apply to every member.

Column

Harbour Pilots of the Inland Sea

Pilots guide every ship through the strait.
"""


@pytest.fixture(scope="module")
def columns():
    manifest = Manifest("T", 2030, 2, "Sample Chapter", "en", "https://example.org/x")
    return RefIndex(Pack(manifest, parse_chapter(COLUMNS)))


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("column", "2.1.1.col1"),
        ("Column", "2.1.1.col1"),
        ("Column: A Bridge Between Two Coasts", "2.1.1.col1"),
        ("Column A Bridge", "2.1.1.col1"),
        ("Column: Harbour", "2.1.2.col1"),
        ("a bridge between two coasts", "2.1.1.col1"),
        ("Column Harbour Pilots", "2.1.2.col1"),
        ("harbour pilots", "2.1.2.col1"),
        ("trade rules", "2.1.2"),
    ],
)
def test_a_column_is_found_by_the_word_column_and_its_title(columns, text, ref):
    assert columns.resolve(text).section.ref == ref


def test_autocomplete_offers_what_the_title_opens(columns):
    # What /section opens for the word is the first choice its autocomplete offers.
    offered = [s.ref for s in columns.complete("column")]
    assert offered[:2] == ["2.1.1.col1", "2.1.2.col1"]
    assert offered[0] == columns.resolve("column").section.ref
    assert [s.ref for s in columns.complete("Column A Bri")][:1] == ["2.1.1.col1"]
    # Suggestions name each column once, however many of its names come close.
    suggested = [s.ref for s in columns.suggest("colum harbour")]
    assert len(suggested) == len(set(suggested)) and suggested[0] == "2.1.2.col1"
