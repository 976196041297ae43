"""Fixtures for the lookup tests."""

import pytest

from bot.pack.model import Pack
from bot.pack.refs import RefIndex


@pytest.fixture(scope="session")
def refs(pack: Pack) -> RefIndex:
    return RefIndex(pack)
