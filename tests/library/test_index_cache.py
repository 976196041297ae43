"""The persisted index: read back when current, rebuilt when the text changes or the file is bad."""

from __future__ import annotations

from bot.index_cache import content_hash, load_or_build
from bot.pack.library import load_library
from bot.search import SearchEngine

from .conftest import EDITIONS


def test_a_warm_index_is_read_back_and_answers_the_same(tmp_path):
    pack = load_library(EDITIONS).packs["2031-3"]
    built = load_or_build(pack, tmp_path)
    files = list(tmp_path.glob("*.idx"))
    assert [f.stem for f in files] == [content_hash(pack)]
    again = load_or_build(pack, tmp_path)
    assert again is not built  # read from disk, not the same object
    fresh = SearchEngine(pack, built).search("escorted", limit=3)
    warm = SearchEngine(pack, again).search("escorted", limit=3)
    assert [r.ref for r in warm.results] == [r.ref for r in fresh.results]
    # The analyzer's stemmer is not pickled but made again: the same (C) stemmer stems a word
    # the index has not cached.
    stemmer = again.analyzer._stemmer
    assert type(stemmer) is type(built.analyzer._stemmer)
    assert again.analyzer.stem("untypicalities") == built.analyzer.stem("untypicalities")


def test_another_text_has_another_key_and_a_bad_file_is_rebuilt(tmp_path):
    library = load_library(EDITIONS)
    old, new = library.packs["2030-3"], library.packs["2031-3"]
    assert content_hash(old) != content_hash(new)
    (tmp_path / f"{content_hash(new)}.idx").write_bytes(b"not a pickle")
    index = load_or_build(new, tmp_path)
    assert SearchEngine(new, index).search("164", limit=1).results
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert load_or_build(new, blocker / "index") is not None  # no cache possible: still built


def test_the_other_editions_index_is_read_back_too(tmp_path, monkeypatch):
    """What only the other editions hold is indexed once, then read from the cache."""
    import bot.index_cache as index_cache
    from bot.served import ServedLibrary

    built: list[int] = []
    real = index_cache.index_pack

    def counting(pack, words=None):  # type: ignore[no-untyped-def]
        built.append(len(pack.paragraphs))
        return real(pack, words)

    monkeypatch.setattr(index_cache, "index_pack", counting)
    answers = []
    for _ in range(2):
        content = ServedLibrary.load(EDITIONS, index_cache=tmp_path)
        response = content.search("137", pack_key="2031-3", limit=3)
        assert response.only_elsewhere  # only 2030 says 137: the other editions' index
        answers.append([(r.pack_key, r.result.ref, r.result.excerpt) for r in response.results])
    assert len(built) == 2, "the second start built an index again"
    assert answers[0] == answers[1] == [(answers[0][0][0], "3.1.1(2)¶2", answers[0][0][2])]
