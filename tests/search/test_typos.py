from bot.search.typos import TypoCorrector


def test_finds_one_and_two_edits_including_transpositions() -> None:
    corrector = TypoCorrector({"territorial": 3, "integrity": 2, "capabilities": 5, "gcap": 1})
    found = corrector.correct(["terittorial", "integrety", "capabilites", "gcpa", "xyzzyx"])
    assert found["terittorial"][0] == ("territorial", 2)
    assert found["integrety"][0] == ("integrity", 1)
    assert found["capabilites"][0] == ("capabilities", 1)
    assert found["gcpa"][0] == ("gcap", 1)
    assert found["xyzzyx"] == []


def test_short_words_are_never_corrected_nor_offered() -> None:
    corrector = TypoCorrector({"us": 9, "uk": 9, "air": 3, "chair": 1})
    found = corrector.correct(["un", "ais", "chai"])
    assert found["un"] == [] and found["ais"] == []
    assert [w for w, _ in found["chai"]] == ["chair"]


def test_prefers_the_closest_then_the_most_frequent_word() -> None:
    corrector = TypoCorrector({"policy": 50, "police": 2, "polity": 1})
    assert corrector.correct(["policz"])["policz"][0][0] == "policy"
    assert corrector.correct(["polic"])["polic"][0][0] == "policy"


def test_kept_corrections_are_the_same_as_new_ones_and_can_be_forgotten() -> None:
    corrector = TypoCorrector({"territorial": 3, "integrity": 2})
    words = ["terittorial", "integrety", "xyzzyx"]
    first = corrector.correct(words)
    assert corrector.correct(words) == first  # kept, the same answer
    assert corrector._remembered
    corrector.forget()  # what a benchmark's "new query" relies on
    assert not corrector._remembered
    assert corrector.correct(words) == first


def test_an_engines_cleared_cache_forgets_its_typo_corrections(engine) -> None:
    engine.search("terittorial integrety")
    assert engine.typos._remembered
    engine.clear_cache()
    assert not engine.typos._remembered


def test_a_small_vocabulary_corrects_as_a_large_one(monkeypatch) -> None:
    """A small vocabulary keeps its keys in a dict, a large one as sorted hashes: the same
    corrections either way, on words of every kind (one and two edits, short, unknown)."""
    import random

    from bot.pack.loader import load_pack
    from bot.search import typos
    from bot.search.normalize import words

    text = " ".join(p.text for p in load_pack().paragraphs.values())
    frequencies: dict[str, int] = {}
    for word in words(text):
        frequencies[word] = frequencies.get(word, 0) + 1
    rng = random.Random(3)
    typed = []
    for word in sorted(frequencies):
        at = rng.randrange(len(word))
        typed += [word, word[:at] + word[at + 1 :], word[:at] + "x" + word[at:]]
    typed += ["xyzzyx", "gcpa", "terittorial"]
    small = TypoCorrector(frequencies)
    assert len(small) <= typos.SMALL_VOCABULARY
    expected = small.correct(typed)
    assert any(found for found in expected.values())
    monkeypatch.setattr(typos, "SMALL_VOCABULARY", 0)
    large = TypoCorrector(frequencies)
    assert large.correct(typed) == expected
    assert small._made_table is not None and large._made_table is None
