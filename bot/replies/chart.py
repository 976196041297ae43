"""The /stats chart: usage per day drawn as a PNG (matplotlib, imported only when drawn)."""

from __future__ import annotations

import gc
import io

from bot.storage.stats import UsageSummary


def render_daily_chart_png(summary: UsageSummary) -> bytes:
    """A bar chart of events per day as PNG bytes. CPU-bound: call via asyncio.to_thread."""
    png = _render(summary)
    # A figure is a web of reference cycles (figure, axes, artists, canvas) that holds its
    # pixel buffer: about 1.3 MB a chart, freed only by a full collection, which bot/heap.py
    # makes rare. Collected here, once per chart, /stats does not add to the process's RSS
    # (it was part of the soak's growth). Frozen content is not walked: a few milliseconds.
    gc.collect()
    return png


def _render(summary: UsageSummary) -> bytes:
    # Imported here: matplotlib costs tens of MB the idle bot should not carry. The Figure +
    # FigureCanvasAgg API keeps off pyplot's global state, so this is safe in a worker thread.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    days = [d for d, _ in summary.daily]
    counts = [n for _, n in summary.daily]
    fig = Figure(figsize=(8, 3), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar(range(len(days)), counts, color="#3b6ea5")
    step = max(1, len(days) // 10)
    ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]])
    ax.set_ylabel("events")
    ax.set_title(f"Bluebook Bot lookups per day, last {summary.days} days (UTC)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
