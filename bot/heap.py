"""Keep the garbage collector's full passes short, and give the system back the memory an
index build used for a while.

The content, its search index and the loaded libraries are hundreds of thousands of objects
that live as long as the process. Left in the collector's oldest generation, each full
collection walks all of them: a pause of 30-50 ms in the middle of a burst of commands.
`gc.freeze()` moves everything alive at the end of start-up out of the collector's sight;
reference counting still frees those objects normally.

Building a pack's index allocates tens of megabytes of numpy arrays and frees them again.
glibc keeps freed memory for the process: once a freed block has raised its threshold for
handing blocks to mmap, later arrays come from its heap, and the heap is only shrunk from
the top. `give_back()` asks it to return those free pages (`malloc_trim`).
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

# Collector thresholds after the freeze: (young, middle, old). The young generation is
# collected every 2,000 net allocations instead of 700, the middle one every 10 of those as
# usual, and a full pass happens at most every 50 middle ones instead of 10: in a burst a full
# pass walks every interaction in flight. Chosen from one-off bursts of 1,000 /search timed
# with gc.callbacks: the default (700, 10, 10) gave full passes of 7-12 ms and (10,000, 10,
# 10) middle passes of 18 ms. `make bench` reports the longest pause with these settings.
THRESHOLDS = (2_000, 10, 50)


# After a content reload, how long to wait before freezing again: the work in flight that
# still holds the old content (a search awaiting its reply) has finished by then.
REFREEZE_AFTER_S = 30.0

_in_use = False


def freeze_long_lived() -> None:
    """Call once start-up has built everything that lives as long as the process."""
    global _in_use
    _in_use = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def thaw() -> bool:
    """Before long-lived objects are replaced (a content reload): let the collector see them.

    Frozen objects in reference cycles (the old content's sections) are never collected, so
    they are thawed; call `refreeze()` once nothing holds them. False if freezing is not in use.
    """
    if not _in_use:
        return False
    gc.unfreeze()
    return True


def refreeze() -> None:
    """Freeze again after `thaw()`: one full collection (a single pause), then freeze."""
    if _in_use:
        gc.unfreeze()
        freeze_long_lived()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No collector passes while loading content: it makes hundreds of thousands of objects
    that live on, and passes over them find nothing (reference counting frees the rest).
    Nested or in another thread, the outermost pause re-enables the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS, Windows)."""
    try:
        return getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # TypeError: Windows takes no None for the library
        return None


def give_back() -> bool:
    """Return the C allocator's free pages to the system; False where it cannot. A few
    milliseconds after an index build (it walks the free blocks), well under one otherwise."""
    trim = _malloc_trim()
    return trim is not None and bool(trim(0))
