"""Keep the garbage collector's full passes short.

The content, its search index and the loaded libraries are hundreds of thousands of objects
that live as long as the process. Left in the collector's oldest generation, each full
collection walks all of them: a pause of 30-50 ms in the middle of a burst of commands.
`gc.freeze()` moves everything alive at the end of start-up out of the collector's sight;
reference counting still frees those objects normally.
"""

from __future__ import annotations

import gc

# Young-generation threshold: objects allocated (net) between collections of generation 0.
# The default, 700, makes a burst of commands run the collector thousands of times, and
# every tenth-of-a-tenth run is a full pass over everything not frozen (in a burst: every
# interaction in flight). 10,000 keeps a young pass near a millisecond.
YOUNG_THRESHOLD = 10_000


def freeze_long_lived() -> None:
    """Call once start-up has built everything that lives as long as the process."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def refreeze() -> None:
    """After replacing long-lived objects (a content reload): collect the old ones, freeze again.

    Frozen objects in reference cycles are never collected, so the old content is thawed,
    collected with everything else, and what is left is frozen again. Nothing to do if
    nothing was frozen."""
    if not gc.get_freeze_count():
        return
    gc.unfreeze()
    freeze_long_lived()
