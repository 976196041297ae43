"""A loaded library kept on disk beside the index cache, keyed by the verdict's library hash.

Parsing every page of every pack is most of a warm start-up once the verdict spares the
checks (bot/pack/verdict.py): 15 editions of 40 pages take seconds, reading them back a tenth
of that. The key is the library hash (every file each manifest names, and the code under
bot/pack and bot/search) and the library's folder, so a changed file or changed code is
never served from here: it is parsed and checked again, and only a load without errors is
kept. Like the index cache the folder is ours alone, so pickle is acceptable; a file that
fails to load is ignored and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
from pathlib import Path

from bot.heap import collection_paused
from bot.pack.cache_dir import make_private
from bot.pack.compare import text_key
from bot.pack.model import Pack

log = logging.getLogger(__name__)

_SUFFIX = ".lib"


def _path(cache_dir: Path, digest: str, root: Path) -> Path:
    # The folder is in the key: a pack's references carry no path, but the library does.
    key = hashlib.sha256(f"{digest}\x00{root.resolve()}".encode()).hexdigest()
    return Path(cache_dir) / f"{key}{_SUFFIX}"


def read_kept(
    cache_dir: Path, digest: str, root: Path
) -> tuple[dict[str, Pack], dict[str, str]] | None:
    """The packs kept for the library at `digest` in `root`, with their paragraphs' text
    keys (see `keep`); None when none are kept."""
    path = _path(cache_dir, digest, root)
    # Half a million small objects: a collection pass every few thousand of them would
    # double the read, and none of them is garbage.
    with collection_paused():
        try:
            with path.open("rb") as f:
                kept = pickle.load(f)
        except OSError:
            return None  # not there (or no such directory)
        except Exception as exc:  # a truncated or foreign file: parse again, replace it
            log.warning("kept library unreadable", extra={"path": str(path), "error": repr(exc)})
            return None
    if not isinstance(kept, dict):
        return None
    packs, keys = kept.get("packs"), kept.get("text_keys")
    if not (isinstance(packs, dict) and all(isinstance(p, Pack) for p in packs.values())):
        return None
    return (packs, keys) if isinstance(keys, dict) else None


def _share_texts(packs: dict[str, Pack]) -> None:
    """Make equal paragraph texts one string, so the file holds each once (editions repeat
    most paragraphs word for word) and the packs read back share it."""
    seen: dict[str, str] = {}
    for pack in packs.values():
        for paragraph in pack.paragraphs.values():
            # Paragraph is frozen; the value is unchanged, only which equal string holds it.
            object.__setattr__(paragraph, "text", seen.setdefault(paragraph.text, paragraph.text))


def keep(
    cache_dir: Path, digest: str, root: Path, packs: dict[str, Pack], text_keys: dict[str, str]
) -> None:
    """Keep the packs of a library that loaded without errors, for the next start, and the
    `text_key` of each distinct paragraph text, which the library search files every
    paragraph under (bot/search/library.py). `text_keys` is filled in for every paragraph."""
    path = _path(cache_dir, digest, root)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    _share_texts(packs)
    for pack in packs.values():
        for paragraph in pack.paragraphs.values():
            if paragraph.text not in text_keys:
                text_keys[paragraph.text] = text_key(paragraph.text)
    try:
        make_private(path.parent)
        with tmp.open("wb") as f:
            kept = {"packs": packs, "text_keys": text_keys}
            pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except (OSError, pickle.PicklingError, RecursionError) as exc:
        log.debug("kept library not written", extra={"path": str(path), "error": repr(exc)})
        with contextlib.suppress(OSError):  # e.g. the folder is a file: nothing was written
            tmp.unlink(missing_ok=True)
