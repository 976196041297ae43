"""The cache folder beside the database: the search indexes (bot/index_cache.py), the kept
library (bot/pack/kept.py) and the packs' hash memo (bot/pack/hash_memo.py)."""

from __future__ import annotations

from pathlib import Path


def make_private(folder: Path) -> None:
    """Create `folder` and any missing parents 0700: it sits in the data folder, which the
    database keeps private (bot/storage/db.py), and may be created before the database is."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=0o700, exist_ok=True)
