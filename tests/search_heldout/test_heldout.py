"""Held-out search quality check (written blind to the engine and the development set)."""

from collections import defaultdict
from pathlib import Path

import yaml

from bot.pack.loader import load_pack
from bot.search import SearchEngine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
KINDS = ("acronym", "typo", "phrase", "paraphrase", "spelling")


def _load_cases():
    data = yaml.safe_load((HERE / "heldout.yaml").read_text(encoding="utf-8"))
    return data["queries"]


def test_heldout_set_is_well_formed():
    cases = _load_cases()
    assert len(cases) == 50
    counts = defaultdict(int)
    for c in cases:
        counts[c["kind"]] += 1
    assert {k: counts[k] for k in KINDS} == {k: 10 for k in KINDS}
    # all eight paragraphs of the chapter are covered
    expected = {c["expected"] for c in cases}
    assert len(expected) == 8, expected


def test_heldout_quality():
    pack = load_pack(ROOT / "content")
    engine = SearchEngine.build(pack)
    cases = _load_cases()

    hits = defaultdict(int)
    totals = defaultdict(int)
    rr_sum = 0.0
    misses = []
    for c in cases:
        results = engine.search(c["query"], limit=5)  # SearchResponse
        refs = [r.ref for r in results.results]
        kind = c["kind"]
        totals[kind] += 1
        if refs and refs[0] == c["expected"]:
            hits[kind] += 1
        else:
            misses.append((kind, c["query"], c["expected"], refs))
        if c["expected"] in refs:
            rr_sum += 1.0 / (refs.index(c["expected"]) + 1)

    n = len(cases)
    overall = sum(hits.values()) / n
    mrr = rr_sum / n
    print()
    print(f"held-out: n={n} hit@1={overall:.3f} MRR={mrr:.3f}")
    for kind in KINDS:
        print(f"  {kind:<11} hit@1 {hits[kind]}/{totals[kind]} = {hits[kind] / totals[kind]:.2f}")
    for kind, q, exp, got in misses:
        print(f"  MISS [{kind}] {q!r}: expected {exp}, got {got}")
    assert overall >= 0.90, f"held-out hit@1 {overall:.3f} < 0.90"
