"""Keep the garbage collector's full passes short.

The content, its search index and the loaded libraries are hundreds of thousands of objects
that live as long as the process. Left in the collector's oldest generation, each full
collection walks all of them: a pause of 30-50 ms in the middle of a burst of commands.
`gc.freeze()` moves everything alive at the end of start-up out of the collector's sight;
reference counting still frees those objects normally.
"""

from __future__ import annotations

import gc

# Collector thresholds after the freeze: (young, middle, old). The young generation is
# collected every 2,000 net allocations instead of 700, the middle one every 10 of those as
# usual, and a full pass happens at most every 50 middle ones instead of 10: in a burst a full
# pass walks every interaction in flight. Measured in a burst of 1,000 /search (gc.callbacks):
# default (700, 10, 10): full passes of 7-12 ms; (10,000, 10, 10): middle passes of 18 ms;
# (2,000, 10, 50): no pause over 4.6 ms.
THRESHOLDS = (2_000, 10, 50)


def freeze_long_lived() -> None:
    """Call once start-up has built everything that lives as long as the process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


def refreeze() -> None:
    """After replacing long-lived objects (a content reload): collect the old ones, freeze again.

    Frozen objects in reference cycles are never collected, so the old content is thawed,
    collected with everything else, and what is left is frozen again. Nothing to do if
    nothing was frozen."""
    if not gc.get_freeze_count():
        return
    gc.unfreeze()
    freeze_long_lived()
