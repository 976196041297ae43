"""The blind held-out set (blind.yaml): written from the seed text alone by someone who saw
neither the engine nor the thesaurus, and frozen. Nothing is tuned on it; these are #19's
targets, asserted as they stand. A target not yet met is an xfail(strict): it fails the suite
the day it is met, so the target can be raised."""

from collections import Counter
from pathlib import Path

import pytest

from bench.search_quality import evaluate, load_queries

BLIND = Path(__file__).with_name("blind.yaml")
KINDS = {"keyword", "question", "typo", "acronym", "exact", "paraphrase"}
# Targets from issue #19.
ON_PAGE = 0.95
PARAPHRASE_ON_PAGE = 0.85
AMONG_SAMPLE_PAGES = 0.92
# The set as it was frozen: a changed file is a new set, not this one.
FROZEN_SIZE = 111


def test_blind_set_is_frozen_and_well_formed() -> None:
    queries = load_queries(BLIND)
    assert len(queries) == FROZEN_SIZE
    kinds = Counter(q["kind"] for q in queries)
    assert set(kinds) == KINDS
    assert len(queries) >= 80 and min(kinds.values()) >= 12
    assert len({q["ref"] for q in queries}) == 8


def test_blind_set_on_the_shipped_page() -> None:
    quality = evaluate(BLIND, "page")
    print(f"\nblind, page: hit@1 {quality.hit_at_1:.3f} MRR {quality.mrr:.3f}", quality.misses)
    assert quality.queries == FROZEN_SIZE
    assert quality.hit_at_1 >= ON_PAGE
    assert quality.kind_hit_at_1()["paraphrase"] >= PARAPHRASE_ON_PAGE


@pytest.mark.xfail(strict=True, reason="target missed; the figure is in bench/results/latest.md")
def test_blind_set_among_the_sample_pages() -> None:
    quality = evaluate(BLIND, "library")
    print(f"\nblind, library: hit@1 {quality.hit_at_1:.3f} MRR {quality.mrr:.3f}")
    assert quality.hit_at_1 >= AMONG_SAMPLE_PAGES
