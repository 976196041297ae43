"""bot/heap.py: start-up objects are frozen; a reload thaws them and freezes again later."""

from __future__ import annotations

import gc
import platform
import weakref
from collections.abc import Iterator

import pytest

from bot import heap


@pytest.fixture(autouse=True)
def restore_gc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    threshold = gc.get_threshold()
    monkeypatch.setattr(heap, "_in_use", False)
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


def test_freeze_hides_start_up_objects_and_sets_the_thresholds() -> None:
    assert gc.get_freeze_count() == 0
    heap.freeze_long_lived()
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold() == heap.THRESHOLDS


def test_a_thawed_cycle_is_collected_and_refreeze_freezes_again() -> None:
    node = Node()
    heap.freeze_long_lived()
    ref = weakref.ref(node)
    del node
    gc.collect()
    assert ref() is not None  # frozen: the collector does not see the cycle
    assert heap.thaw()
    gc.collect()
    assert ref() is None
    heap.refreeze()
    assert gc.get_freeze_count() > 1000


def test_nothing_happens_when_freezing_is_not_in_use() -> None:
    assert not heap.thaw()
    heap.refreeze()
    assert gc.get_freeze_count() == 0


async def test_a_content_reload_thaws_then_freezes_again_later(monkeypatch) -> None:
    import asyncio

    from bot import served

    holder = served.LibraryInService(served.ServedLibrary.load(None))
    old = weakref.ref(holder.current.newest.pack)
    heap.freeze_long_lived()
    monkeypatch.setattr(served, "REFREEZE_AFTER_S", 0.05)
    assert (await holder.reload()).problems == []
    assert gc.get_freeze_count() == 0  # thawed: the old content can be collected
    await asyncio.sleep(0.2)
    assert old() is None  # collected by the refreeze's full collection
    assert gc.get_freeze_count() > 1000


def test_give_back_returns_free_memory_where_glibc_can() -> None:
    assert heap.give_back() in (True, False)
    if platform.libc_ver()[0] == "glibc":
        assert heap._malloc_trim() is not None
