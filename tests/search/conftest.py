"""Shared fixtures for the search tests: the shipped pack, and the chapter among distractors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The benchmark's corpus generator lives in bench/, which is not an installed package; the
# repository root is added so tests and benchmark share one generator.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import synthetic_pack  # noqa: E402
from bot.pack.loader import load_pack  # noqa: E402
from bot.pack.model import Glossary, Pack  # noqa: E402
from bot.pack.parser import parse_chapter  # noqa: E402
from bot.search import SearchEngine  # noqa: E402

# The quality set must also hold with the chapter hidden among this many paragraphs.
DISTRACTOR_PARAGRAPHS = 6000


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="session")
def engine(pack: Pack) -> SearchEngine:
    return SearchEngine.build(pack)


@pytest.fixture(scope="session")
def distractor_pack() -> Pack:
    return synthetic_pack(paragraphs=DISTRACTOR_PARAGRAPHS)


@pytest.fixture(scope="session")
def distractor_engine(distractor_pack: Pack) -> SearchEngine:
    return SearchEngine.build(distractor_pack)


def make_pack(body: str, glossary: Glossary | None = None) -> Pack:
    """A pack from Bluebook-style text (`Chapter 3` is added), with the shipped manifest."""
    shipped = load_pack()
    root = parse_chapter(f"Chapter 3\n\nTest Chapter\n\n{body}")
    return Pack(manifest=shipped.manifest, root=root, glossary=glossary or Glossary())
