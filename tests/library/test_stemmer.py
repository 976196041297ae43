"""The index is built with the C stemmer (PyStemmer) when installed; it must stem exactly as
the pure-Python Snowball stemmer does, or search would change with the installation."""

from __future__ import annotations

import re
from pathlib import Path

import snowballstemmer
from snowballstemmer.english_stemmer import EnglishStemmer

ROOT = Path(__file__).resolve().parents[2]


def test_the_c_stemmer_is_used_and_agrees_with_the_python_one():
    stemmer = snowballstemmer.stemmer("english")
    assert type(stemmer).__module__ == "Stemmer"  # PyStemmer, a dependency in pyproject.toml
    text = (ROOT / "content" / "chapter.txt").read_text(encoding="utf-8")
    text += (ROOT / "tests" / "search" / "quality.yaml").read_text(encoding="utf-8")
    words = sorted(set(re.findall(r"[a-z]+", text.lower())))
    assert len(words) > 400
    python = EnglishStemmer()
    assert [stemmer.stemWord(w) for w in words] == [python.stemWord(w) for w in words]
