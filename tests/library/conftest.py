"""The test library: two editions (2030, 2031) of the shipped page, edited for the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EDITIONS = Path(__file__).resolve().parent / "editions"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """A copy of the test library that a test may change."""
    target = tmp_path / "library"
    shutil.copytree(EDITIONS, target)
    return target
