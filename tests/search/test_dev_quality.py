"""The development set (tests/search/dev.yaml, tuned on) and the sample library of 31 pages.

These bars guard what tuning reached against regressions; they are not held-out figures.
"""

from pathlib import Path

import pytest

from bench.sample_library import page_id, page_of, sample_library_pack
from bench.search_quality import load_queries, measure, without_thesaurus
from bot.pack.model import Pack
from bot.search import SearchEngine

DEV_FILE = Path(__file__).with_name("dev.yaml")
QUALITY_FILE = Path(__file__).with_name("quality.yaml")
MIN_SAMPLE_PAGES = 30
# hit@1 reached while tuning (make bench reports it), less a query or two of margin.
DEV_ON_PAGE = 0.95
DEV_AMONG_DISTRACTORS = 0.88
DEV_IN_LIBRARY = 0.78
LABELLED_IN_LIBRARY = 0.83
THESAURUS_GAIN = 0.2


@pytest.fixture(scope="module")
def library() -> Pack:
    return sample_library_pack()


@pytest.fixture(scope="module")
def library_engine(library: Pack) -> SearchEngine:
    return SearchEngine.build(library)


def _on(pack: Pack, path: Path) -> list[dict[str, str]]:
    return [q for q in load_queries(path) if q["ref"] in pack.paragraphs]


def test_the_library_has_enough_sample_pages(library: Pack, pack: Pack) -> None:
    pages = {page_of(ref) for ref in library.paragraphs} - {page_of(r) for r in pack.paragraphs}
    assert len(pages) >= MIN_SAMPLE_PAGES
    assert page_id("3.1.1(2)¶3") == "c030101" and page_id("3.3.10¶1") == "c030310"
    for ref, paragraph in pack.paragraphs.items():
        assert library.paragraphs[ref].text == paragraph.text


def test_dev_set_is_well_formed(library: Pack) -> None:
    queries = load_queries(DEV_FILE)
    assert all(q["ref"] in library.paragraphs for q in queries)
    assert len({q["query"].casefold() for q in queries}) == len(queries)


def test_dev_set_on_the_page(engine: SearchEngine, pack: Pack) -> None:
    quality = measure(engine, _on(pack, DEV_FILE))
    assert quality.hit_at_1 >= DEV_ON_PAGE, "\n".join(quality.misses)


def test_the_thesaurus_is_what_finds_plain_words(pack: Pack, engine: SearchEngine) -> None:
    queries = _on(pack, DEV_FILE)
    bare = measure(SearchEngine.build(without_thesaurus(pack)), queries)
    assert measure(engine, queries).hit_at_1 - bare.hit_at_1 >= THESAURUS_GAIN


def test_dev_set_among_distractors(distractor_engine: SearchEngine, pack: Pack) -> None:
    quality = measure(distractor_engine, _on(pack, DEV_FILE))
    assert quality.hit_at_1 >= DEV_AMONG_DISTRACTORS, "\n".join(quality.misses)


@pytest.mark.parametrize(
    ("path", "bar"), [(DEV_FILE, DEV_IN_LIBRARY), (QUALITY_FILE, LABELLED_IN_LIBRARY)]
)
def test_in_the_sample_library(library_engine: SearchEngine, path: Path, bar: float) -> None:
    quality = measure(library_engine, load_queries(path))
    assert quality.hit_at_1 >= bar, "\n".join(quality.misses)
