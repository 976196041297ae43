"""What grows in a bot process under load: tracemalloc, glibc malloc's own figures, and RSS.

Opt-in, for the bot process of the benchmarks (bench/e2e_bench.py's child): with
`BENCH_TRACEMALLOC=<path>` set, `heap_mark` (the soak sends it at its warm-up point) starts
tracing Python allocations, and `heap_report` writes to `<path>` what was allocated since and
is still alive, grouped by file and by traceback, with its total beside the growth of RSS and
of malloc's arenas, so growth that Python does not hold (freed memory the allocator keeps,
fragmentation) shows as the gap between them. Without the variable both commands only report
RSS and malloc's figures:

    BENCH_TRACEMALLOC=/tmp/soak-heap.txt .venv/bin/python -m bench.soak

Tracing slows the bot several times over: its RSS and timings are not the soak's figures.
`BENCH_TRACEMALLOC_FRAMES` sets the frames kept per allocation (default 12).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import tracemalloc
from pathlib import Path
from typing import Any

ENV = "BENCH_TRACEMALLOC"
FRAMES_ENV = "BENCH_TRACEMALLOC_FRAMES"
DEFAULT_FRAMES = 12
TOP = 30

Json = dict[str, Any]

# Allocations of the tracer's own bookkeeping and of imports are not the process's growth.
_IGNORED = (tracemalloc.__file__, "<frozen importlib._bootstrap", "<unknown>")


def _shown(stat: tracemalloc.Statistic) -> bool:
    return not stat.traceback[0].filename.startswith(_IGNORED)


class _MallInfo2(ctypes.Structure):
    # glibc >= 2.33 `struct mallinfo2`: every field a size_t.
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",  # bytes in the main arena obtained with sbrk
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",  # bytes in mmap-ed blocks
            "usmblks",
            "fsmblks",
            "uordblks",  # bytes in use
            "fordblks",  # bytes free but kept
            "keepcost",  # releasable from the top of the heap
        )
    ]


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def malloc_info() -> Json:
    """glibc's malloc figures in KiB (all arenas), or {} where mallinfo2 is missing."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallinfo2"):
        return {}
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return {
        "malloc_heap_kb": (info.arena + info.hblkhd) // 1024,
        "malloc_in_use_kb": (info.uordblks + info.hblkhd) // 1024,
        "malloc_free_kept_kb": info.fordblks // 1024,
    }


def malloc_trim() -> bool:
    """Ask glibc to hand free heap pages back to the system (a diagnostic, never the figure)."""
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    return bool(libc.malloc_trim(0))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def figures() -> Json:
    """RSS, malloc's figures and (when tracing) the traced total, in KiB."""
    found: Json = {"rss_kb": rss_kb(), **malloc_info()}
    if tracemalloc.is_tracing():
        found["traced_kb"] = tracemalloc.get_traced_memory()[0] // 1024
    return found


class HeapTrace:
    """Tracing from the mark on, and the report of what is still allocated at the end."""

    def __init__(self) -> None:
        self.mark_figures: Json = {}

    def take_mark(self) -> Json:
        """The figures now; with `BENCH_TRACEMALLOC` set, trace allocations from here on.

        Tracing starts at the mark rather than at start-up: what a snapshot at the end holds is
        then exactly what was allocated after the mark and is still alive (the growth), and no
        snapshot of the million allocations of the content and index is ever taken (that
        blocks the process for longer than the soak waits for an answer)."""
        self.mark_figures = figures()
        if enabled() and not tracemalloc.is_tracing():
            tracemalloc.start(int(os.environ.get(FRAMES_ENV, DEFAULT_FRAMES)))
        return {"tracing": tracemalloc.is_tracing(), **self.mark_figures}

    def report(self, path: Path | None = None) -> Json:
        """The figures at the mark and now; when tracing, what was allocated since the mark
        and is still alive is written to `path` (default: `$BENCH_TRACEMALLOC`)."""
        end = figures()
        result: Json = {"mark": self.mark_figures, "end": end, "tracing": False}
        if tracemalloc.is_tracing():
            # Cyclic garbage waits for a full collection (bot/heap.py makes those rare): it
            # counts in RSS, but it is not held. Both figures, then what is held.
            result["traced_before_collect_kb"] = end["traced_kb"]
            gc.collect()
            result["traced_after_collect_kb"] = tracemalloc.get_traced_memory()[0] // 1024
            now = tracemalloc.take_snapshot()
            tracemalloc.stop()
            target = path or Path(os.environ[ENV])
            target.write_text(_render(now, self.mark_figures, end))
            result.update(tracing=True, written=str(target))
        return result


def _delta(mark: Json, end: Json, key: str) -> str:
    if key not in end:
        return f"{key}: -"
    if key not in mark:
        return f"{key}: {end[key]} at the end"
    return f"{key}: {mark[key]} -> {end[key]} ({end[key] - mark[key]:+d})"


def _render(now: tracemalloc.Snapshot, a: Json, b: Json) -> str:
    lines = ["# Growth from the mark to the end (KiB)", ""]
    for key in ("rss_kb", "traced_kb", "malloc_heap_kb", "malloc_in_use_kb", "malloc_free_kept_kb"):
        lines.append(_delta(a, b, key))
    lines += [
        "",
        "traced_kb: allocated after the mark and alive at the end; the lists below are what",
        "is still alive after a full garbage collection.",
    ]
    by_file = [s for s in now.statistics("filename") if _shown(s)]
    lines += ["", f"## Alive at the end, by file (innermost frame), top {TOP}", ""]
    for stat in by_file[:TOP]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size / 1024:10.1f} KiB {stat.count:8d} blocks  {frame.filename}")
    by_trace = [s for s in now.statistics("traceback") if _shown(s)]
    lines += ["", f"## Alive at the end, by traceback, top {TOP} (innermost frame last)", ""]
    for stat in by_trace[:TOP]:
        lines.append(f"{stat.size / 1024:10.1f} KiB in {stat.count} blocks")
        lines += [f"    {line}" for line in stat.traceback.format()]
        lines.append("")
    return "\n".join(lines) + "\n"
