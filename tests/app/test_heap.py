"""bot/heap.py: start-up objects are frozen; a reload thaws, collects and freezes again."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.heap import THRESHOLDS, freeze_long_lived, refreeze


@pytest.fixture
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


@pytest.mark.usefixtures("restore_gc")
def test_freeze_hides_start_up_objects_and_sets_the_thresholds() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    freeze_long_lived()
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == THRESHOLDS


@pytest.mark.usefixtures("restore_gc")
def test_refreeze_collects_what_was_frozen_and_is_now_garbage() -> None:
    gc.unfreeze()
    node = Node()
    freeze_long_lived()
    import weakref

    ref = weakref.ref(node)
    del node
    gc.collect()
    assert ref() is not None  # frozen: the collector does not see the cycle
    refreeze()
    assert ref() is None


@pytest.mark.usefixtures("restore_gc")
def test_refreeze_does_nothing_when_nothing_was_frozen() -> None:
    gc.unfreeze()
    refreeze()
    assert gc.get_freeze_count() == 0
