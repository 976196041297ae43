"""Search quality of a YAML query set: hit@1 and MRR per kind, on three corpora.

    evaluate(path, "page")         the shipped page alone
    evaluate(path, "library")      the shipped page among the 31 sample pages
    evaluate(path, "distractors")  the shipped page among 6,000 synthetic paragraphs

A query set is a YAML mapping with `queries:`, a list of {kind, query, ref} (or `expected`). On the page and
in the distractor run, only queries whose ref is on the shipped page are asked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from bench.corpus import synthetic_pack
from bench.sample_library import sample_library_pack
from bot.pack.loader import load_pack
from bot.pack.model import Glossary, Pack
from bot.search import SearchEngine

CORPORA = ("page", "library", "distractors")
DISTRACTOR_PARAGRAPHS = 6000


@dataclass
class Quality:
    """hit@1 and MRR (over the top 10) for a query set, overall and per kind."""

    queries: int = 0
    hits: int = 0
    reciprocal: float = 0.0
    kinds: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    @property
    def hit_at_1(self) -> float:
        return self.hits / self.queries if self.queries else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.queries if self.queries else 0.0

    def kind_hit_at_1(self) -> dict[str, float]:
        return {k: h / n for k, (h, n) in sorted(self.kinds.items())}

    def to_dict(self) -> dict[str, object]:
        return {
            "queries": self.queries,
            "hit_at_1": self.hit_at_1,
            "mrr": self.mrr,
            "kinds": {k: {"hit_at_1": h / n, "queries": n} for k, (h, n) in self.kinds.items()},
            "misses": self.misses,
        }


def load_queries(path: Path | str) -> list[dict[str, str]]:
    """The queries of a set; a set may name the wanted paragraph `ref` or `expected`."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [{**q, "ref": q.get("ref", q.get("expected"))} for q in data["queries"]]


def without_thesaurus(pack: Pack) -> Pack:
    """The same pack with an empty thesaurus, to measure what the thesaurus adds."""
    g = pack.glossary
    return Pack(pack.manifest, pack.root, pack.facts, Glossary(g.terms, g.spellings, ()))


@cache
def corpus_pack(corpus: str) -> Pack:
    if corpus == "page":
        return load_pack()
    if corpus == "library":
        return sample_library_pack()
    if corpus == "distractors":
        return synthetic_pack(paragraphs=DISTRACTOR_PARAGRAPHS)
    raise ValueError(f"unknown corpus {corpus!r}; one of {CORPORA}")


@cache
def corpus_engine(corpus: str, thesaurus: bool = True) -> SearchEngine:
    pack = corpus_pack(corpus)
    return SearchEngine.build(pack if thesaurus else without_thesaurus(pack))


def measure(engine: SearchEngine, queries: list[dict[str, str]]) -> Quality:
    """Ask every query whose ref is in the engine's pack; count where its ref ranks."""
    quality = Quality()
    for item in queries:
        if item["ref"] not in engine.pack.paragraphs:
            continue
        refs = [r.ref for r in engine.search(item["query"], limit=10).results]
        rank = refs.index(item["ref"]) + 1 if item["ref"] in refs else 0
        quality.queries += 1
        quality.hits += rank == 1
        quality.reciprocal += 1 / rank if rank else 0.0
        kind = quality.kinds[item["kind"]]
        kind[0] += rank == 1
        kind[1] += 1
        if rank != 1:
            quality.misses.append(f"{item['query']!r}: want {item['ref']}, got {refs[:3]}")
    return quality


def evaluate(path: Path | str, corpus: str = "page", *, thesaurus: bool = True) -> Quality:
    """hit@1 and MRR per kind of the query set at `path` on one corpus (see CORPORA).

    On the page and among the synthetic distractors only queries about the shipped page
    are asked; in the library, every query is."""
    queries = load_queries(path)
    if corpus != "library":
        shipped = corpus_pack("page").paragraphs
        queries = [q for q in queries if q["ref"] in shipped]
    return measure(corpus_engine(corpus, thesaurus), queries)
