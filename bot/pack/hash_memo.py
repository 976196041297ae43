"""Pack hashes remembered by their files' stat, so a warm start reads no page.

`pack_hash` (bot/pack/verdict.py) reads every file a pack's manifest names: a library of 15
editions is 20 MB, read and hashed at every start only to find it unchanged. The memo keeps
each pack's hash beside the index cache with the stat of every file it read (device, inode,
size, modification and change times in nanoseconds), taken before reading. A load that finds
every stat the same uses the hash without reading a file.

As git's index does, a stat is trusted only when its file had not changed for RACY_NS before
it was hashed: a file written in the clock tick of its hashing could change again without
its times moving. Any other difference (a file edited, replaced, touched, renamed or made a
link to another, a file missing) and the pack is read and hashed again. The memo spares the
reading only: it vouches for nothing the hash would not, and one that cannot be read or
written costs a load the reading.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path

from bot.pack.cache_dir import make_private

log = logging.getLogger(__name__)

MEMO_FILE = "pack-hashes.json"
RACY_NS = 2_000_000_000
_VERSION = 1

Stat = tuple[int, int, int, int, int]


def stat_of(path: Path) -> Stat | None:
    """(device, inode, size, mtime, ctime) of the file `path` names, links followed."""
    try:
        s = os.stat(path)
    except OSError:
        return None
    return (s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns)


class HashMemo:
    """The memo kept in `folder` (the index cache's); None keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.path = Path(folder) / MEMO_FILE if folder is not None else None
        self._packs: dict[str, dict] = self._read()
        self._changed = False

    def _read(self) -> dict[str, dict]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.debug(
                "pack hash memo unreadable", extra={"path": str(self.path), "error": repr(exc)}
            )
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        packs = data.get("packs")
        return packs if isinstance(packs, dict) else {}

    def get(self, pack: Path) -> str | None:
        """The hash kept for `pack`, if every file it read is as it was, and had been for
        RACY_NS when it was read."""
        entry = self._packs.get(str(pack.absolute()))
        if not isinstance(entry, dict):
            return None
        try:
            hashed_ns = int(entry["hashed_ns"])
            if not entry["files"]:
                return None  # every pack has its manifest at least
            for name, kept in entry["files"]:
                now = stat_of(pack / name)
                if now is None and kept is None:
                    continue  # missing then, missing now
                if now is None or list(now) != kept or hashed_ns - max(now[3], now[4]) < RACY_NS:
                    return None
            digest = entry["hash"]
        except (KeyError, TypeError, ValueError):
            return None
        return digest if isinstance(digest, str) else None

    def put(self, pack: Path, digest: str, stats: dict[str, Stat | None], hashed_ns: int) -> None:
        """Keep `digest` of `pack`, whose files had `stats` (taken before they were read, at
        `hashed_ns`; None for a file missing)."""
        if self.path is None:
            return
        files = [[name, None if stat is None else list(stat)] for name, stat in stats.items()]
        self._packs[str(pack.absolute())] = {"hash": digest, "hashed_ns": hashed_ns, "files": files}
        self._changed = True

    def save(self) -> None:
        """Write the memo if a hash was added (atomically; a failure is only logged)."""
        if self.path is None or not self._changed:
            return
        tmp = self.path.with_name(f"{MEMO_FILE}.{os.getpid()}.tmp")
        try:
            make_private(self.path.parent)
            tmp.write_text(json.dumps({"version": _VERSION, "packs": self._packs}), "utf-8")
            tmp.replace(self.path)
            self._changed = False
        except OSError as exc:
            log.debug(
                "pack hash memo not written", extra={"path": str(self.path), "error": repr(exc)}
            )
            with contextlib.suppress(OSError):  # e.g. the folder is a file: nothing written
                tmp.unlink(missing_ok=True)
