"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

from bot.pack.loader import load_pack
from bot.pack.model import Pack

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(CONTENT)
