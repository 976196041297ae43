from bench.corpus import synthetic_chapter, synthetic_pack
from bot.pack.model import Pack


def test_same_seed_same_text_and_the_chapter_keeps_its_refs(pack: Pack) -> None:
    first = synthetic_chapter(paragraphs=300, seed=7)
    assert first == synthetic_chapter(paragraphs=300, seed=7)
    assert first != synthetic_chapter(paragraphs=300, seed=8)
    hidden = synthetic_pack(paragraphs=300, seed=7)
    assert len(hidden.paragraphs) == len(pack.paragraphs) + 300
    for ref, paragraph in pack.paragraphs.items():
        assert hidden.paragraphs[ref].text == paragraph.text


def test_size_target_is_met_with_a_large_vocabulary() -> None:
    text = synthetic_chapter(size_mb=0.5)
    assert 0.5e6 <= len(text.encode("utf-8")) < 0.52e6
    assert len(set(text.split())) > 8_000  # about 30,000 at 5 MB
