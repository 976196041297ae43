"""Fixtures shared by every test folder."""

import shutil
from pathlib import Path

import pytest

from bot.pack.loader import load_pack
from bot.pack.model import Pack
from tests.samples import LIBRARY

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(CONTENT)


@pytest.fixture
def sample_library(tmp_path: Path) -> Path:
    """A copy of the sample library (tests/samples) that a test may change."""
    target = tmp_path / "sample-library"
    shutil.copytree(LIBRARY, target)
    return target
